import type { FastifyPluginAsync } from 'fastify';
import { errorSchema } from '../error-reply.js';
import { buildConstellation, type ConstellationSpec } from '../../orbit/constellation.js';
import { makeSite } from '../../orbit/site.js';
import { findPassesForAll } from '../../orbit/pass-finder.js';
import { passesToJson } from '../../orbit/pass-json.js';
import { generateWalker, parseWalker } from '../../orbit/walker.js';
import { toTleText } from '../../orbit/tle-format.js';
import { toOmm } from '../../orbit/omm-format.js';
import { epochMs } from '../../orbit/units.js';
import { gridRegion } from '../../plan/grid.js';
import { planCoverage, planLatency } from '../../plan/planner.js';
import { COVERAGE_FIELDS, LATENCY_FIELDS } from '../../plan/plan-chunk.js';
import { CHINA_GROUND_STATIONS, parseGroundStations } from '../../plan/ground-station.js';
import { loadRegionSpec } from '../../regions/region-spec.js';
import { SatiotError } from '../../errors/satiot-error.js';

/** Limits that keep one request to seconds of CPU on a small server. */
export const API_LIMITS = { maxHours: 168, maxCells: 60_000, maxSatellites: 2000 } as const;

const constellationProps = {
  tle: { type: 'string', maxLength: 4_000_000, description: 'TLE (2- or 3-line) or CelesTrak OMM JSON text' },
  walker: { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*:\\s*\\d+\\s*/\\s*\\d+\\s*/\\s*\\d+\\s*$', description: 'Walker design i:T/P/F' },
  altitudeKm: { type: 'number', minimum: 150, maximum: 40000 },
  satellites: { type: 'array', items: { type: 'string' }, maxItems: 5000, description: 'only these names or catalog numbers' },
  start: { type: 'string', format: 'date-time' },
  hours: { type: 'number', exclusiveMinimum: 0, maximum: API_LIMITS.maxHours },
} as const;

const passSchema = {
  type: 'object',
  required: ['satellite', 'aos', 'tca', 'los', 'maxElevationDeg', 'aosAzimuthDeg', 'losAzimuthDeg', 'truncated'],
  properties: {
    satellite: { type: 'object', required: ['name', 'noradId'], properties: { name: { type: 'string' }, noradId: { type: 'integer' } } },
    aos: { type: 'string' }, tca: { type: 'string' }, los: { type: 'string' },
    maxElevationDeg: { type: 'number' }, aosAzimuthDeg: { type: 'number' }, losAzimuthDeg: { type: 'number' }, truncated: { type: 'boolean' },
  },
} as const;

const num = { type: ['number', 'null'] } as const;
const statsSchema = { type: 'object', properties: { satellites: { type: 'integer' }, contactWindows: { type: 'integer' }, propagations: { type: 'integer' }, seconds: { type: 'number' } } } as const;

/** A plan's 200 response: region summary, optional per-cell rows, stats, warnings. */
function planResponse(fields: readonly string[]) {
  const metrics = Object.fromEntries(fields.map((f) => [f, num]));
  return {
    type: 'object', required: ['cells', 'summary'],
    properties: {
      cells: { type: 'integer' },
      summary: { type: 'object', properties: metrics },
      perCell: { type: 'array', items: { type: 'object', properties: { cell: { type: 'string' }, ...metrics } } },
      stats: statsSchema, warnings: { type: 'array', items: { type: 'string' } },
    },
  } as const;
}

interface PlanBody extends ConstellationBody { region: string; resolution: number; includeCells: boolean }

/** What every plan request starts with: a valid start, its constellation, its grid within the limits. */
function preparePlan(b: PlanBody) {
  const start = Date.parse(b.start);
  const warnings: string[] = [];
  const satellites = constellation(b, start, warnings);
  const grid = gridRegion(loadRegionSpec(b.region), b.resolution);
  if (grid.cells.length > API_LIMITS.maxCells) throw new SatiotError('PAYLOAD_TOO_LARGE', `${grid.cells.length} cells: at most ${API_LIMITS.maxCells} per request; use a coarser resolution`);
  return { start, warnings, satellites, grid };
}

/** The response body of a plan: non-finite metrics become null (JSON has no Infinity). */
function planReply<S extends object, C extends { cell: string }>(b: PlanBody, rep: { cells: number; summary: S; perCell: readonly C[]; stats: object }, warnings: string[]) {
  return {
    cells: rep.cells,
    summary: clean(rep.summary),
    ...(b.includeCells ? { perCell: rep.perCell.map(({ cell, ...metrics }) => ({ ...clean(metrics), cell })) } : {}),
    stats: rep.stats,
    warnings,
  };
}

interface ConstellationBody { tle?: string; walker?: string; altitudeKm?: number; satellites?: string[]; start: string; hours: number }

function constellation(body: ConstellationBody, start: number, warnings: string[]) {
  const year = new Date(start).getUTCFullYear();
  if (!(year >= 1957 && year <= 2100)) throw new SatiotError('INVALID_TIME', `start ${body.start} is outside 1957..2100`);
  if (body.walker && body.altitudeKm === undefined) throw new SatiotError('INVALID_ARGUMENT', 'walker needs altitudeKm');
  const spec: ConstellationSpec = {
    ...(body.tle !== undefined ? { elementSets: { text: body.tle, source: 'tle' } } : {}),
    ...(body.walker ? { walker: { design: body.walker, altitudeKm: body.altitudeKm! } } : {}),
    ...(body.satellites ? { only: body.satellites } : {}),
  };
  const sats = buildConstellation(spec, start, (w) => warnings.push(w));
  if (sats.length > API_LIMITS.maxSatellites) throw new SatiotError('PAYLOAD_TOO_LARGE', `at most ${API_LIMITS.maxSatellites} satellites per request`);
  return sats;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
const clean = <T extends object>(o: T): Record<string, number | null> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, finite(v as number)]));

