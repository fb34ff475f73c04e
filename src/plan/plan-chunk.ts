import type { Ephemeris } from './ephemeris.js';
import type { Targets } from './targets.js';
import { findContactWindows } from './contact-windows.js';
import { cellCoverage, type CellCoverage } from './coverage-metrics.js';
import { cellLatency, type CellLatency } from './latency-metrics.js';
import { DurationHistogram } from './histogram.js';
import { WindowBuffer } from './window-buffer.js';

/** Everything a worker needs to evaluate cells: shared ephemeris, cells, and the plan's parameters. */
export interface PlanContext {
  readonly mode: 'coverage' | 'latency';
  readonly eph: Ephemeris;
  readonly cells: Targets;
  /** Cell weights (areas) for the pooled distribution. */
  readonly weights: Float64Array;
  readonly t0: number;
  readonly t1: number;
  readonly horizonEnd: number;
  /** Latency only: per satellite, merged ground contacts (flat start/end pairs). */
  readonly ground?: Float64Array[];
  /** Latency only: creation-time samples per cell. */
  readonly samples?: number;
}

export const COVERAGE_FIELDS = [
  'coverageFraction',
  'meanRevisitGapMin',
  'maxRevisitGapMin',
  'passesPerDay',
  'meanWaitMin',
  'p95WaitMin',
] as const satisfies ReadonlyArray<keyof CellCoverage>;
export const LATENCY_FIELDS = [
  'meanMin',
  'p50Min',
  'p95Min',
  'maxMin',
  'uplinkWaitMeanMin',
  'groundWaitMeanMin',
  'undeliveredFraction',
] as const satisfies ReadonlyArray<keyof CellLatency>;

export interface ChunkResult {
  readonly from: number;
  readonly to: number;
  /** Row-major: (to − from) rows × fields columns. */
  readonly values: Float64Array;
  readonly hist: DurationHistogram;
  readonly windows: number;
}

/** Evaluates cells [from, to): their contact windows, then the mode's per-cell metrics. */
export function runChunk(ctx: PlanContext, from: number, to: number): ChunkResult {
  const n = to - from;
  const latency = ctx.mode === 'latency';
  // Coverage needs (start, end) per window; latency also the satellite: (sat, start, end).
  const buf = new WindowBuffer(latency ? 3 : 2);
  findContactWindows(
    ctx.eph,
    ctx.cells,
    from,
    to,
    latency
      ? (target, sat, start, end) => buf.push(target - from, sat, start, end)
      : (target, _sat, start, end) => buf.push(target - from, start, end),
  );
  const { data, offsets } = buf.byCell(n);
  const width = latency ? 3 : 2;
  const fields = latency ? LATENCY_FIELDS : COVERAGE_FIELDS;
  const values = new Float64Array(n * fields.length);
  const hist = new DurationHistogram();
  for (let i = 0; i < n; i++) {
    const w = ctx.weights[from + i]!;
    const rows = data.subarray(offsets[i]! * width, offsets[i + 1]! * width);
    const m: Record<string, number> = latency
      ? { ...cellLatency(rows, ctx.ground!, ctx.t0, ctx.t1, ctx.samples!, hist, w) }
      : { ...cellCoverage(rows, ctx.t0, ctx.t1, ctx.horizonEnd, hist, w) };
    fields.forEach((f, j) => {
      values[i * fields.length + j] = m[f]!;
    });
  }
  const windows = buf.size;
  return { from, to, values, hist, windows };
}
