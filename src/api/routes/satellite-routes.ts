import type { FastifyPluginAsync } from 'fastify';
import type { Core } from '../../core/core.js';
import type { SatelliteRecord } from '../../core/model.js';
import { allow, authenticate, READERS, secured } from '../auth.js';
import type { AccessControl } from '../../core/access-control.js';
import { errorRef, ref } from '../schemas/index.js';
import { satelliteSchema } from '../schemas/satellite.js';

const view = (s: SatelliteRecord) => ({
  noradId: s.noradId,
  name: s.name,
  epoch: new Date(s.epoch).toISOString(),
  format: s.format,
  updatedAt: new Date(s.updatedAt).toISOString(),
});

/** The constellation registry: satellites loaded from TLE text or OMM records (operators load, every role reads). */
export function satelliteRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));
    app.post<{ Body: { tle?: string; omm?: unknown[] } }>(
      '/api/v1/satellites',
      {
        schema: {
          summary: 'Load satellites from TLE text (2- or 3-line, many sets) or CelesTrak OMM records',
          tags: ['provisioning'],
          ...secured,
          body: {
            type: 'object',
            additionalProperties: false,
            properties: {
              tle: { type: 'string', maxLength: 4_000_000 },
              omm: { type: 'array', maxItems: 20_000, items: { type: 'object' } },
            },
          },
          response: {
            200: {
              type: 'object',
              required: ['items', 'issues'],
              properties: {
                items: { type: 'array', items: ref(satelliteSchema) },
                issues: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      code: { type: 'string' },
                      line: { type: 'integer' },
                      satellite: { type: 'string' },
                      message: { type: 'string' },
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
        allow(req, ['operator']);
        const { loaded, issues } = await core.loadSatellites(req.body);
        return { items: loaded.map(view), issues };
      },
    );

    app.get<{ Querystring: { at?: string } }>(
      '/api/v1/satellites',
      {
        schema: {
          summary: 'The satellites in the registry, each with its position now (or at `at`)',
          tags: ['provisioning'],
          ...secured,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { at: { type: 'string', format: 'date-time' } },
          },
          response: {
            200: {
              type: 'object',
              required: ['at', 'items'],
              properties: { at: { type: 'string' }, items: { type: 'array', items: ref(satelliteSchema) } },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        allow(req, READERS);
        const at = req.query.at ? Date.parse(req.query.at) : core.clock.now();
        const positions = core.contacts.positionsAt(at);
        const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
        return {
          at: new Date(at).toISOString(),
          items: (await core.registryQueries.listSatellites()).map((s) => {
            const p = positions.get(s.noradId);
            return {
              ...view(s),
              position: p ? { lat: round(p.lat, 5), lon: round(p.lon, 5), altKm: round(p.altKm, 3) } : null,
            };
          }),
        };
      },
    );
  };
}
