import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { DeliveryService } from '../../core/delivery/delivery-service.js';
import { ADMINS, authenticate, checkTenant, tenantScope, allow } from '../auth.js';
import type { AccessControl } from '../../core/access-control.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { errorRef, ref } from '../schemas/index.js';
import {
  enabledBody,
  eventsSchema,
  idParams,
  listQuery,
  logQuery,
  registeringTenantProperty,
  deliveryLogSchema,
  webhookSchema,
} from '../schemas/integration.js';
import {
  checkDeliveryTarget,
  INTEGRATION_READERS,
  integrationJson,
  logRoute,
  registeringTenant,
} from './integration-json.js';

/**
 * Signed webhooks (docs/webhooks.md): register one — its signing secret is answered once — list,
 * enable or disable, delete, and read its delivery log. Operators and the tenant's admins manage
 * them; regulators read them.
 */
export function webhookRoutes(delivery: DeliveryService, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));
    /** The integration, if the caller's tenant owns it (another tenant's answers as if it did not exist). */
    const owned = async (req: FastifyRequest, id: string, roles = ADMINS) => {
      const notFound = () => new SatiotError('WEBHOOK_NOT_FOUND', `no webhook ${id}`);
      const rec = await delivery.catalog.get('webhook', id).catch(() => undefined);
      if (!rec) throw notFound();
      checkTenant(req, rec.tenantId, notFound, roles);
      return rec;
    };
    const secured = { security: [{ apiKey: [] }] };

    app.post<{ Body: { tenantId?: string; url: string; events?: string[] } }>(
      '/api/v1/webhooks',
      {
        schema: {
          summary:
            'Register a webhook: events are POSTed to the URL, signed with the secret answered here (shown once)',
          tags: ['delivery'],
          ...secured,
          body: {
            type: 'object',
            required: ['url'],
            additionalProperties: false,
            properties: {
              tenantId: registeringTenantProperty,
              url: { type: 'string', maxLength: 2048 },
              events: eventsSchema,
            },
          },
          response: {
            201: {
              type: 'object',
              required: ['id', 'secret'],
              properties: { id: { type: 'string' }, secret: { type: 'string' } },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req, reply) => {
        const tenantId = registeringTenant(req, req.body.tenantId);
        checkDeliveryTarget(delivery, req.body.url);
        const { webhook, secret } = await delivery.catalog.createWebhook({ ...req.body, tenantId });
        return reply.status(201).send({ id: webhook.id, secret });
      },
    );

    app.get<{ Querystring: { tenantId?: string } }>(
      '/api/v1/webhooks',
      {
        schema: {
          summary: 'Webhooks, of one tenant or all',
          tags: ['delivery'],
          ...secured,
          querystring: listQuery,
          response: {
            200: {
              type: 'object',
              required: ['items'],
              properties: { items: { type: 'array', items: ref(webhookSchema) } },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        const tenantId = tenantScope(req, req.query.tenantId);
        allow(req, INTEGRATION_READERS);
        return { items: (await delivery.catalog.list('webhook', tenantId)).map((r) => integrationJson(r, req)) };
      },
    );

    app.get<{ Params: { id: string } }>(
      '/api/v1/webhooks/:id',
      {
        schema: {
          summary: 'One webhook',
          tags: ['delivery'],
          ...secured,
          params: idParams,
          response: { 200: ref(webhookSchema), '4xx': errorRef },
        },
      },
      async (req) => integrationJson(await owned(req, req.params.id, INTEGRATION_READERS), req),
    );

    app.patch<{ Params: { id: string }; Body: { enabled: boolean } }>(
      '/api/v1/webhooks/:id',
      {
        schema: {
          summary: 'Enable (the failure count starts again; queued deliveries resume) or disable a webhook',
          tags: ['delivery'],
          ...secured,
          params: idParams,
          body: enabledBody,
          response: { 200: ref(webhookSchema), '4xx': errorRef },
        },
      },
      async (req) => {
        await owned(req, req.params.id);
        return integrationJson(await delivery.catalog.setEnabled('webhook', req.params.id, req.body.enabled), req);
      },
    );

    app.delete<{ Params: { id: string } }>(
      '/api/v1/webhooks/:id',
      {
        schema: {
          summary: 'Delete a webhook with its queued deliveries and its log',
          tags: ['delivery'],
          ...secured,
          params: idParams,
          response: { 204: { type: 'null' }, '4xx': errorRef },
        },
      },
      async (req, reply) => {
        await owned(req, req.params.id);
        await delivery.catalog.delete('webhook', req.params.id);
        return reply.status(204).send();
      },
    );

    app.get<{ Params: { id: string }; Querystring: { limit: number; cursor?: string } }>(
      '/api/v1/webhooks/:id/deliveries',
      {
        schema: {
          summary: "A webhook's delivery log, newest attempt first: status code or error, duration, time",
          tags: ['delivery'],
          ...secured,
          params: idParams,
          querystring: logQuery,
          response: { 200: ref(deliveryLogSchema), '4xx': errorRef },
        },
      },
      async (req) => {
        await owned(req, req.params.id, INTEGRATION_READERS);
        return logRoute(delivery, 'webhook', req.params.id, req.query);
      },
    );
  };
}
