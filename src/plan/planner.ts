import type { Satellite } from '../orbit/satellite.js';
import { computeEphemeris, type Ephemeris } from './ephemeris.js';
import type { Grid } from './grid.js';
import { makeTargets } from './targets.js';
import { findContactWindows } from './contact-windows.js';
import { unionIntervals } from './intervals.js';
import { COVERAGE_FIELDS, LATENCY_FIELDS, type ChunkResult, type PlanContext } from './plan-chunk.js';
import { runAllChunks, defaultWorkers } from './chunk-runner.js';
import { DurationHistogram } from './histogram.js';
import type { GroundStation } from './ground-station.js';
import type { CellCoverage } from './coverage-metrics.js';
import type { CellLatency } from './latency-metrics.js';
import { SatiotError } from '../errors/satiot-error.js';
import { MAX_PLAN_HOURS } from './limits.js';

export type Progress = (phase: 'ephemeris' | 'ground' | 'cells', done: number, total: number) => void;

export interface PlanInput {
  readonly satellites: readonly Satellite[];
  readonly grid: Grid;
  readonly start: number;
  readonly hours: number;
  /** Grid step of the shared ephemeris, ms (default 60 s). */
  readonly stepMs?: number;
  /** Contacts are searched this far past the window so waits near its end are not cut short (default 12 h). */
  readonly tailHours?: number;
  /** Worker threads (default: the machine's cores; ≤ 1 runs in-process). */
  readonly workers?: number;
  readonly onProgress?: Progress;
}

export interface CoverageInput extends PlanInput {
  readonly minElevationDeg: number;
}

export interface LatencyInput extends PlanInput {
  readonly groundStations: readonly GroundStation[];
  readonly uplinkMinElevationDeg: number;
  /** Spacing of message creation times per cell, ms (default 60 s). */
  readonly sampleStepMs?: number;
}

/** Region summaries carry the same metrics as a cell (area-weighted means, pooled quantiles). */
export type CoverageSummary = CellCoverage;
export type LatencySummary = CellLatency;

export interface PlanStats {
  readonly satellites: number;
  readonly contactWindows: number;
  readonly propagations: number;
  readonly seconds: number;
}

export interface CoverageReport {
  readonly cells: number;
  readonly summary: CoverageSummary;
  readonly perCell: ReadonlyArray<{ cell: string } & CellCoverage>;
  readonly stats: PlanStats;
}

export interface LatencyReport {
  readonly cells: number;
  readonly summary: LatencySummary;
  readonly perCell: ReadonlyArray<{ cell: string } & CellLatency>;
  readonly stats: PlanStats;
}

const HOUR = 3_600_000;
export { MAX_PLAN_HOURS };

function prepare(input: PlanInput): { eph: Ephemeris; t0: number; t1: number; horizonEnd: number; workers: number } {
  const { start, hours } = input;
  if (!Number.isFinite(start)) throw new SatiotError('INVALID_TIME', 'the plan start is not a valid time');
  if (!(hours > 0 && hours <= MAX_PLAN_HOURS))
    throw new SatiotError('INVALID_TIME', `--hours must be within (0, ${MAX_PLAN_HOURS}], got ${hours}`, { hours });
  if (input.satellites.length === 0) throw new SatiotError('NO_ELEMENT_SETS', 'the constellation has no satellite');
  const stepMs = input.stepMs ?? 60_000;
  const t0 = start,
    t1 = start + hours * HOUR;
  const horizonEnd = t1 + (input.tailHours ?? 12) * HOUR;
  const eph = computeEphemeris(input.satellites, t0, horizonEnd, stepMs, (d, t) =>
    input.onProgress?.('ephemeris', d, t),
  );
  return { eph, t0, t1, horizonEnd, workers: input.workers ?? defaultWorkers() };
}

/**
 * Regional coverage: per H3 cell and for the region (area-weighted means, pooled P95), the share of
 * time in view of at least one satellite, revisit gaps, passes per day and the wait for the next
 * contact of a message created at a uniformly random time.
 */
export async function planCoverage(input: CoverageInput): Promise<CoverageReport> {
  const began = performance.now();
  const { eph, t0, t1, horizonEnd, workers } = prepare(input);
  const g = input.grid;
  const cells = makeTargets(
    Array.from(g.cells, (_, i) => ({
      latDeg: g.latDeg[i]!,
      lonDeg: g.lonDeg[i]!,
      minElevationDeg: input.minElevationDeg,
    })),
  );
  const ctx: PlanContext = { mode: 'coverage', eph, cells, weights: g.areaKm2, t0, t1, horizonEnd };
  const chunks = await runAllChunks(ctx, workers, (d, t) => input.onProgress?.('cells', d, t));
  const rows = collect<CellCoverage>(chunks, COVERAGE_FIELDS, g.cells);
  const hist = pooled(chunks);
  const w = g.areaKm2;
  return {
    cells: rows.length,
    summary: {
      coverageFraction: weightedMean(rows, w, 'coverageFraction'),
      meanRevisitGapMin: weightedMean(rows, w, 'meanRevisitGapMin'),
      maxRevisitGapMin: Math.max(...rows.map((r) => r.maxRevisitGapMin)),
      meanWaitMin: weightedMean(rows, w, 'meanWaitMin'),
      p95WaitMin: hist.quantile(0.95),
      passesPerDay: weightedMean(rows, w, 'passesPerDay'),
    },
    perCell: rows,
    stats: stats(input, eph, chunks, began),
  };
}

