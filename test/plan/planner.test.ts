import { describe, expect, it } from 'vitest';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findPasses } from '../../src/orbit/pass-finder.js';
import { makeSite } from '../../src/orbit/site.js';
import type { Satellite } from '../../src/orbit/satellite.js';
import { gridRegion, type Grid } from '../../src/plan/grid.js';
import {
  MAX_PLAN_HOURS,
  planCoverage,
  planLatency,
  type CoverageReport,
  type LatencyReport,
} from '../../src/plan/planner.js';
import type * as PlannerModule from '../../src/plan/planner.js';
import { parseGroundStations, type GroundStation } from '../../src/plan/ground-station.js';
import { loadRegion } from '../../src/report/region-loader.js';
import { DELTA_53, HOUR, MIN, PLAN_EPOCH, POLAR_97, bruteUnion, walkerSatellites } from './helpers.js';
import { expectSatiotError } from '../support/expect-satiot-error.js';

const start: number = PLAN_EPOCH;
const HOURS = 24;
const t1 = start + HOURS * HOUR;
const horizon = t1 + 12 * HOUR; // the planner's default tail
const MASK = 10;
const GRAZE_DEG = 0.2;

/** 17 resolution-3 cells over the Alps and northern Italy. */
const grid: Grid = gridRegion(loadRegion('bbox:8,43,14,47'), 3);

const STATIONS: GroundStation[] = parseGroundStations(
  [
    { id: 'matera', name: 'Matera', lat: 40.65, lon: 16.7 },
    { id: 'kiruna', name: 'Kiruna', lat: 67.86, lon: 20.96, altM: 400, minElevationDeg: 5 },
    { id: 'hbk', name: 'Hartebeesthoek', lat: -25.89, lon: 27.69, minElevationDeg: 10 },
  ],
  5,
);

/** Reference contacts of a cell centre, from the pass finder, over the plan window and its tail. */
function passesOver(
  sats: readonly Satellite[],
  latDeg: number,
  lonDeg: number,
  mask: number,
  altM = 0,
): Array<{ sat: number; aos: number; los: number; maxEl: number }> {
  const site = makeSite({ latDeg, lonDeg, altM });
  return sats.flatMap((sat, si) =>
    findPasses(sat, { site, start, end: horizon, minElevationDeg: mask }).map((p) => ({
      sat: si,
      aos: p.aos,
      los: p.los,
      maxEl: p.maxElevationDeg,
    })),
  );
}

const weightedMean = (values: readonly number[], w: Float64Array): number => {
  let s = 0,
    ws = 0;
  values.forEach((v, i) => {
    if (Number.isFinite(v)) {
      s += v * w[i]!;
      ws += w[i]!;
    }
  });
  return s / ws;
};

