import { buildConstellation, type ConstellationSpec } from '../../orbit/constellation.js';
import { makeSite } from '../../orbit/site.js';
import { findPassesForAll } from '../../orbit/pass-finder.js';
import { passesToJson } from '../../orbit/pass-json.js';
import { gridRegion } from '../../plan/grid.js';
import { planCoverage, planLatency } from '../../plan/planner.js';
import { CHINA_GROUND_STATIONS, parseGroundStations } from '../../plan/ground-station.js';
import { loadRegionSpec } from '../../report/region-spec.js';
import { SatiotError } from '../../errors/satiot-error.js';

/** Limits that keep one request to seconds of CPU on a small server. */
export const API_LIMITS = { maxHours: 168, maxCells: 60_000, maxSatellites: 2000 } as const;

export interface ConstellationBody {
  tle?: string;
  walker?: string;
  altitudeKm?: number;
  satellites?: string[];
  start: string;
  hours: number;
}
export interface PlanBody extends ConstellationBody {
  region: string;
  resolution: number;
  includeCells: boolean;
}
export type PassesBody = ConstellationBody & { lat: number; lon: number; altM?: number; minElevationDeg?: number };
export type CoverageBody = PlanBody & { minElevationDeg?: number };
export type LatencyBody = PlanBody & {
  groundStations: unknown;
  uplinkMinElevationDeg?: number;
  downlinkMinElevationDeg?: number;
};

/** A planning job as the planner pool runs it (the request body, already validated by the route's schema). */
export type PlannerJob =
  | { readonly kind: 'passes'; readonly body: PassesBody }
  | { readonly kind: 'coverage'; readonly body: CoverageBody }
  | { readonly kind: 'latency'; readonly body: LatencyBody };

/** Runs one job to its JSON answer (in a planner worker thread: src/api/planner/planner-worker.ts). */
export async function runPlannerJob(job: PlannerJob): Promise<unknown> {
  switch (job.kind) {
    case 'passes': {
      const b = job.body;
      const start = Date.parse(b.start);
      const warnings: string[] = [];
      const sats = constellation(b, start, warnings);
      const passes = findPassesForAll(sats, {
        site: makeSite({ latDeg: b.lat, lonDeg: b.lon, altM: b.altM ?? 0 }),
        start,
        end: start + b.hours * 3_600_000,
        minElevationDeg: b.minElevationDeg ?? 0,
      });
      return { ...passesToJson(passes), warnings };
    }
    case 'coverage': {
      const b = job.body;
      const { start, warnings, satellites, grid } = preparePlan(b);
      const rep = await planCoverage({
        satellites,
        grid,
        start,
        hours: b.hours,
        minElevationDeg: b.minElevationDeg ?? 10,
        workers: 1,
      });
      return planReply(b, rep, warnings);
    }
    case 'latency': {
      const b = job.body;
      const down = b.downlinkMinElevationDeg ?? 5;
      const stations =
        b.groundStations === 'china'
          ? CHINA_GROUND_STATIONS.map((s) => ({ ...s, minElevationDeg: down }))
          : parseGroundStations(b.groundStations, down);
      const { start, warnings, satellites, grid } = preparePlan(b);
      const rep = await planLatency({
        satellites,
        grid,
        start,
        hours: b.hours,
        groundStations: stations,
        uplinkMinElevationDeg: b.uplinkMinElevationDeg ?? 10,
        workers: 1,
      });
      return planReply(b, rep, warnings);
    }
  }
}

/** What every plan request starts with: a valid start, its constellation, its grid within the limits. */
function preparePlan(b: PlanBody) {
  const start = Date.parse(b.start);
  const warnings: string[] = [];
  const satellites = constellation(b, start, warnings);
  const grid = gridRegion(loadRegionSpec(b.region), b.resolution);
  if (grid.cells.length > API_LIMITS.maxCells)
    throw new SatiotError(
      'PAYLOAD_TOO_LARGE',
      `${grid.cells.length} cells: at most ${API_LIMITS.maxCells} per request; use a coarser resolution`,
    );
  return { start, warnings, satellites, grid };
}

/** The response body of a plan: non-finite metrics become null (JSON has no Infinity). */
function planReply<S extends object, C extends { cell: string }>(
  b: PlanBody,
  rep: { cells: number; summary: S; perCell: readonly C[]; stats: object },
  warnings: string[],
) {
  return {
    cells: rep.cells,
    summary: clean(rep.summary),
    ...(b.includeCells ? { perCell: rep.perCell.map(({ cell, ...metrics }) => ({ ...clean(metrics), cell })) } : {}),
    stats: rep.stats,
    warnings,
  };
}

function constellation(body: ConstellationBody, start: number, warnings: string[]) {
  const year = new Date(start).getUTCFullYear();
  if (!(year >= 1957 && year <= 2100))
    throw new SatiotError('INVALID_TIME', `start ${body.start} is outside 1957..2100`);
  if (body.walker && body.altitudeKm === undefined)
    throw new SatiotError('INVALID_ARGUMENT', 'walker needs altitudeKm');
  const spec: ConstellationSpec = {
    ...(body.tle !== undefined ? { elementSets: { text: body.tle, source: 'tle' } } : {}),
    ...(body.walker ? { walker: { design: body.walker, altitudeKm: body.altitudeKm! } } : {}),
    ...(body.satellites ? { only: body.satellites } : {}),
  };
  const sats = buildConstellation(spec, start, (w) => warnings.push(w));
  if (sats.length > API_LIMITS.maxSatellites)
    throw new SatiotError('PAYLOAD_TOO_LARGE', `at most ${API_LIMITS.maxSatellites} satellites per request`);
  return sats;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
const clean = <T extends object>(o: T): Record<string, number | null> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, finite(v as number)]));
