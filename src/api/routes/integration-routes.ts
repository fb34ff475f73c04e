import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { DeliveryService } from '../../core/delivery/delivery-service.js';
import type { IntegrationRecord } from '../../core/ports/delivery-store.js';
import { authenticate, secured } from '../auth.js';
import type { AccessControl } from '../../core/access-control.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { errorRef, ref } from '../schemas/index.js';
import { eventsSchema, registeringTenantProperty, mqttIntegrationSchema } from '../schemas/integration.js';
import { checkDeliveryTarget, integrationJson, registeringTenant } from './integration-json.js';
import { integrationManagementRoutes, type ManagedIntegration } from './integration-management.js';

/** An MQTT integration as the API shows it: never the password, only whether there is one. */
function mqttJson(r: IntegrationRecord, req: FastifyRequest) {
  return {
    ...integrationJson(r, req),
    ...(r.username !== null ? { username: r.username } : {}),
    hasPassword: r.secretSealed !== null,
    topicPrefix: r.topicPrefix ?? 'satiot',
  };
}

const MQTT_INTEGRATIONS: ManagedIntegration = {
  kind: 'mqtt',
  path: '/api/v1/integrations/mqtt',
  schema: mqttIntegrationSchema,
  json: mqttJson,
  notFound: (id) => new SatiotError('INTEGRATION_NOT_FOUND', `no MQTT integration ${id}`),
  summaries: {
    list: 'MQTT integrations, of one tenant or all',
    one: 'One MQTT integration',
    enable: 'Enable (the failure count starts again; queued deliveries resume) or disable an MQTT integration',
    remove: 'Delete an MQTT integration with its queued deliveries and its log',
    log: "An MQTT integration's delivery log, newest attempt first",
  },
};

/**
 * A tenant's own MQTT broker: events are published there at QoS 1 on
 * `{topicPrefix}/{tenantId}/terminals/{devEui}/{up|decoded|alarm|downlink}`. Operator key for now.
 */
export function integrationRoutes(delivery: DeliveryService, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));

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

    integrationManagementRoutes(app, delivery, MQTT_INTEGRATIONS);
  };
}