describe.each([
  ['53°:6/2/1 at 550 km', DELTA_53],
  ['97°:4/2/1 at 800 km', POLAR_97],
])('planCoverage for Walker %s over a 17-cell bbox at resolution 3', (_name, shape) => {
  const sats = walkerSatellites(shape);
  const phases = new Set<string>();
  let lastCells: [number, number] = [0, 0];
  const reportP: Promise<CoverageReport> = planCoverage({
    satellites: sats,
    grid,
    start,
    hours: HOURS,
    minElevationDeg: MASK,
    workers: 1,
    onProgress: (phase, d, t) => {
      phases.add(phase);
      if (phase === 'cells') lastCells = [d, t];
    },
  });
  const refs = Array.from(grid.cells, (_, i) => passesOver(sats, grid.latDeg[i]!, grid.lonDeg[i]!, MASK));

  it("reports one row per cell, in the grid's order", async () => {
    const rep = await reportP;
    expect(grid.cells.length).toBe(17);
    expect(rep.cells).toBe(17);
    expect(rep.perCell.map((r) => r.cell)).toEqual(grid.cells);
  });

  it("gives each cell the union of the pass finder's passes over the window length (within 0.5 %)", async () => {
    const rep = await reportP;
    rep.perCell.forEach((row, i) => {
      const union = bruteUnion(
        refs[i]!.map((p) => [Math.max(p.aos, start), Math.min(p.los, t1)] as [number, number]).filter(
          ([a, b]) => b > a,
        ),
      );
      const want = union.reduce((s, [a, b]) => s + (b - a), 0) / (t1 - start);
      expect(want).toBeGreaterThan(0.01);
      expect(Math.abs(row.coverageFraction - want)).toBeLessThanOrEqual(0.005 * want);
    });
  });

  it('counts the passes of the pass finder that overlap the window (grazing ones aside)', async () => {
    const rep = await reportP;
    rep.perCell.forEach((row, i) => {
      const inWindow = refs[i]!.filter((p) => p.los > start && p.aos < t1);
      const grazes = inWindow.filter((p) => p.maxEl < MASK + GRAZE_DEG).length;
      expect(Math.abs(row.passesPerDay * (24 / HOURS) - inWindow.length)).toBeLessThanOrEqual(grazes);
      expect(row.passesPerDay).toBeGreaterThan(5);
    });
  });

  it("gives the mean wait and the longest gap that the pass finder's passes give (sampled every 5 s)", async () => {
    const rep = await reportP;
    rep.perCell.forEach((row, i) => {
      const u = bruteUnion(refs[i]!.map((p) => [p.aos, p.los] as [number, number]));
      let sum = 0,
        n = 0;
      for (let t = start + 2500; t < t1; t += 5000, n++) {
        let next = horizon;
        for (const [a, b] of u)
          if (b >= t) {
            next = Math.max(a, t);
            break;
          }
        sum += next - t;
      }
      expect(Math.abs(row.meanWaitMin - sum / n / MIN)).toBeLessThan(0.05);
      const gaps = u.map(([, e], j) => (e >= start && e < t1 ? (u[j + 1]?.[0] ?? horizon) - e : 0));
      expect(Math.abs(row.maxRevisitGapMin - Math.max(...gaps) / MIN)).toBeLessThan(0.05);
    });
  });

  it('summarises with area-weighted means and the largest gap of any cell', async () => {
    const rep = await reportP;
    const col = (k: 'coverageFraction' | 'meanRevisitGapMin' | 'meanWaitMin' | 'passesPerDay'): number[] =>
      rep.perCell.map((r) => r[k]);
    for (const k of ['coverageFraction', 'meanRevisitGapMin', 'meanWaitMin', 'passesPerDay'] as const) {
      expect(rep.summary[k]).toBeCloseTo(weightedMean(col(k), grid.areaKm2), 9);
    }
    expect(rep.summary.maxRevisitGapMin).toBe(Math.max(...rep.perCell.map((r) => r.maxRevisitGapMin)));
    // The pooled P95 lies within the cells' own P95s (to a histogram bin).
    const p95s = rep.perCell.map((r) => r.p95WaitMin);
    expect(rep.summary.p95WaitMin).toBeGreaterThanOrEqual(Math.min(...p95s) - 0.25);
    expect(rep.summary.p95WaitMin).toBeLessThanOrEqual(Math.max(...p95s) + 0.25);
  });

  it('reports its work: satellites, one propagation per satellite per minute, contact windows, progress', async () => {
    const rep = await reportP;
    expect(rep.stats.satellites).toBe(sats.length);
    expect(rep.stats.propagations).toBe(sats.length * ((horizon - start) / MIN + 1));
    const passes = refs.flat();
    const grazes = passes.filter((p) => p.maxEl < MASK + GRAZE_DEG).length;
    expect(Math.abs(rep.stats.contactWindows - passes.length)).toBeLessThanOrEqual(grazes);
    expect(rep.stats.seconds).toBeGreaterThan(0);
    expect([...phases].sort()).toEqual(['cells', 'ephemeris']);
    expect(lastCells).toEqual([17, 17]);
  });
});

