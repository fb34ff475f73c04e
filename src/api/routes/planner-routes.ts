import type { FastifyPluginAsync } from 'fastify';
import { errorRef } from '../schemas/index.js';
import { generateWalker, parseWalker } from '../../orbit/walker.js';
import { toTleText } from '../../orbit/tle-format.js';
import { toOmm } from '../../orbit/omm-format.js';
import { epochMs } from '../../orbit/units.js';
import { COVERAGE_FIELDS, LATENCY_FIELDS } from '../../plan/plan-chunk.js';
import { API_LIMITS, type CoverageBody, type LatencyBody, type PassesBody } from '../planner/planner-jobs.js';
import type { PlannerPool } from '../planner/planner-pool.js';

export { API_LIMITS } from '../planner/planner-jobs.js';

const constellationProps = {
  tle: { type: 'string', maxLength: 4_000_000, description: 'TLE (2- or 3-line) or CelesTrak OMM JSON text' },
  walker: {
    type: 'string',
    pattern: '^\\s*\\d+(\\.\\d+)?\\s*:\\s*\\d+\\s*/\\s*\\d+\\s*/\\s*\\d+\\s*$',
    description: 'Walker design i:T/P/F',
  },
  altitudeKm: { type: 'number', minimum: 150, maximum: 40000 },
  satellites: {
    type: 'array',
    items: { type: 'string' },
    maxItems: 5000,
    description: 'only these names or catalog numbers',
  },
  start: { type: 'string', format: 'date-time' },
  hours: { type: 'number', exclusiveMinimum: 0, maximum: API_LIMITS.maxHours },
} as const;

const passSchema = {
  type: 'object',
  required: ['satellite', 'aos', 'tca', 'los', 'maxElevationDeg', 'aosAzimuthDeg', 'losAzimuthDeg', 'truncated'],
  properties: {
    satellite: {
      type: 'object',
      required: ['name', 'noradId'],
      properties: { name: { type: 'string' }, noradId: { type: 'integer' } },
    },
    aos: { type: 'string' },
    tca: { type: 'string' },
    los: { type: 'string' },
    maxElevationDeg: { type: 'number' },
    aosAzimuthDeg: { type: 'number' },
    losAzimuthDeg: { type: 'number' },
    truncated: { type: 'boolean' },
  },
} as const;

const num = { type: ['number', 'null'] } as const;
const statsSchema = {
  type: 'object',
  properties: {
    satellites: { type: 'integer' },
    contactWindows: { type: 'integer' },
    propagations: { type: 'integer' },
    seconds: { type: 'number' },
  },
} as const;

/** A plan's 200 response: region summary, optional per-cell rows, stats, warnings. */
function planResponse(fields: readonly string[]) {
  const metrics = Object.fromEntries(fields.map((f) => [f, num]));
  return {
    type: 'object',
    required: ['cells', 'summary'],
    properties: {
      cells: { type: 'integer' },
      summary: { type: 'object', properties: metrics },
      perCell: { type: 'array', items: { type: 'object', properties: { cell: { type: 'string' }, ...metrics } } },
      stats: statsSchema,
      warnings: { type: 'array', items: { type: 'string' } },
    },
  } as const;
}

/**
 * The planner over HTTP (public, bounded: API_LIMITS). Each request runs as a job of the planner
 * pool — in a worker thread, queued and time-limited — never on the event loop.
 */
export function plannerRoutes(pool: PlannerPool): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: PassesBody }>(
      '/api/v1/passes',
      {
        schema: {
          summary: 'Passes of satellites over a site',
          tags: ['planner'],
          body: {
            type: 'object',
            required: ['start', 'hours', 'lat', 'lon'],
            additionalProperties: false,
            properties: {
              ...constellationProps,
              lat: { type: 'number', minimum: -90, maximum: 90 },
              lon: { type: 'number', minimum: -180, maximum: 360 },
              altM: { type: 'number', minimum: -500, maximum: 100000 },
              minElevationDeg: { type: 'number', minimum: -5, maximum: 89 },
            },
          },
          response: {
            200: {
              type: 'object',
              required: ['passes', 'warnings'],
              properties: {
                passes: { type: 'array', items: passSchema },
                warnings: { type: 'array', items: { type: 'string' } },
              },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => pool.run({ kind: 'passes', body: req.body }),
    );

    const planBody = {
      type: 'object',
      required: ['start', 'hours', 'region'],
      additionalProperties: false,
      properties: {
        ...constellationProps,
        region: {
          type: 'string',
          maxLength: 200,
          description: 'preset (china, …) or bbox:minLon,minLat,maxLon,maxLat',
        },
        resolution: { type: 'integer', minimum: 0, maximum: 7, default: 4 },
        includeCells: { type: 'boolean', default: false },
      },
    } as const;

    app.post<{ Body: CoverageBody }>(
      '/api/v1/plan/coverage',
      {
        schema: {
          summary: 'Regional coverage: time in view, revisit gaps, passes per day, wait for a contact',
          tags: ['planner'],
          body: {
            ...planBody,
            properties: {
              ...planBody.properties,
              minElevationDeg: { type: 'number', minimum: -5, maximum: 89, default: 10 },
            },
          },
          response: {
            200: planResponse(COVERAGE_FIELDS),
            '4xx': errorRef,
          },
        },
      },
      async (req) => pool.run({ kind: 'coverage', body: req.body }),
    );

    app.post<{ Body: LatencyBody }>(
      '/api/v1/plan/latency',
      {
        schema: {
          summary: 'Store-and-forward latency to a ground station, per cell and for the region',
          tags: ['planner'],
          body: {
            ...planBody,
            required: [...planBody.required, 'groundStations'],
            properties: {
              ...planBody.properties,
              groundStations: {
                anyOf: [
                  { type: 'string', enum: ['china'] },
                  { type: 'array', maxItems: 500, items: { type: 'object' } },
                ],
              },
              uplinkMinElevationDeg: { type: 'number', minimum: -5, maximum: 89, default: 10 },
              downlinkMinElevationDeg: { type: 'number', minimum: -5, maximum: 89, default: 5 },
            },
          },
          response: {
            200: planResponse(LATENCY_FIELDS),
            '4xx': errorRef,
          },
        },
      },
      async (req) => pool.run({ kind: 'latency', body: req.body }),
    );

    app.get<{ Querystring: { walker: string; altitudeKm: number; format: 'tle' | 'omm'; epoch?: string } }>(
      '/api/v1/constellations/walker',
      {
        schema: {
          summary: 'A Walker-delta constellation as TLE text or OMM JSON',
          tags: ['planner'],
          querystring: {
            type: 'object',
            required: ['walker', 'altitudeKm'],
            additionalProperties: false,
            properties: {
              walker: constellationProps.walker,
              altitudeKm: constellationProps.altitudeKm,
              format: { type: 'string', enum: ['tle', 'omm'], default: 'tle' },
              epoch: { type: 'string', format: 'date-time' },
            },
          },
          response: {
            200: {
              anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'object', additionalProperties: true } }],
            },
            '4xx': errorRef,
          },
        },
      },
      async (req, reply) => {
        const q = req.query;
        const sets = generateWalker({
          ...parseWalker(q.walker),
          altitudeKm: q.altitudeKm,
          epoch: epochMs(q.epoch ? Date.parse(q.epoch) : Date.now()),
        });
        if (q.format === 'omm') return sets.map(toOmm);
        return reply.type('text/plain; charset=utf-8').send(toTleText(sets));
      },
    );
  };
}
