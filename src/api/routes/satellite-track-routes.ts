import type { FastifyPluginAsync } from 'fastify';
import type { Core } from '../../core/core.js';
import type { AccessControl } from '../../core/access-control.js';
import { allow, authenticate, READERS, secured } from '../auth.js';
import { errorRef } from '../schemas/index.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { satellitesOf } from '../../core/satellite-records.js';
import { toTleText } from '../../orbit/tle-format.js';

/** Most sub-satellite points one answer carries (satellites × steps): bounds the SGP4 work of a request. */
export const MAX_TRACK_POINTS = 200_000;

const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

/**
 * The loaded constellation for clients: ground tracks (every satellite's sub-satellite points on one
 * time grid around a time, for maps) and its element sets as TLE text (what the planner routes take,
 * so a client can plan over the constellation the service runs).
 */
export function satelliteTrackRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));
    app.get(
      '/api/v1/satellites/elements',
      {
        schema: {
          summary: 'The element sets of the loaded constellation as TLE text (OMM records converted)',
          tags: ['provisioning'],
          ...secured,
          response: {
            200: {
              type: 'object',
              required: ['count', 'tle'],
              properties: { count: { type: 'integer' }, tle: { type: 'string', description: '3-line TLE sets' } },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        allow(req, READERS);
        const sats = satellitesOf(await core.registryQueries.listSatellites());
        return { count: sats.length, tle: toTleText(sats.map((s) => s.elements)) };
      },
    );

    app.get<{ Querystring: { at?: string; beforeMinutes: number; afterMinutes: number; stepSeconds: number } }>(
      '/api/v1/satellites/tracks',
      {
        schema: {
          summary: "Every satellite's ground track on one time grid around `at` (default now)",
          tags: ['provisioning'],
          ...secured,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              at: { type: 'string', format: 'date-time' },
              beforeMinutes: { type: 'number', minimum: 0, maximum: 360, default: 45 },
              afterMinutes: { type: 'number', minimum: 0, maximum: 360, default: 45 },
              stepSeconds: { type: 'number', minimum: 5, maximum: 3600, default: 30 },
            },
          },
          response: {
            200: {
              type: 'object',
              required: ['start', 'stepSeconds', 'items'],
              properties: {
                start: { type: 'string', description: 'time of the first point of every track' },
                stepSeconds: { type: 'number' },
                items: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['noradId', 'name', 'points'],
                    properties: {
                      noradId: { type: 'integer' },
                      name: { type: 'string' },
                      points: {
                        type: 'array',
                        description: 'one [lat, lon, altKm] per step (degrees, km); null where SGP4 cannot propagate',
                        items: { type: ['array', 'null'], items: { type: 'number' } },
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
        allow(req, READERS);
        const q = req.query;
        const at = q.at ? Date.parse(q.at) : core.clock.now();
        const stepMs = q.stepSeconds * 1000;
        const start = at - Math.floor((q.beforeMinutes * 60_000) / stepMs) * stepMs;
        const steps = Math.floor((at + q.afterMinutes * 60_000 - start) / stepMs) + 1;
        const sats = await core.registryQueries.listSatellites();
        if (sats.length * steps > MAX_TRACK_POINTS) {
          throw new SatiotError(
            'INVALID_ARGUMENT',
            `${sats.length} satellites × ${steps} steps is more than ${MAX_TRACK_POINTS} points: take a ` +
              `longer step or a shorter span`,
          );
        }
        const tracks = new Map(sats.map((s) => [s.noradId, [] as Array<[number, number, number] | null>]));
        for (let i = 0; i < steps; i++) {
          for (const [id, p] of core.contacts.positionsAt(start + i * stepMs))
            tracks.get(id)?.push(p ? [round(p.lat, 4), round(p.lon, 4), round(p.altKm, 2)] : null);
        }
        return {
          start: new Date(start).toISOString(),
          stepSeconds: q.stepSeconds,
          items: sats.map((s) => ({ noradId: s.noradId, name: s.name, points: tracks.get(s.noradId) ?? [] })),
        };
      },
    );
  };
}