describe('planLatency over a 17-cell bbox with three ground stations', () => {
  const sats = walkerSatellites(DELTA_53);
  const phases = new Set<string>();
  const reportP: Promise<LatencyReport> = planLatency({
    satellites: sats,
    grid,
    start,
    hours: HOURS,
    groundStations: STATIONS,
    uplinkMinElevationDeg: MASK,
    workers: 1,
    onProgress: (phase) => {
      phases.add(phase);
    },
  });
  /** Per satellite, every station contact from the pass finder over the window and its tail. */
  const ground = sats.map((sat) =>
    STATIONS.flatMap((st) =>
      findPasses(sat, { site: makeSite(st), start, end: horizon, minElevationDeg: st.minElevationDeg }).map(
        (p) => [p.aos, p.los] as [number, number],
      ),
    ),
  );

  it("matches a brute-force route search over the pass finder's passes, cell by cell", async () => {
    const rep = await reportP;
    expect(rep.perCell.map((r) => r.cell)).toEqual(grid.cells);
    const samples = (t1 - start) / MIN;
    rep.perCell.forEach((row, i) => {
      const up = passesOver(sats, grid.latDeg[i]!, grid.lonDeg[i]!, MASK);
      const lat: number[] = [],
        upWait: number[] = [];
      for (let k = 0; k < samples; k++) {
        const t = start + (k + 0.5) * MIN;
        let best = Infinity,
          bestU = Infinity;
        for (const w of up) {
          if (w.los < t) continue;
          const u = Math.max(t, w.aos);
          for (const [gs, ge] of ground[w.sat]!) {
            if (ge < u) continue;
            const arr = Math.max(gs, u);
            if (arr < best || (arr === best && u < bestU)) {
              best = arr;
              bestU = u;
            }
          }
        }
        if (best < Infinity) {
          lat.push((best - t) / MIN);
          upWait.push((bestU - t) / MIN);
        }
      }
      const sorted = [...lat].sort((a, b) => a - b);
      const mean = lat.reduce((a, b) => a + b, 0) / lat.length;
      expect(row.undeliveredFraction).toBeCloseTo(1 - lat.length / samples, 9);
      expect(Math.abs(row.meanMin - mean)).toBeLessThan(0.01);
      expect(Math.abs(row.p50Min - sorted[Math.floor(0.5 * sorted.length)]!)).toBeLessThan(0.01);
      expect(Math.abs(row.p95Min - sorted[Math.floor(0.95 * sorted.length)]!)).toBeLessThan(0.01);
      expect(Math.abs(row.maxMin - sorted[sorted.length - 1]!)).toBeLessThan(0.01);
      // The uplink/ground split is not compared here: see the tie bug in latency-metrics.test.ts.
      expect(row.uplinkWaitMeanMin + row.groundWaitMeanMin).toBeCloseTo(row.meanMin, 9);
      expect(row.uplinkWaitMeanMin).toBeGreaterThanOrEqual(upWait.reduce((a, b) => a + b, 0) / upWait.length - 0.01);
    });
  });

  it('summarises with area-weighted means and reports the ground phase', async () => {
    const rep = await reportP;
    for (const k of ['meanMin', 'uplinkWaitMeanMin', 'groundWaitMeanMin', 'undeliveredFraction'] as const) {
      expect(rep.summary[k]).toBeCloseTo(
        weightedMean(
          rep.perCell.map((r) => r[k]),
          grid.areaKm2,
        ),
        9,
      );
    }
    expect(rep.summary.maxMin).toBe(Math.max(...rep.perCell.map((r) => r.maxMin)));
    expect(rep.summary.p50Min).toBeLessThanOrEqual(rep.summary.p95Min);
    expect([...phases].sort()).toEqual(['cells', 'ephemeris', 'ground']);
  });
});

