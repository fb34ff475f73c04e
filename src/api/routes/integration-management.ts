import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DeliveryService } from '../../core/delivery/delivery-service.js';
import type { IntegrationKind, IntegrationRecord } from '../../core/ports/delivery-store.js';
import type { Role } from '../../core/model.js';
import type { SatiotError } from '../../errors/satiot-error.js';
import { ADMINS, allow, checkTenant, tenantScope, secured } from '../auth.js';
import { errorRef, ref } from '../schemas/index.js';
import { deliveryLogSchema, enabledBody, idParams, listQuery, logQuery } from '../schemas/integration.js';
import { INTEGRATION_READERS, logRoute } from './integration-json.js';

/** What tells one kind of integration (webhooks, MQTT) apart in the routes they share. */
export interface ManagedIntegration {
  readonly kind: IntegrationKind;
  /** The collection's path, e.g. `/api/v1/webhooks`. */
  readonly path: string;
  /** The shared schema of one integration as the API shows it. */
  readonly schema: { readonly $id: string };
  /** One integration as the API shows it (secrets withheld). */
  readonly json: (r: IntegrationRecord, req: FastifyRequest) => object;
  readonly notFound: (id: string) => SatiotError;
  readonly summaries: {
    readonly list: string;
    readonly one: string;
    readonly enable: string;
    readonly remove: string;
    readonly log: string;
  };
}

/** The integration, if the caller's tenant owns it (another tenant's answers as if it did not exist). */
export function integrationOwner(delivery: DeliveryService, m: ManagedIntegration) {
  return async (req: FastifyRequest, id: string, roles: readonly Role[] = ADMINS): Promise<IntegrationRecord> => {
    const rec = await delivery.catalog.get(m.kind, id).catch(() => undefined);
    if (!rec) throw m.notFound(id);
    checkTenant(req, rec.tenantId, () => m.notFound(id), roles);
    return rec;
  };
}

/**
 * The routes every kind of integration has once registered: list, show, enable or disable, delete,
 * and the delivery log. Tenants' admins and operators manage; regulators read.
 */
export function integrationManagementRoutes(app: FastifyInstance, delivery: DeliveryService, m: ManagedIntegration) {
  const owned = integrationOwner(delivery, m);
  const one = `${m.path}/:id`;

  app.get<{ Querystring: { tenantId?: string } }>(
    m.path,
    {
      schema: {
        summary: m.summaries.list,
        tags: ['delivery'],
        ...secured,
        querystring: listQuery,
        response: {
          200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref(m.schema) } } },
          '4xx': errorRef,
        },
      },
    },
    async (req) => {
      const tenantId = tenantScope(req, req.query.tenantId);
      allow(req, INTEGRATION_READERS);
      return { items: (await delivery.catalog.list(m.kind, tenantId)).map((r) => m.json(r, req)) };
    },
  );

  app.get<{ Params: { id: string } }>(
    one,
    {
      schema: {
        summary: m.summaries.one,
        tags: ['delivery'],
        ...secured,
        params: idParams,
        response: { 200: ref(m.schema), '4xx': errorRef },
      },
    },
    async (req) => m.json(await owned(req, req.params.id, INTEGRATION_READERS), req),
  );

  app.patch<{ Params: { id: string }; Body: { enabled: boolean } }>(
    one,
    {
      schema: {
        summary: m.summaries.enable,
        tags: ['delivery'],
        ...secured,
        params: idParams,
        body: enabledBody,
        response: { 200: ref(m.schema), '4xx': errorRef },
      },
    },
    async (req) => {
      await owned(req, req.params.id);
      return m.json(await delivery.catalog.setEnabled(m.kind, req.params.id, req.body.enabled), req);
    },
  );

  app.delete<{ Params: { id: string } }>(
    one,
    {
      schema: {
        summary: m.summaries.remove,
        tags: ['delivery'],
        ...secured,
        params: idParams,
        response: { 204: { type: 'null' }, '4xx': errorRef },
      },
    },
    async (req, reply) => {
      await owned(req, req.params.id);
      await delivery.catalog.delete(m.kind, req.params.id);
      return reply.status(204).send();
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit: number; cursor?: string } }>(
    `${one}/deliveries`,
    {
      schema: {
        summary: m.summaries.log,
        tags: ['delivery'],
        ...secured,
        params: idParams,
        querystring: logQuery,
        response: { 200: ref(deliveryLogSchema), '4xx': errorRef },
      },
    },
    async (req) => {
      await owned(req, req.params.id, INTEGRATION_READERS);
      return logRoute(delivery, m.kind, req.params.id, req.query);
    },
  );
}
