import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Core } from '../../core/core.js';
import type { GroundStationRecord } from '../../core/model.js';
import type { AccessControl } from '../../core/access-control.js';
import { ADMINS, allow, authenticate, checkTenant, principalOf, READERS, secured } from '../auth.js';
import { errorRef, ref } from '../schemas/index.js';
import { gatewaySchema } from '../schemas/terrestrial-gateway.js';
import { SatiotError } from '../../errors/satiot-error.js';

interface NewGatewayBody {
  gatewayEui: string;
  name?: string;
  lat: number;
  lon: number;
  altM?: number;
  tenantId?: string;
}

const view = (g: GroundStationRecord) => ({
  id: g.id,
  gatewayEui: g.gatewayEui!,
  name: g.name,
  ...(g.tenantId !== undefined ? { tenantId: g.tenantId } : {}),
  lat: g.lat,
  lon: g.lon,
  altM: g.altM,
  enabled: g.enabled,
  createdAt: new Date(g.createdAt).toISOString(),
  ...(g.lastSeenAt !== undefined ? { lastSeenAt: new Date(g.lastSeenAt).toISOString() } : {}),
  ...(g.gatewayStat ? { stat: g.gatewayStat } : {}),
});
const notFound = (id: string) => () => new SatiotError('GATEWAY_NOT_FOUND', `no gateway ${id}`);

/**
 * Terrestrial LoRa gateways (docs/interop.md), registered by EUI: operators register any (the
 * operator's own, or a tenant's with `tenantId`), a tenant's admins their tenant's. Operators and
 * regulators list every gateway; tenant keys see the operator's and their own. Another tenant's
 * gateway answers 404.
 */
export function terrestrialGatewayRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));
    const visible = (req: FastifyRequest, g: GroundStationRecord): boolean => {
      const p = principalOf(req);
      return p.tenantId === null || g.tenantId === undefined || g.tenantId === p.tenantId;
    };

    app.post<{ Body: NewGatewayBody }>(
      '/api/v1/gateways',
      {
        schema: {
          summary: 'Register a terrestrial LoRa gateway by EUI (Semtech UDP packet forwarder)',
          tags: ['gateways'],
          ...secured,
          body: {
            type: 'object',
            required: ['gatewayEui', 'lat', 'lon'],
            additionalProperties: false,
            properties: {
              gatewayEui: { type: 'string', pattern: '^[0-9a-fA-F]{16}$' },
              name: { type: 'string', minLength: 1, maxLength: 200 },
              lat: { type: 'number', minimum: -90, maximum: 90 },
              lon: { type: 'number', minimum: -180, maximum: 180 },
              altM: { type: 'number', minimum: -500, maximum: 10000 },
              tenantId: { type: 'string', maxLength: 64 },
            },
          },
          response: { 201: ref(gatewaySchema), '4xx': errorRef },
        },
      },
      async (req, reply) => {
        const p = allow(req, ADMINS);
        const tenantId = p.tenantId ?? req.body.tenantId;
        if (p.tenantId !== null && req.body.tenantId !== undefined && req.body.tenantId !== p.tenantId)
          throw new SatiotError('TENANT_NOT_FOUND', `no tenant ${req.body.tenantId}`);
        const g = await core.gateways.create({ ...req.body, ...(tenantId !== undefined ? { tenantId } : {}) });
        return reply.status(201).send(view(g));
      },
    );

    app.get(
      '/api/v1/gateways',
      {
        schema: {
          summary: 'List terrestrial gateways',
          tags: ['gateways'],
          ...secured,
          response: {
            200: {
              type: 'object',
              required: ['items'],
              properties: { items: { type: 'array', items: ref(gatewaySchema) } },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        allow(req, READERS);
        return { items: (await core.gateways.list()).filter((g) => visible(req, g)).map(view) };
      },
    );

    app.get<{ Params: { id: string } }>(
      '/api/v1/gateways/:id',
      {
        schema: {
          summary: 'One terrestrial gateway',
          tags: ['gateways'],
          ...secured,
          params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } },
          response: { 200: ref(gatewaySchema), '4xx': errorRef },
        },
      },
      async (req) => {
        allow(req, READERS);
        const g = await core.gateways.get(req.params.id);
        if (!g || !visible(req, g)) throw notFound(req.params.id)();
        return view(g);
      },
    );

    app.delete<{ Params: { id: string } }>(
      '/api/v1/gateways/:id',
      {
        schema: {
          summary: 'Delete a gateway that heard nothing (GATEWAY_HAS_RECEPTIONS otherwise)',
          tags: ['gateways'],
          ...secured,
          params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } },
          response: { '4xx': errorRef },
        },
      },
      async (req, reply) => {
        const g = await core.gateways.get(req.params.id);
        if (!g || !visible(req, g)) throw notFound(req.params.id)();
        // A tenant's admins delete their own gateways; the operator's belong to the operator.
        if (g.tenantId === undefined) allow(req, ['operator']);
        else checkTenant(req, g.tenantId, notFound(req.params.id), ADMINS);
        await core.gateways.delete(g.id);
        return reply.status(204).send();
      },
    );
  };
}
