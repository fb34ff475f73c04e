import type { FastifyPluginAsync } from 'fastify';
import type { Core } from '../../core/core.js';
import { terminalView, type NewTerminal } from '../../core/provisioning.js';
import { CRYPTO_SUITES, TERMINAL_PROFILES, TERMINAL_TRANSPORTS, type TerminalProfile } from '../../core/model.js';
import {
  actorOf,
  ADMINS,
  allow,
  authenticate,
  checkTenant,
  READERS,
  SUPERVISORS,
  tenantScope,
  secured,
} from '../auth.js';
import type { AccessControl } from '../../core/access-control.js';
import { errorRef, ref } from '../schemas/index.js';
import { tenantSchema } from '../schemas/provisioning.js';
import { groundStationSchema } from '../schemas/provisioning.js';
import { terminalSchema } from '../schemas/provisioning.js';
import { terminalBulkResultSchema } from '../schemas/bulk.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { createInBulk, MAX_BULK_TERMINALS, type BulkRow } from './bulk-terminals.js';
import { isTokenRevoked } from '../../core/station-tokens.js';
import { iso } from '../../core/iso-time.js';
import { pageAnswer, pageOf } from '../schemas/page.js';

const geoSchema = {
  type: 'object',
  required: ['lat', 'lon'],
  additionalProperties: false,
  properties: {
    lat: { type: 'number', minimum: -90, maximum: 90 },
    lon: { type: 'number', minimum: -180, maximum: 180 },
    altM: { type: 'number', minimum: -500, maximum: 100000, default: 0 },
  },
} as const;

/** A new terminal's tenant, identity, ABP session keys, crypto suite and profile (plain and full registration). */
export const newTerminalProperties = {
  tenantId: { type: 'string', maxLength: 64 },
  devEui: { type: 'string', pattern: '^[0-9a-fA-F]{16}$' },
  devAddr: { type: 'string', pattern: '^[0-9a-fA-F]{8}$' },
  nwkSKey: { type: 'string', pattern: '^[0-9a-fA-F]{32}$' },
  appSKey: { type: 'string', pattern: '^[0-9a-fA-F]{32}$' },
  suite: { type: 'string', enum: [...CRYPTO_SUITES], default: 'aes128' },
  profile: { type: 'string', enum: [...TERMINAL_PROFILES], default: 'fixed-collector' },
} as const;

/**
 * The body of POST /api/v1/terminals, and of each terminal of POST /api/v1/terminals/bulk: a
 * LoRaWAN terminal needs devEui, devAddr and its keys; an Iridium one (`transport: "iridium-sbd"`)
 * its IMEI and none of those (its devEui defaults to 0 + the IMEI) — the service says which is missing.
 */
const newTerminalBody = {
  type: 'object',
  required: ['tenantId'],
  additionalProperties: false,
  properties: {
    ...newTerminalProperties,
    transport: {
      type: 'string',
      enum: [...TERMINAL_TRANSPORTS],
      default: 'lorawan',
      description: 'lorawan, or iridium-sbd for an Iridium SBD modem heard over DirectIP',
    },
    imei: { type: 'string', pattern: '^[0-9]{15}$', description: "an iridium-sbd terminal's IMEI" },
    expectedMessagesPerDay: { type: 'number', minimum: 0, maximum: 100000 },
    location: geoSchema,
    codec: {
      type: 'string',
      minLength: 1,
      maxLength: 80,
      description: "jt808, sl651, line-monitor, dlt645, or user:<id> of one of the tenant's codecs",
    },
    name: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      description: 'what people call it (Gauge Wuhan 3), shown beside its DevEUI',
    },
  },
} as const;

/**
 * Provisioning: tenants (operators), terminals (operators and the tenant's admins), ground stations
 * (operators). Another tenant's terminal answers 404, as if it did not exist.
 */
