import type { FastifyPluginAsync } from 'fastify';
import type { DeliveryService } from '../../core/delivery/delivery-service.js';
import { authenticate, secured } from '../auth.js';
import type { AccessControl } from '../../core/access-control.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { errorRef } from '../schemas/index.js';
import { eventsSchema, registeringTenantProperty, webhookSchema } from '../schemas/integration.js';
import { checkDeliveryTarget, integrationJson, registeringTenant } from './integration-json.js';
import { integrationManagementRoutes, type ManagedIntegration } from './integration-management.js';

const WEBHOOKS: ManagedIntegration = {
  kind: 'webhook',
  path: '/api/v1/webhooks',
  schema: webhookSchema,
  json: integrationJson,
  notFound: (id) => new SatiotError('WEBHOOK_NOT_FOUND', `no webhook ${id}`),
  summaries: {
    list: 'Webhooks, of one tenant or all',
    one: 'One webhook',
    enable: 'Enable (the failure count starts again; queued deliveries resume) or disable a webhook',
    remove: 'Delete a webhook with its queued deliveries and its log',
    log: "A webhook's delivery log, newest attempt first: status code or error, duration, time",
  },
};

/**
 * Signed webhooks (docs/webhooks.md): register one — its signing secret is answered once — list,
 * enable or disable, delete, and read its delivery log. Operators and the tenant's admins manage
 * them; regulators read them.
 */
export function webhookRoutes(delivery: DeliveryService, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));

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

    integrationManagementRoutes(app, delivery, WEBHOOKS);
  };
}