/**
 * Store-and-forward latency: for messages created uniformly in time in each cell, the earliest time
 * a ground station receives them (wait for a satellite above the uplink minimum elevation, ride it,
 * until it is above a station's downlink minimum elevation), split into the two waits.
 */
export async function planLatency(input: LatencyInput): Promise<LatencyReport> {
  const began = performance.now();
  if (input.groundStations.length === 0)
    throw new SatiotError('GROUND_STATIONS_INVALID', 'a latency plan needs at least one ground station');
  const { eph, t0, t1, horizonEnd, workers } = prepare(input);
  const stations = makeTargets(input.groundStations);
  const perSat: number[][] = Array.from({ length: eph.satellites }, () => []);
  findContactWindows(eph, stations, 0, stations.count, (_t, sat, s, e) => {
    perSat[sat]!.push(s, e);
  });
  input.onProgress?.('ground', 1, 1);
  const ground = perSat.map((p) => Float64Array.from(unionIntervals(p)));
  const g = input.grid;
  const cells = makeTargets(
    Array.from(g.cells, (_, i) => ({
      latDeg: g.latDeg[i]!,
      lonDeg: g.lonDeg[i]!,
      minElevationDeg: input.uplinkMinElevationDeg,
    })),
  );
  const samples = Math.max(1, Math.round((t1 - t0) / (input.sampleStepMs ?? 60_000)));
  const ctx: PlanContext = { mode: 'latency', eph, cells, weights: g.areaKm2, t0, t1, horizonEnd, ground, samples };
  const chunks = await runAllChunks(ctx, workers, (d, t) => input.onProgress?.('cells', d, t));
  const rows = collect<CellLatency>(chunks, LATENCY_FIELDS, g.cells);
  const hist = pooled(chunks);
  const w = g.areaKm2;
  const finiteMax = rows.map((r) => r.maxMin).filter(Number.isFinite);
  return {
    cells: rows.length,
    summary: {
      meanMin: weightedMean(rows, w, 'meanMin'),
      p50Min: hist.quantile(0.5),
      p95Min: hist.quantile(0.95),
      maxMin: finiteMax.length ? Math.max(...finiteMax) : NaN,
      uplinkWaitMeanMin: weightedMean(rows, w, 'uplinkWaitMeanMin'),
      groundWaitMeanMin: weightedMean(rows, w, 'groundWaitMeanMin'),
      undeliveredFraction: weightedMean(rows, w, 'undeliveredFraction'),
    },
    perCell: rows,
    stats: stats(input, eph, chunks, began),
  };
}

function collect<T>(
  chunks: readonly ChunkResult[],
  fields: readonly string[],
  ids: readonly string[],
): Array<{ cell: string } & T> {
  const rows: Array<Record<string, number | string>> = [];
  for (const c of chunks) {
    for (let i = 0; i < c.to - c.from; i++) {
      const row: Record<string, number | string> = { cell: ids[c.from + i]! };
      fields.forEach((f, j) => {
        row[f] = c.values[i * fields.length + j]!;
      });
      rows.push(row);
    }
  }
  return rows as unknown as Array<{ cell: string } & T>;
}

function pooled(chunks: readonly ChunkResult[]): DurationHistogram {
  const h = new DurationHistogram();
  for (const c of chunks) h.merge(c.hist);
  return h;
}

/** Area-weighted mean over cells, ignoring cells where the metric is undefined (NaN). */
function weightedMean<R extends { cell: string }>(rows: readonly R[], w: Float64Array, key: keyof R): number {
  let s = 0,
    ws = 0;
  rows.forEach((r, i) => {
    const v = r[key] as unknown as number;
    if (Number.isFinite(v)) {
      s += v * w[i]!;
      ws += w[i]!;
    }
  });
  return ws > 0 ? s / ws : NaN;
}

function stats(input: PlanInput, eph: Ephemeris, chunks: readonly ChunkResult[], began: number): PlanStats {
  return {
    satellites: input.satellites.length,
    contactWindows: chunks.reduce((a, c) => a + c.windows, 0),
    propagations: eph.satellites * eph.steps,
    seconds: (performance.now() - began) / 1000,
  };
}
