import type { Ephemeris } from './ephemeris.js';
import type { Targets } from './targets.js';
import { findContactWindows } from './contact-windows.js';
import { cellCoverage, type CellCoverage } from './coverage-metrics.js';
import { cellLatency, type CellLatency } from './latency-metrics.js';
import { DurationHistogram } from './histogram.js';

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

export const COVERAGE_FIELDS = ['coverageFraction', 'meanRevisitGapMin', 'maxRevisitGapMin', 'passesPerDay', 'meanWaitMin', 'p95WaitMin'] as const satisfies ReadonlyArray<keyof CellCoverage>;
export const LATENCY_FIELDS = ['meanMin', 'p50Min', 'p95Min', 'maxMin', 'uplinkWaitMeanMin', 'groundWaitMeanMin', 'undeliveredFraction'] as const satisfies ReadonlyArray<keyof CellLatency>;

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
  const perCell: number[][] = Array.from({ length: n }, () => []);
  let windows = 0;
  const latency = ctx.mode === 'latency';
  findContactWindows(ctx.eph, ctx.cells, from, to, (target, sat, start, end) => {
    windows++;
    if (latency) perCell[target - from]!.push(sat, start, end);
    else perCell[target - from]!.push(start, end);
  });
  const fields = latency ? LATENCY_FIELDS : COVERAGE_FIELDS;
  const values = new Float64Array(n * fields.length);
  const hist = new DurationHistogram();
  for (let i = 0; i < n; i++) {
    const w = ctx.weights[from + i]!;
    const m: Record<string, number> = latency
      ? { ...cellLatency(perCell[i]!, ctx.ground!, ctx.t0, ctx.t1, ctx.samples!, hist, w) }
      : { ...cellCoverage(perCell[i]!, ctx.t0, ctx.t1, ctx.horizonEnd, hist, w) };
    fields.forEach((f, j) => { values[i * fields.length + j] = m[f]!; });
  }
  return { from, to, values, hist, windows };
}