export const plannerRoutes: FastifyPluginAsync = async (app) => {
  app.post<{ Body: ConstellationBody & { lat: number; lon: number; altM?: number; minElevationDeg?: number } }>('/api/v1/passes', {
    schema: {
      summary: 'Passes of satellites over a site',
      tags: ['planner'],
      body: {
        type: 'object', required: ['start', 'hours', 'lat', 'lon'], additionalProperties: false,
        properties: { ...constellationProps, lat: { type: 'number', minimum: -90, maximum: 90 }, lon: { type: 'number', minimum: -180, maximum: 360 }, altM: { type: 'number', minimum: -500, maximum: 100000 }, minElevationDeg: { type: 'number', minimum: -5, maximum: 89 } },
      },
      response: {
        200: { type: 'object', required: ['passes', 'warnings'], properties: { passes: { type: 'array', items: passSchema }, warnings: { type: 'array', items: { type: 'string' } } } },
        '4xx': errorSchema,
      },
    },
  }, async (req) => {
    const b = req.body;
    const start = Date.parse(b.start);
    const warnings: string[] = [];
    const sats = constellation(b, start, warnings);
    const passes = findPassesForAll(sats, { site: makeSite({ latDeg: b.lat, lonDeg: b.lon, altM: b.altM ?? 0 }), start, end: start + b.hours * 3_600_000, minElevationDeg: b.minElevationDeg ?? 0 });
    return { ...passesToJson(passes), warnings };
  });

  const planBody = {
    type: 'object', required: ['start', 'hours', 'region'], additionalProperties: false,
    properties: {
      ...constellationProps,
      region: { type: 'string', maxLength: 200, description: 'preset (china, …) or bbox:minLon,minLat,maxLon,maxLat' },
      resolution: { type: 'integer', minimum: 0, maximum: 7, default: 4 },
      includeCells: { type: 'boolean', default: false },
    },
  } as const;

  app.post<{ Body: PlanBody & { minElevationDeg?: number } }>('/api/v1/plan/coverage', {
    schema: {
      summary: 'Regional coverage: time in view, revisit gaps, passes per day, wait for a contact',
      tags: ['planner'],
      body: { ...planBody, properties: { ...planBody.properties, minElevationDeg: { type: 'number', minimum: -5, maximum: 89, default: 10 } } },
      response: {
        200: planResponse(COVERAGE_FIELDS),
        '4xx': errorSchema,
      },
    },
  }, async (req) => {
    const b = req.body;
    const { start, warnings, satellites, grid } = preparePlan(b);
    const rep = await planCoverage({ satellites, grid, start, hours: b.hours, minElevationDeg: b.minElevationDeg ?? 10, workers: 1 });
    return planReply(b, rep, warnings);
  });

  app.post<{ Body: PlanBody & { groundStations: unknown; uplinkMinElevationDeg?: number; downlinkMinElevationDeg?: number } }>('/api/v1/plan/latency', {
    schema: {
      summary: 'Store-and-forward latency to a ground station, per cell and for the region',
      tags: ['planner'],
      body: {
        ...planBody, required: [...planBody.required, 'groundStations'],
        properties: {
          ...planBody.properties,
          groundStations: { anyOf: [{ type: 'string', enum: ['china'] }, { type: 'array', maxItems: 500, items: { type: 'object' } }] },
          uplinkMinElevationDeg: { type: 'number', minimum: -5, maximum: 89, default: 10 },
          downlinkMinElevationDeg: { type: 'number', minimum: -5, maximum: 89, default: 5 },
        },
      },
      response: {
        200: planResponse(LATENCY_FIELDS),
        '4xx': errorSchema,
      },
    },
  }, async (req) => {
    const b = req.body;
    const down = b.downlinkMinElevationDeg ?? 5;
    const stations = b.groundStations === 'china' ? CHINA_GROUND_STATIONS.map((s) => ({ ...s, minElevationDeg: down })) : parseGroundStations(b.groundStations, down);
    const { start, warnings, satellites, grid } = preparePlan(b);
    const rep = await planLatency({ satellites, grid, start, hours: b.hours, groundStations: stations, uplinkMinElevationDeg: b.uplinkMinElevationDeg ?? 10, workers: 1 });
    return planReply(b, rep, warnings);
  });

  app.get<{ Querystring: { walker: string; altitudeKm: number; format: 'tle' | 'omm'; epoch?: string } }>('/api/v1/constellations/walker', {
    schema: {
      summary: 'A Walker-delta constellation as TLE text or OMM JSON',
      tags: ['planner'],
      querystring: {
        type: 'object', required: ['walker', 'altitudeKm'], additionalProperties: false,
        properties: { walker: constellationProps.walker, altitudeKm: constellationProps.altitudeKm, format: { type: 'string', enum: ['tle', 'omm'], default: 'tle' }, epoch: { type: 'string', format: 'date-time' } },
      },
      response: { 200: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'object', additionalProperties: true } }] }, '4xx': errorSchema },
    },
  }, async (req, reply) => {
    const q = req.query;
    const sets = generateWalker({ ...parseWalker(q.walker), altitudeKm: q.altitudeKm, epoch: epochMs(q.epoch ? Date.parse(q.epoch) : Date.now()) });
    if (q.format === 'omm') return sets.map(toOmm);
    return reply.type('text/plain; charset=utf-8').send(toTleText(sets));
  });
};
