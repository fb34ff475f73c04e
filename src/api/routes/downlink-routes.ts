import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Core } from '../../core/core.js';
import type { AccessControl } from '../../core/access-control.js';
import { downlinkView, type DownlinkService } from '../../core/downlink-service.js';
import { DOWNLINK_STATES } from '../../core/ports/downlink-store.js';
import type { ErrorCode } from '../../errors/error-codes.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { actorOf, authenticate, checkTenant, stationOf, MEMBERS, principalOf, READERS, secured } from '../auth.js';
import type { Role } from '../../core/model.js';
import { errorRef, ref } from '../schemas/index.js';
import { downlinkSchema, isoTime, nullableIso } from '../schemas/downlink.js';
import { iso } from '../../core/iso-time.js';
import { pageAnswer, pageOf } from '../schemas/page.js';

/** Largest status batch one request may carry. */
export const MAX_STATUS_UPDATES = 1000;

// Codes the catalogue (src/errors/error-codes.ts) gains with this change; typed here until it has them.
const INVALID = 'DOWNLINK_INVALID' satisfies ErrorCode;
const NOT_FOUND = 'DOWNLINK_NOT_FOUND' satisfies ErrorCode;

const devEuiParams = {
  type: 'object',
  required: ['devEui'],
  properties: { devEui: { type: 'string', pattern: '^[0-9a-fA-F]{16}$' } },
} as const;

interface DownlinkBody {
  fPort: number;
  payload: string;
  confirmed?: boolean;
  expiresAt?: string;
  priority?: 'normal' | 'emergency';
}
interface StatusBody {
  updates: Array<{ downlinkId: string; status: 'uploaded' | 'transmitted' | 'failed'; at: string }>;
}

/** Strict base64 (RFC 4648 alphabet, padded): Buffer.from would skip bad characters silently. */
function base64Bytes(s: string): Uint8Array {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new SatiotError(INVALID, 'payload must be base64');
  return new Uint8Array(Buffer.from(s, 'base64'));
}

function time(s: string, field: string, code: ErrorCode): number {
  const t = Date.parse(s);
  if (!Number.isFinite(t)) throw new SatiotError(code, `${field} is not an ISO 8601 time`, { [field]: s });
  return t;
}

/**
 * Downlinks: customers queue them (operators, the terminal's tenant admins and users) and follow them
 * (regulators read too; another tenant's answer 404); ground stations fetch what to upload and report what
 * happened (their own bearer token, as for uplinks).
 */
