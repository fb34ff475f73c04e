import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { DeliveryService } from '../../core/delivery/delivery-service.js';
import type { IntegrationRecord } from '../../core/ports/delivery-store.js';
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
  mqttIntegrationSchema,
} from '../schemas/integration.js';
import {
  checkDeliveryTarget,
  INTEGRATION_READERS,
  integrationJson,
  logRoute,
  registeringTenant,
} from './integration-json.js';

/** An MQTT integration as the API shows it: never the password, only whether there is one. */
function mqttJson(r: IntegrationRecord, req: FastifyRequest) {
  return {
    ...integrationJson(r, req),
    ...(r.username !== null ? { username: r.username } : {}),
    hasPassword: r.secretSealed !== null,
    topicPrefix: r.topicPrefix ?? 'satiot',
  };
}

/**
 * A tenant's own MQTT broker: events are published there at QoS 1 on
 * `{topicPrefix}/{tenantId}/terminals/{devEui}/{up|decoded|alarm|downlink}`. Operator key for now.
 */
export function integrationRoutes(delivery: DeliveryService, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));
    /** The integration, if the caller's tenant owns it (another tenant's answers as if it did not exist). */
    const owned = async (req: FastifyRequest, id: string, roles = ADMINS) => {
      const notFound = () => new SatiotError('INTEGRATION_NOT_FOUND', `no MQTT integration ${id}`);
      const rec = await delivery.catalog.get('mqtt', id).catch(() => undefined);
      if (!rec) throw notFound();
      checkTenant(req, rec.tenantId, notFound, roles);
      return rec;
    };
    const secured = { security: [{ apiKey: [] }] };

    app.post<{
      Body: {
        tenantId?: string;
        url: string;
        username?: string;
        password?: string;
        topicPrefix?: string;
        events?: string[];
      };
    }>(
      '/api/v1/integrations/mqtt',
      {
        schema: {
          summary:
            "Forward a tenant's events to its MQTT broker (QoS 1, topic " +
            '{topicPrefix}/{tenantId}/terminals/{devEui}/up …)',
          tags: ['delivery'],
          ...secured,
          body: {
            type: 'object',
            required: ['url'],
            additionalProperties: false,
            properties: {
              tenantId: registeringTenantProperty,
              url: { type: 'string', maxLength: 2048 },
              username: { type: 'string', maxLength: 256 },
              password: { type: 'string', maxLength: 1024 },
              topicPrefix: { type: 'string', maxLength: 600 },
              events: eventsSchema,
            },
          },
          response: { 201: ref(mqttIntegrationSchema), '4xx': errorRef },
        },
      },
      async (req, reply) => {
        const tenantId = registeringTenant(req, req.body.tenantId);
        checkDeliveryTarget(delivery, req.body.url);
        return reply.status(201).send(mqttJson(await delivery.catalog.createMqtt({ ...req.body, tenantId }), req));
      },
    );

    app.get<{ Querystring: { tenantId?: string } }>(
      '/api/v1/integrations/mqtt',
      {
        schema: {
          summary: 'MQTT integrations, of one tenant or all',
          tags: ['delivery'],
          ...secured,
          querystring: listQuery,
          response: {
            200: {
              type: 'object',
              required: ['items'],
              properties: { items: { type: 'array', items: ref(mqttIntegrationSchema) } },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        const tenantId = tenantScope(req, req.query.tenantId);
        allow(req, INTEGRATION_READERS);
        return { items: (await delivery.catalog.list('mqtt', tenantId)).map((r) => mqttJson(r, req)) };
      },
    );

    app.get<{ Params: { id: string } }>(
      '/api/v1/integrations/mqtt/:id',
      {
        schema: {
          summary: 'One MQTT integration',
          tags: ['delivery'],
          ...secured,
          params: idParams,
          response: { 200: ref(mqttIntegrationSchema), '4xx': errorRef },
        },
      },
      async (req) => mqttJson(await owned(req, req.params.id, INTEGRATION_READERS), req),
    );

    app.patch<{ Params: { id: string }; Body: { enabled: boolean } }>(
      '/api/v1/integrations/mqtt/:id',
      {
        schema: {
          summary: 'Enable (the failure count starts again; queued deliveries resume) or disable an MQTT integration',
          tags: ['delivery'],
          ...secured,
          params: idParams,
          body: enabledBody,
          response: { 200: ref(mqttIntegrationSchema), '4xx': errorRef },
        },
      },
      async (req) => {
        await owned(req, req.params.id);
        return mqttJson(await delivery.catalog.setEnabled('mqtt', req.params.id, req.body.enabled), req);
      },
    );

    app.delete<{ Params: { id: string } }>(
      '/api/v1/integrations/mqtt/:id',
      {
        schema: {
          summary: 'Delete an MQTT integration with its queued deliveries and its log',
          tags: ['delivery'],
          ...secured,
          params: idParams,
          response: { 204: { type: 'null' }, '4xx': errorRef },
        },
      },
      async (req, reply) => {
        await owned(req, req.params.id);
        await delivery.catalog.delete('mqtt', req.params.id);
        return reply.status(204).send();
      },
    );

    app.get<{ Params: { id: string }; Querystring: { limit: number; cursor?: string } }>(
      '/api/v1/integrations/mqtt/:id/deliveries',
      {
        schema: {
          summary: "An MQTT integration's delivery log, newest attempt first",
          tags: ['delivery'],
          ...secured,
          params: idParams,
          querystring: logQuery,
          response: { 200: ref(deliveryLogSchema), '4xx': errorRef },
        },
      },
      async (req) => {
        await owned(req, req.params.id, INTEGRATION_READERS);
        return logRoute(delivery, 'mqtt', req.params.id, req.query);
      },
    );
  };
}