export function provisioningRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));

    app.post<{ Body: { name: string } }>(
      '/api/v1/tenants',
      {
        schema: {
          summary: 'Create a tenant',
          tags: ['provisioning'],
          ...secured,
          body: {
            type: 'object',
            required: ['name'],
            additionalProperties: false,
            properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
          },
          response: { 201: ref(tenantSchema), '4xx': errorRef },
        },
      },
      async (req, reply) => {
        allow(req, ['operator']);
        const t = await core.provisioning.createTenant(req.body.name);
        return reply.status(201).send({ ...t, createdAt: iso(t.createdAt) });
      },
    );

    app.get(
      '/api/v1/tenants',
      {
        schema: {
          summary: 'List tenants',
          tags: ['provisioning'],
          ...secured,
          response: {
            200: {
              type: 'object',
              required: ['items'],
              properties: { items: { type: 'array', items: ref(tenantSchema) } },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        allow(req, READERS);
        const own = tenantScope(req, undefined);
        const items = (await core.registryQueries.listTenants()).filter((t) => own === undefined || t.id === own);
        return { items: items.map((t) => ({ ...t, createdAt: iso(t.createdAt) })) };
      },
    );

    app.post<{ Body: NewTerminal }>(
      '/api/v1/terminals',
      {
        schema: {
          summary:
            'Register a terminal: LoRaWAN with ABP session keys (sealed at rest, never returned), or an ' +
            'Iridium SBD modem by its IMEI',
          tags: ['provisioning'],
          ...secured,
          body: newTerminalBody,
          response: { 201: ref(terminalSchema), '4xx': errorRef },
        },
      },
      async (req, reply) => {
        checkTenant(
          req,
          req.body.tenantId,
          () => new SatiotError('TENANT_NOT_FOUND', `no tenant ${req.body.tenantId}`),
          ADMINS,
        );
        // Operators' terminals are approved at once; a tenant's wait as pending under review policy.
        const t = await core.registration.createTerminal(req.body, actorOf(req));
        return reply.status(201).send({ ...t, createdAt: iso(t.createdAt) });
      },
    );

    app.post<{ Body: { terminals: unknown[] } }>(
      '/api/v1/terminals/bulk',
      {
        bodyLimit: 64 * 1024 * 1024,
        schema: {
          summary:
            `Register many terminals at once (up to ${MAX_BULK_TERMINALS}); each is checked as POST ` +
            `/api/v1/terminals checks it and succeeds or fails on its own`,
          tags: ['provisioning'],
          ...secured,
          body: {
            type: 'object',
            required: ['terminals'],
            additionalProperties: false,
            properties: {
              terminals: {
                type: 'array',
                minItems: 1,
                maxItems: MAX_BULK_TERMINALS,
                items: { description: 'a body of POST /api/v1/terminals (checked row by row)' },
              },
            },
          },
          response: {
            200: ref(terminalBulkResultSchema),
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        const validate = req.compileValidationSchema(newTerminalBody);
        const rows: BulkRow[] = req.body.terminals.map((t, at) => {
          if (validate(t)) return { at, terminal: t as NewTerminal };
          const e = validate.errors?.[0];
          const devEui = t !== null && typeof t === 'object' ? (t as { devEui?: unknown }).devEui : undefined;
          return {
            at,
            ...(typeof devEui === 'string' ? { devEui } : {}),
            error: new SatiotError(
              'INVALID_ARGUMENT',
              `terminal ${at}: ${e ? `${e.instancePath || 'body'} ${e.message ?? 'is invalid'}` : 'is invalid'}`,
            ),
          };
        });
        const r = await createInBulk(core, req, rows);
        return {
          created: r.created,
          rejected: r.rejected,
          results: r.results.map(({ at, ...rest }) => ({ index: at, ...rest })),
        };
      },
    );

    app.get<{ Querystring: { tenantId?: string; limit: number; cursor?: string } }>(
      '/api/v1/terminals',
      {
        schema: {
          summary: 'List terminals',
          tags: ['provisioning'],
          ...secured,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              tenantId: { type: 'string' },
              limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
              cursor: { type: 'string', maxLength: 200 },
            },
          },
          response: {
            200: pageOf(ref(terminalSchema)),
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        allow(req, READERS);
        const tenantId = tenantScope(req, req.query.tenantId);
        const page = await core.registryQueries.listTerminals({
          limit: req.query.limit,
          ...(tenantId ? { tenantId } : {}),
          ...(req.query.cursor ? { cursor: req.query.cursor } : {}),
        });
        return pageAnswer(page, (t) => ({ ...terminalView(t), createdAt: iso(t.createdAt) }));
      },
    );

    app.get<{ Params: { devEui: string } }>(
      '/api/v1/terminals/:devEui',
      {
        schema: {
          summary: 'One terminal',
          tags: ['provisioning'],
          ...secured,
          params: { type: 'object', properties: { devEui: { type: 'string', maxLength: 32 } } },
          response: { 200: ref(terminalSchema), '4xx': errorRef },
        },
      },
      async (req) => {
        const notFound = () => new SatiotError('TERMINAL_NOT_FOUND', `no terminal ${req.params.devEui}`);
        const t = await core.registryQueries.getTerminalByDevEui(req.params.devEui.toLowerCase());
        if (!t) throw notFound();
        checkTenant(req, t.tenantId, notFound);
        return { ...terminalView(t), createdAt: iso(t.createdAt) };
      },
    );

    app.patch<{
      Params: { devEui: string };
      Body: {
        enabled?: boolean;
        profile?: TerminalProfile;
        expectedMessagesPerDay?: number;
        codec?: string | null;
        name?: string | null;
        location?: { lat: number; lon: number; altM: number } | null;
      };
    }>(
      '/api/v1/terminals/:devEui',
      {
        schema: {
          summary:
            'Change a terminal: enable or disable it, its profile, expected messages per day, codec, name ' +
            'or registered position (null clears the last three)',
          tags: ['provisioning'],
          ...secured,
          params: { type: 'object', properties: { devEui: { type: 'string', maxLength: 32 } } },
          body: {
            type: 'object',
            minProperties: 1,
            additionalProperties: false,
            properties: {
              enabled: { type: 'boolean' },
              profile: { type: 'string', enum: [...TERMINAL_PROFILES] },
              expectedMessagesPerDay: { type: 'number', minimum: 0, maximum: 100000 },
              codec: { type: ['string', 'null'], minLength: 1, maxLength: 80 },
              name: { type: ['string', 'null'], minLength: 1, maxLength: 64 },
              // As geoSchema, but nullable (null clears it) and without a default (Ajv ignores defaults under anyOf).
              location: {
                type: ['object', 'null'],
                required: ['lat', 'lon'],
                additionalProperties: false,
                properties: {
                  lat: geoSchema.properties.lat,
                  lon: geoSchema.properties.lon,
                  altM: { type: 'number', minimum: -500, maximum: 100000 },
                },
              },
            },
          },
          response: { 200: ref(terminalSchema), '4xx': errorRef },
        },
      },
      async (req) => {
        const notFound = () => new SatiotError('TERMINAL_NOT_FOUND', `no terminal ${req.params.devEui}`);
        const old = core.registry.byDevEui(req.params.devEui.toLowerCase());
        if (!old) throw notFound();
        checkTenant(req, old.record.tenantId, notFound, ADMINS);
        const { enabled, location, ...rest } = req.body;
        let t = await core.provisioning.updateTerminal(req.params.devEui, {
          ...rest,
          ...(location !== undefined
            ? { location: location && { lat: location.lat, lon: location.lon, altM: location.altM ?? 0 } }
            : {}),
        });
        if (enabled !== undefined) t = await core.provisioning.setTerminalEnabled(req.params.devEui, enabled);
        return { ...t, createdAt: iso(t.createdAt) };
      },
    );

    app.delete<{ Params: { devEui: string } }>(
      '/api/v1/terminals/:devEui',
      {
        schema: {
          summary:
            'Delete a terminal registered by mistake (one that has sent messages is kept: 409 ' +
            'TERMINAL_HAS_MESSAGES; disable it instead)',
          tags: ['provisioning'],
          ...secured,
          params: { type: 'object', properties: { devEui: { type: 'string', maxLength: 32 } } },
          response: { 204: { type: 'null' }, '4xx': errorRef },
        },
      },
      async (req, reply) => {
        const notFound = () => new SatiotError('TERMINAL_NOT_FOUND', `no terminal ${req.params.devEui}`);
        const old = core.registry.byDevEui(req.params.devEui.toLowerCase());
        if (!old) throw notFound();
        checkTenant(req, old.record.tenantId, notFound, ADMINS);
        await core.provisioning.deleteTerminal(req.params.devEui);
        await core.registration.forget(old.record.id);
        return reply.status(204).send();
      },
    );

    app.post<{ Body: { name: string; lat: number; lon: number; altM?: number } }>(
      '/api/v1/ground-stations',
      {
        schema: {
          summary: 'Register a ground station; its bearer token is shown once',
          tags: ['provisioning'],
          ...secured,
          body: {
            type: 'object',
            required: ['name', 'lat', 'lon'],
            additionalProperties: false,
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 200 },
              lat: { type: 'number', minimum: -90, maximum: 90 },
              lon: { type: 'number', minimum: -180, maximum: 180 },
              altM: { type: 'number', minimum: -500, maximum: 10000 },
            },
          },
          response: {
            201: {
              type: 'object',
              required: ['id', 'token'],
              properties: { id: { type: 'string' }, token: { type: 'string' } },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req, reply) => {
        allow(req, ['operator']);
        const { station, token } = await core.provisioning.createGroundStation(req.body);
        return reply.status(201).send({ id: station.id, token });
      },
    );

    app.get(
      '/api/v1/ground-stations',
      {
        schema: {
          summary: 'List ground stations',
          tags: ['provisioning'],
          ...secured,
          response: {
            200: {
              type: 'object',
              required: ['items'],
              properties: { items: { type: 'array', items: ref(groundStationSchema) } },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        allow(req, SUPERVISORS);
        return {
          items: (await core.registryQueries.listGroundStations()).map((s) => ({
            ...s,
            tokenRevoked: isTokenRevoked(s),
            createdAt: iso(s.createdAt),
          })),
        };
      },
    );
  };
}
