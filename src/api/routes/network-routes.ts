import type { FastifyPluginAsync } from 'fastify';
import type { Core } from '../../core/core.js';
import type { AccessControl } from '../../core/access-control.js';
import { allow, authenticate, SUPERVISORS, secured } from '../auth.js';
import { errorRef } from '../schemas/index.js';

const HOUR_MS = 3_600_000;
const count = { type: 'integer' } as const;

/**
 * The network itself over the last hours (docs/dashboard.md, "Network"): copies received per ground
 * station (or terrestrial gateway) and per satellite, and frames rejected by code, hour by hour, on
 * the core's clock; and what each satellite holds for the terminals now (downlinks on board).
 * Operators and regulators: it names every station.
 */
export function networkRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));
    app.get<{ Querystring: { hours: number } }>(
      '/api/v1/network/traffic',
      {
        schema: {
          summary:
            "The network's traffic over the last hours: copies per station and satellite, rejected frames " +
            'by code, hour by hour (operators and regulators)',
          tags: ['operations'],
          ...secured,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { hours: { type: 'integer', minimum: 1, maximum: 168, default: 24 } },
          },
          response: {
            200: {
              type: 'object',
              required: ['at', 'from', 'stations', 'satellites', 'hours', 'onBoard'],
              properties: {
                at: { type: 'string', description: "the core's clock" },
                from: { type: 'string', description: 'the first hour counted' },
                stations: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['id', 'name', 'kind', 'receptions', 'rejections'],
                    properties: {
                      id: { type: 'string' },
                      name: { type: 'string' },
                      kind: { type: 'string', enum: ['ground-station', 'gateway', 'unknown'] },
                      receptions: count,
                      rejections: count,
                    },
                  },
                },
                satellites: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['satelliteId', 'receptions'],
                    properties: { satelliteId: { type: 'string' }, receptions: count },
                  },
                },
                onBoard: {
                  type: 'array',
                  description:
                    'what each satellite holds for the terminals now: downlinks uploaded to it and not yet transmitted',
                  items: {
                    type: 'object',
                    required: ['satelliteId', 'downlinks', 'bytes', 'oldestUploadAt'],
                    properties: {
                      satelliteId: { type: 'string' },
                      downlinks: count,
                      bytes: count,
                      oldestUploadAt: { type: 'string' },
                    },
                  },
                },
                hours: {
                  type: 'array',
                  description: 'one entry per hour, oldest first, the current hour last',
                  items: {
                    type: 'object',
                    required: ['hour', 'receptions', 'rejections'],
                    properties: {
                      hour: { type: 'string' },
                      receptions: count,
                      rejections: {
                        type: 'object',
                        additionalProperties: count,
                        description: 'rejected frames by code',
                      },
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
        allow(req, SUPERVISORS);
        const now = core.clock.now();
        const toHour = Math.floor(now / HOUR_MS),
          fromHour = toHour - req.query.hours + 1;
        const [t, stations, gateways, onBoard] = await Promise.all([
          core.messageQueries.trafficByHour(fromHour, toHour),
          core.registryQueries.listGroundStations(),
          core.gateways.list(),
          core.downlinks.onBoard(),
        ]);
        const station = new Map([...stations, ...gateways].map((s) => [s.id, s]));
        const perStation = new Map<string, { receptions: number; rejections: number }>();
        const of = (id: string) => perStation.get(id) ?? perStation.set(id, { receptions: 0, rejections: 0 }).get(id)!;
        const perSatellite = new Map<string, number>();
        const hours = Array.from({ length: toHour - fromHour + 1 }, (_, i) => ({
          hour: new Date((fromHour + i) * HOUR_MS).toISOString(),
          receptions: 0,
          rejections: {} as Record<string, number>,
        }));
        for (const r of t.receptions) {
          of(r.stationId).receptions += r.count;
          if (r.satelliteId) perSatellite.set(r.satelliteId, (perSatellite.get(r.satelliteId) ?? 0) + r.count);
          hours[r.hour - fromHour]!.receptions += r.count;
        }
        for (const r of t.rejections) {
          of(r.stationId).rejections += r.count;
          const h = hours[r.hour - fromHour]!.rejections;
          h[r.code] = (h[r.code] ?? 0) + r.count;
        }
        return {
          at: new Date(now).toISOString(),
          from: hours[0]!.hour,
          stations: [...perStation]
            .map(([id, c]) => {
              const s = station.get(id);
              return {
                id,
                name: s?.name ?? id,
                kind: s ? (s.gatewayEui ? 'gateway' : 'ground-station') : 'unknown',
                ...c,
              };
            })
            .sort((a, b) => b.receptions - a.receptions || a.name.localeCompare(b.name)),
          satellites: [...perSatellite]
            .map(([satelliteId, receptions]) => ({ satelliteId, receptions }))
            .sort((a, b) => b.receptions - a.receptions || a.satelliteId.localeCompare(b.satelliteId)),
          hours,
          onBoard: onBoard.map((b) => ({ ...b, oldestUploadAt: new Date(b.oldestUploadAt).toISOString() })),
        };
      },
    );
  };
}
