import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Core } from '../../core/core.js';
import { etaAlongRoute, orderTrack, summarizeTrack } from '../../solutions/logistics/track.js';
import { authenticate, checkTenant, secured } from '../auth.js';
import type { AccessControl } from '../../core/access-control.js';
import { errorRef } from '../schemas/index.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { learnedEta } from '../../solutions/logistics/eta.js';
import { iso } from '../../core/iso-time.js';

/** Days of track a learned ETA learns from. */
const LEARNED_ETA_DAYS = 7;

const devEuiParams = { type: 'object', properties: { devEui: { type: 'string', maxLength: 32 } } } as const;
const pointSchema = {
  type: 'object',
  required: ['at', 'lat', 'lon'],
  properties: {
    at: { type: 'string' },
    lat: { type: 'number' },
    lon: { type: 'number' },
    speedKmh: { type: 'number' },
  },
} as const;

/** Logistics: a vehicle's or vessel's track with distance, stops and last position, and an ETA along a route. */
export function trackRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));
    const terminalOf = (req: FastifyRequest, devEui: string) => {
      const notFound = () => new SatiotError('TERMINAL_NOT_FOUND', `no terminal ${devEui}`);
      const t = core.registry.byDevEui(devEui.toLowerCase());
      if (!t) throw notFound();
      const p = checkTenant(req, t.record.tenantId, notFound);
      // Positions come from the payloads: a regulator sees them only where the policy allows payloads.
      if (!access.seesPayloads(p))
        throw new SatiotError('FORBIDDEN', 'tracks are made of payload positions, which this key may not see');
      return t.record;
    };

    app.get<{
      Params: { devEui: string };
      Querystring: { from?: string; to?: string; stopMinutes: number; stopRadiusM: number };
    }>(
      '/api/v1/terminals/:devEui/track',
      {
        schema: {
          summary:
            'Track from decoded position reports (up to 5,000), with distance, stops and the last position ' +
            'with its age',
          tags: ['logistics'],
          ...secured,
          params: devEuiParams,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              from: { type: 'string', format: 'date-time' },
              to: { type: 'string', format: 'date-time' },
              stopMinutes: { type: 'number', minimum: 1, maximum: 1440, default: 10 },
              stopRadiusM: { type: 'number', minimum: 10, maximum: 10000, default: 200 },
            },
          },
          response: {
            200: {
              type: 'object',
              required: ['points', 'distanceKm', 'stops', 'last'],
              properties: {
                points: { type: 'array', items: pointSchema },
                distanceKm: { type: 'number' },
                stops: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      from: { type: 'string' },
                      to: { type: 'string' },
                      lat: { type: 'number' },
                      lon: { type: 'number' },
                      durationMin: { type: 'number' },
                    },
                  },
                },
                last: {
                  type: ['object', 'null'],
                  properties: {
                    at: { type: 'string' },
                    lat: { type: 'number' },
                    lon: { type: 'number' },
                    ageMin: { type: 'number' },
                  },
                },
              },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        const t = terminalOf(req, req.params.devEui);
        const q = req.query;
        const points = orderTrack(
          await core.messageQueries.track(t.id, {
            ...(q.from ? { from: Date.parse(q.from) } : {}),
            ...(q.to ? { to: Date.parse(q.to) } : {}),
          }),
        );
        const s = summarizeTrack(points, core.clock.now(), { minMinutes: q.stopMinutes, radiusM: q.stopRadiusM });
        return {
          points: points.map((p) => ({ ...p, at: iso(p.at) })),
          distanceKm: s.distanceKm,
          stops: s.stops.map((x) => ({ ...x, from: iso(x.from), to: iso(x.to) })),
          last: s.last && { ...s.last, at: iso(s.last.at) },
        };
      },
    );

    app.post<{
      Params: { devEui: string };
      Body: { route: { type: 'LineString'; coordinates: Array<[number, number]> }; defaultSpeedKmh?: number };
    }>(
      '/api/v1/terminals/:devEui/eta',
      {
        schema: {
          summary:
            'ETA to the end of a planned route (GeoJSON LineString) from the last position: at the recent ' +
            "moving speed, and learned from the vehicle's own travel times with an 80 % interval",
          tags: ['logistics'],
          ...secured,
          params: devEuiParams,
          body: {
            type: 'object',
            required: ['route'],
            additionalProperties: false,
            properties: {
              route: {
                type: 'object',
                required: ['type', 'coordinates'],
                properties: {
                  type: { const: 'LineString' },
                  coordinates: {
                    type: 'array',
                    minItems: 2,
                    maxItems: 10000,
                    items: { type: 'array', minItems: 2, maxItems: 3, items: { type: 'number' } },
                  },
                },
              },
              defaultSpeedKmh: { type: 'number', exclusiveMinimum: 0, maximum: 1200 },
            },
          },
          response: {
            200: {
              type: 'object',
              required: ['remainingKm', 'speedKmh', 'eta', 'offRouteKm', 'learned'],
              properties: {
                remainingKm: { type: 'number' },
                speedKmh: { type: 'number' },
                eta: { type: ['string', 'null'], description: 'the distance left over the recent moving speed' },
                offRouteKm: { type: 'number' },
                learned: {
                  type: ['object', 'null'],
                  required: ['lower', 'median', 'upper', 'level', 'samples'],
                  description:
                    "arrival from the vehicle's own travel times over that distance in its last 7 days, at " +
                    'most its newest 5,000 positions (docs/intelligence.md): the median and the 80 % ' +
                    'interval; null while its track is shorter than the distance',
                  properties: {
                    lower: { type: 'string' },
                    median: { type: 'string' },
                    upper: { type: 'string' },
                    level: { type: 'number' },
                    samples: { type: 'integer' },
                  },
                },
              },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        const t = terminalOf(req, req.params.devEui);
        const coords = req.body.route.coordinates.map((c) => [c[0]!, c[1]!] as [number, number]);
        if (coords.some(([lon, lat]) => Math.abs(lat) > 90 || Math.abs(lon) > 180))
          throw new SatiotError('INVALID_ARGUMENT', 'route coordinates must be [lon, lat] in degrees');
        const now = core.clock.now();
        const points = orderTrack(await core.messageQueries.track(t.id, { from: now - LEARNED_ETA_DAYS * 86_400_000 }));
        const e = etaAlongRoute(
          points,
          coords,
          now,
          req.body.defaultSpeedKmh !== undefined ? { defaultSpeedKmh: req.body.defaultSpeedKmh } : {},
        );
        const learned = points.length
          ? learnedEta(points, e.remainingKm, Math.max(now, points[points.length - 1]!.at))
          : null;
        return {
          ...e,
          eta: e.eta === null ? null : iso(e.eta),
          learned: learned && {
            lower: iso(learned.lower),
            median: iso(learned.median),
            upper: iso(learned.upper),
            level: learned.level,
            samples: learned.samples,
          },
        };
      },
    );
  };
}