describe('planner input checks', () => {
  const sats = walkerSatellites(DELTA_53);
  const small = gridRegion(loadRegion('bbox:10,45,12,47'), 3);

  it.each([0, -1, 10_000, MAX_PLAN_HOURS + 1, NaN, Infinity])(
    'refuses %d hours with INVALID_TIME (coverage and latency)',
    async (hours) => {
      await expectSatiotError(
        () => planCoverage({ satellites: sats, grid: small, start, hours, minElevationDeg: 10, workers: 1 }),
        'INVALID_TIME',
      );
      await expectSatiotError(
        () =>
          planLatency({
            satellites: sats,
            grid: small,
            start,
            hours,
            groundStations: STATIONS,
            uplinkMinElevationDeg: 10,
            workers: 1,
          }),
        'INVALID_TIME',
      );
    },
  );

  it('refuses a start that is not a time with INVALID_TIME', async () => {
    await expectSatiotError(
      () => planCoverage({ satellites: sats, grid: small, start: NaN, hours: 1, minElevationDeg: 10, workers: 1 }),
      'INVALID_TIME',
    );
  });

  it('refuses an empty constellation with NO_ELEMENT_SETS', async () => {
    await expectSatiotError(
      () => planCoverage({ satellites: [], grid: small, start, hours: 1, minElevationDeg: 10, workers: 1 }),
      'NO_ELEMENT_SETS',
    );
    await expectSatiotError(
      () =>
        planLatency({
          satellites: [],
          grid: small,
          start,
          hours: 1,
          groundStations: STATIONS,
          uplinkMinElevationDeg: 10,
          workers: 1,
        }),
      'NO_ELEMENT_SETS',
    );
  });

  it('refuses a latency plan without ground stations with GROUND_STATIONS_INVALID', async () => {
    await expectSatiotError(
      () =>
        planLatency({
          satellites: sats,
          grid: small,
          start,
          hours: 1,
          groundStations: [],
          uplinkMinElevationDeg: 10,
          workers: 1,
        }),
      'GROUND_STATIONS_INVALID',
    );
  });

  it('accepts the longest allowed window', async () => {
    const rep = await planCoverage({
      satellites: sats.slice(0, 1),
      grid: small,
      start,
      hours: MAX_PLAN_HOURS,
      minElevationDeg: 10,
      workers: 1,
      stepMs: 600_000,
      tailHours: 0,
    });
    expect(rep.cells).toBe(small.cells.length);
  });
});

/** More than one 2000-cell chunk, so that two workers really split the cells. */
const bigGrid = (): Grid => gridRegion(loadRegion('bbox:0,40,12,46'), 5);

describe('planner with worker threads', () => {
  // Under Node 20 a Worker cannot take an ESM loader through execArgv (nodejs/node#47747): the
  // worker started with ['--import', 'tsx'] still rejects plan-worker.ts with
  // ERR_UNKNOWN_FILE_EXTENSION, so from the TypeScript sources (vitest, `npx tsx src/cli/main.ts`)
  // any plan of more than 2000 cells with workers > 1 — the CLI's default — fails.
  it('gives exactly the same coverage with workers: 2 as with workers: 1 (from the TypeScript sources)', async () => {
    const sats = walkerSatellites(DELTA_53);
    const g = bigGrid();
    expect(g.cells.length).toBeGreaterThan(2000);
    const input = { satellites: sats, grid: g, start, hours: 6, minElevationDeg: 10 };
    const one = await planCoverage({ ...input, workers: 1 });
    const two = await planCoverage({ ...input, workers: 2 });
    expect(two.perCell).toEqual(one.perCell);
  });
});

// dist/ is fresh: the integration tier's global setup builds it (test/support/fresh-dist.ts).
describe('compiled planner (dist/) with worker threads', () => {
  const load = async (): Promise<typeof PlannerModule> =>
    (await import(
      pathToFileURL(fileURLToPath(new URL('../../dist/plan/planner.js', import.meta.url))).href
    )) as typeof PlannerModule;
  const strip = <T extends { stats: object }>(r: T): Omit<T, 'stats'> & { stats: object } => ({
    ...r,
    stats: { ...r.stats, seconds: 0 },
  });

  it('gives exactly the same coverage report with workers: 2 as with workers: 1', async () => {
    const dist = await load();
    const g = bigGrid();
    expect(g.cells.length).toBeGreaterThan(2000);
    const input = { satellites: walkerSatellites(DELTA_53), grid: g, start, hours: 6, minElevationDeg: 10 };
    const one = await dist.planCoverage({ ...input, workers: 1 });
    const two = await dist.planCoverage({ ...input, workers: 2 });
    expect(strip(two)).toEqual(strip(one));
    // …and the same as the TypeScript sources in-process.
    expect(strip(await planCoverage({ ...input, workers: 1 }))).toEqual(strip(one));
  });

  it('gives exactly the same latency report with workers: 2 as with workers: 1', async () => {
    const dist = await load();
    const input = {
      satellites: walkerSatellites(DELTA_53),
      grid: bigGrid(),
      start,
      hours: 6,
      groundStations: STATIONS,
      uplinkMinElevationDeg: 10,
    };
    const one = await dist.planLatency({ ...input, workers: 1 });
    const two = await dist.planLatency({ ...input, workers: 2 });
    expect(strip(two)).toEqual(strip(one));
  });
});
