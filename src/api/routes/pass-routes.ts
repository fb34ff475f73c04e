import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Core } from '../../core/core.js';
import type { AccessControl } from '../../core/access-control.js';
import { orderTrack } from '../../solutions/logistics/track.js';
import { passesToJson } from '../../orbit/pass-json.js';
import { allow, authenticate, checkTenant, SUPERVISORS, secured } from '../auth.js';
import { errorRef, ref } from '../schemas/index.js';
import { passesSchema } from '../schemas/pass.js';
import { SatiotError } from '../../errors/satiot-error.js';

const windowQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    start: { type: 'string', format: 'date-time', description: 'default now' },
    hours: { type: 'number', exclusiveMinimum: 0, maximum: 168, default: 24 },
    minElevation: {
      type: 'number',
      minimum: 0,
      maximum: 90,
      description: 'degrees (default 10 for terminals, 5 for ground stations)',
    },
  },
} as const;

type WindowQuery = { start?: string; hours: number; minElevation?: number };

/** Next passes of the loaded constellation over a terminal or a ground station (the planner's pass finder). */
export function passRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));
    const span = (req: FastifyRequest<{ Querystring: WindowQuery }>) => {
      const start = req.query.start ? Date.parse(req.query.start) : core.clock.now();
      return { start, end: start + req.query.hours * 3_600_000 };
    };

    app.get<{ Params: { devEui: string }; Querystring: WindowQuery }>(
      '/api/v1/terminals/:devEui/passes',
      {
        schema: {
          summary: 'Next satellite passes over a terminal: at its registered position, else at its last reported one',
          tags: ['passes'],
          ...secured,
          params: { type: 'object', properties: { devEui: { type: 'string', maxLength: 32 } } },
          querystring: windowQuery,
          response: { 200: ref(passesSchema), '4xx': errorRef },
        },
      },
      async (req) => {
        const notFound = () => new SatiotError('TERMINAL_NOT_FOUND', `no terminal ${req.params.devEui}`);
        const t = core.registry.byDevEui(req.params.devEui.toLowerCase())?.record;
        if (!t) throw notFound();
        const p = checkTenant(req, t.tenantId, notFound);
        let position: { lat: number; lon: number; source: 'registered' | 'last-report' } | undefined = t.location && {
          lat: t.location.lat,
          lon: t.location.lon,
          source: 'registered',
        };
        if (!position && access.seesPayloads(p)) {
          const last = orderTrack(await core.messageQueries.track(t.id, {})).pop();
          if (last) position = { lat: last.lat, lon: last.lon, source: 'last-report' };
        }
        if (!position)
          throw new SatiotError(
            'INVALID_ARGUMENT',
            `terminal ${t.devEui} has no registered position and has reported none`,
          );
        const { start, end } = span(req);
        return {
          position,
          ...passesToJson(core.contacts.passesOver(position, start, end, req.query.minElevation ?? 10)),
        };
      },
    );

    app.get<{ Params: { id: string }; Querystring: WindowQuery }>(
      '/api/v1/ground-stations/:id/passes',
      {
        schema: {
          summary: 'Next satellite passes over a ground station',
          tags: ['passes'],
          ...secured,
          params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } },
          querystring: windowQuery,
          response: { 200: ref(passesSchema), '4xx': errorRef },
        },
      },
      async (req) => {
        allow(req, SUPERVISORS);
        const gs = (await core.registryQueries.listGroundStations()).find((g) => g.id === req.params.id);
        if (!gs) throw new SatiotError('NOT_FOUND', `no ground station ${req.params.id}`);
        const { start, end } = span(req);
        return {
          position: { lat: gs.lat, lon: gs.lon, source: 'station' },
          ...passesToJson(core.contacts.passesOver(gs, start, end, req.query.minElevation ?? 5)),
        };
      },
    );
  };
}