export function downlinkRoutes(core: Core, service: DownlinkService, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    await app.register(async (customer) => {
      customer.addHook('preHandler', authenticate(access));
      /** The terminal, if the caller may see it (another tenant's answers as if it did not exist). */
      /** downlinkView, without the payload for a regulator who may not see payloads. */
      const viewFor = (req: FastifyRequest) => (d: Parameters<typeof downlinkView>[0]) => {
        const { payload, ...rest } = downlinkView(d);
        return access.seesPayloads(principalOf(req)) ? { ...rest, payload } : rest;
      };
      const terminalFor = (req: FastifyRequest, devEui: string, roles: readonly Role[]) => {
        const notFound = () => new SatiotError('TERMINAL_NOT_FOUND', `no terminal ${devEui}`);
        const entry = core.registry.byDevEui(devEui.toLowerCase());
        if (!entry) throw notFound();
        checkTenant(req, entry.record.tenantId, notFound, roles);
        return entry;
      };

      customer.post<{ Params: { devEui: string }; Body: DownlinkBody }>(
        '/api/v1/terminals/:devEui/downlinks',
        {
          schema: {
            summary: 'Queue a downlink; it is routed over the contact plan at once (eta null: no route yet)',
            tags: ['downlinks'],
            ...secured,
            params: devEuiParams,
            body: {
              type: 'object',
              required: ['fPort', 'payload'],
              additionalProperties: false,
              properties: {
                fPort: { type: 'integer', minimum: 1, maximum: 223 },
                payload: {
                  type: 'string',
                  maxLength: 2520,
                  description: 'base64: at most 242 bytes for a LoRaWAN terminal, 1,890 for an Iridium one',
                },
                confirmed: { type: 'boolean', default: false },
                expiresAt: { ...isoTime, description: 'ISO 8601; default 72 h after queuing' },
                priority: { type: 'string', enum: ['normal', 'emergency'], default: 'normal' },
              },
            },
            response: {
              201: {
                type: 'object',
                required: ['id', 'state', 'eta'],
                properties: {
                  id: { type: 'string' },
                  state: { type: 'string', enum: [...DOWNLINK_STATES] },
                  eta: nullableIso,
                },
              },
              '4xx': errorRef,
            },
          },
        },
        async (req, reply) => {
          const entry = terminalFor(req, req.params.devEui, MEMBERS);
          const b = req.body;
          // Emergencies are never held back by a quota, but count against the tenant's emergency budget.
          await core.quotas.admitDownlink({
            tenantId: entry.record.tenantId,
            devEui: entry.record.devEui,
            priority: b.priority ?? 'normal',
            actor: actorOf(req),
            sourceIp: req.ip,
          });
          const d = await service.enqueue(entry.record.devEui, {
            fPort: b.fPort,
            payload: base64Bytes(b.payload),
            confirmed: b.confirmed ?? false,
            priority: b.priority ?? 'normal',
            ...(b.expiresAt !== undefined ? { expiresAt: time(b.expiresAt, 'expiresAt', INVALID) } : {}),
          });
          return reply.status(201).send({ id: d.id, state: d.state, eta: d.eta === null ? null : iso(d.eta) });
        },
      );

      customer.get<{ Params: { devEui: string }; Querystring: { limit: number; cursor?: string } }>(
        '/api/v1/terminals/:devEui/downlinks',
        {
          schema: {
            summary: "A terminal's downlinks, newest first (cursor pagination)",
            tags: ['downlinks'],
            ...secured,
            params: devEuiParams,
            querystring: {
              type: 'object',
              additionalProperties: false,
              properties: {
                limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
                cursor: { type: 'string', maxLength: 200 },
              },
            },
            response: {
              200: pageOf(ref(downlinkSchema)),
              '4xx': errorRef,
            },
          },
        },
        async (req) => {
          const entry = terminalFor(req, req.params.devEui, READERS);
          const page = await service.list(entry.record.devEui, {
            limit: req.query.limit,
            ...(req.query.cursor ? { cursor: req.query.cursor } : {}),
          });
          const shown = viewFor(req);
          return pageAnswer(page, shown);
        },
      );

      customer.get<{ Params: { id: string } }>(
        '/api/v1/downlinks/:id',
        {
          schema: {
            summary: 'One downlink with every state it entered and when',
            tags: ['downlinks'],
            ...secured,
            params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
            response: { 200: ref(downlinkSchema), '4xx': errorRef },
          },
        },
        async (req) => {
          const d = await service.get(req.params.id);
          checkTenant(
            req,
            d.tenantId,
            () => new SatiotError(NOT_FOUND, `no downlink ${req.params.id}`, { downlinkId: req.params.id }),
            READERS,
          );
          return viewFor(req)(d);
        },
      );
    });

    await app.register(async (gateway) => {
      const station = async (req: FastifyRequest) => {
        const s = await stationOf(core.provisioning, req);
        if (!s)
          throw new SatiotError(
            'UNAUTHORIZED_STATION',
            'a ground-station token is required: "Authorization: Bearer <token>" as returned by POST ' +
              '/api/v1/ground-stations',
          );
        return s;
      };
      const secured = { security: [{ stationToken: [] }] };

      gateway.get<{ Querystring: { from?: string; to?: string } }>(
        '/api/v1/gateway/schedule',
        {
          schema: {
            summary: 'The frames this station uploads: to which satellite, in which contact (default: the next 24 h)',
            tags: ['gateway'],
            ...secured,
            querystring: { type: 'object', additionalProperties: false, properties: { from: isoTime, to: isoTime } },
            response: {
              200: {
                type: 'object',
                required: ['items'],
                properties: {
                  items: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['downlinkId', 'satelliteId', 'contactStart', 'contactEnd', 'phyPayload', 'priority'],
                      properties: {
                        downlinkId: { type: 'string' },
                        satelliteId: { type: 'string', description: 'NORAD catalog number' },
                        contactStart: { type: 'string' },
                        contactEnd: { type: 'string' },
                        phyPayload: { type: 'string', description: 'LoRaWAN data-down PHYPayload, base64' },
                        priority: { type: 'string', enum: ['normal', 'emergency'] },
                      },
                    },
                  },
                },
              },
              '4xx': errorRef,
            },
          },
        },
        async (req) => {
          const s = await station(req);
          const from = req.query.from !== undefined ? time(req.query.from, 'from', 'INVALID_TIME') : core.clock.now();
          const to = req.query.to !== undefined ? time(req.query.to, 'to', 'INVALID_TIME') : from + 24 * 3_600_000;
          const items = await service.stationSchedule(s.id, from, to);
          return {
            items: items.map((i) => ({
              downlinkId: i.downlinkId,
              satelliteId: i.satelliteId,
              contactStart: iso(i.contactStart),
              contactEnd: iso(i.contactEnd),
              phyPayload: Buffer.from(i.phyPayload).toString('base64'),
              priority: i.priority,
            })),
          };
        },
      );

      gateway.post<{ Body: StatusBody }>(
        '/api/v1/gateway/downlink-status',
        {
          schema: {
            summary:
              'Report uploads to satellites, transmissions to terminals and failures (only for downlinks ' +
              'scheduled through this station)',
            tags: ['gateway'],
            ...secured,
            body: {
              type: 'object',
              required: ['updates'],
              additionalProperties: false,
              properties: {
                updates: {
                  type: 'array',
                  minItems: 1,
                  maxItems: MAX_STATUS_UPDATES,
                  items: {
                    type: 'object',
                    required: ['downlinkId', 'status', 'at'],
                    additionalProperties: false,
                    properties: {
                      downlinkId: { type: 'string', maxLength: 64 },
                      status: { type: 'string', enum: ['uploaded', 'transmitted', 'failed'] },
                      at: isoTime,
                    },
                  },
                },
              },
            },
            response: {
              200: {
                type: 'object',
                required: ['results'],
                properties: {
                  results: {
                    type: 'array',
                    description: "per update, in order: the downlink's state after it",
                    items: {
                      type: 'object',
                      required: ['downlinkId', 'state'],
                      properties: {
                        downlinkId: { type: 'string' },
                        state: { type: 'string', enum: [...DOWNLINK_STATES] },
                      },
                    },
                  },
                },
              },
              '4xx': errorRef,
            },
          },
        },
        async (req) => {
          const s = await station(req);
          const updates = req.body.updates.map((u) => ({
            downlinkId: u.downlinkId,
            status: u.status,
            at: time(u.at, 'at', INVALID),
          }));
          const after = await service.reportStatus(s.id, updates);
          return { results: after.map((d) => ({ downlinkId: d.id, state: d.state })) };
        },
      );
    });
  };
}
