import { unionIntervals } from './intervals.js';
import type { DurationHistogram } from './histogram.js';

export interface CellCoverage {
  /** Fraction of the window with at least one satellite above the minimum elevation. */
  coverageFraction: number;
  /**
   * Mean and longest time without any satellite in view, minutes: the gaps that overlap the window,
   * one already open at the window's start measured from the start.
   */
  meanRevisitGapMin: number;
  maxRevisitGapMin: number;
  /** Contact windows (all satellites) per day. */
  passesPerDay: number;
  /** For a message created at a uniformly random time: mean and P95 wait for the next contact, minutes. */
  meanWaitMin: number;
  p95WaitMin: number;
}

const MIN = 60_000;

/**
 * Coverage of one cell from its contact windows (flat start/end pairs, any satellite) over the
 * creation window [t0, t1]; windows may run to `horizonEnd` (> t1) so that waits near the end are
 * not cut short. A wait still open at `horizonEnd` counts up to it (a lower bound).
 * `hist`, when given, receives the cell's wait distribution with total weight `weight`.
 */
export function cellCoverage(
  windows: ArrayLike<number>,
  t0: number,
  t1: number,
  horizonEnd: number,
  hist?: DurationHistogram,
  weight = 1,
): CellCoverage {
  const span = t1 - t0;
  const u = unionIntervals(windows);
  let covered = 0;
  let passes = 0;
  for (let i = 0; i < windows.length; i += 2) {
    const s = windows[i]!,
      e = windows[i + 1]!;
    if (e > t0 && s < t1) passes++;
  }
  const gaps: number[] = [];
  // Uncovered stretches [a, b): b is the next contact (or horizonEnd when none).
  const uncovered: Array<[number, number]> = [];
  let cursor = -Infinity;
  for (let i = 0; i < u.length; i += 2) {
    const s = u[i]!,
      e = u[i + 1]!;
    covered += Math.max(0, Math.min(e, t1) - Math.max(s, t0));
    if (s > cursor) {
      uncovered.push([cursor, s]);
      if (cursor < t1 && s > t0) gaps.push(s - Math.max(cursor, t0));
    }
    cursor = Math.max(cursor, e);
  }
  if (cursor < horizonEnd) {
    uncovered.push([cursor, horizonEnd]);
    if (cursor < t1) gaps.push(horizonEnd - Math.max(cursor, t0));
  }

  let waitIntegral = 0;
  const pieces: Array<[number, number]> = []; // wait ranges [lo, hi] minutes, each uniform over its creation span
  for (const [a, b] of uncovered) {
    const lo = Math.max(a, t0),
      hi = Math.min(b, t1);
    if (hi <= lo) continue;
    // wait(t) = b − t for t in [lo, hi): ranges from b − hi to b − lo
    waitIntegral += ((b - hi + (b - lo)) / 2) * (hi - lo);
    pieces.push([(b - hi) / MIN, (b - lo) / MIN]);
    hist?.addUniform((b - hi) / MIN, (b - lo) / MIN, (weight * (hi - lo)) / span);
  }
  hist?.addPoint(0, (weight * covered) / span);

  return {
    coverageFraction: covered / span,
    meanRevisitGapMin: gaps.length ? gaps.reduce((x, y) => x + y, 0) / gaps.length / MIN : 0,
    maxRevisitGapMin: gaps.length ? Math.max(...gaps) / MIN : 0,
    passesPerDay: passes / (span / 86_400_000),
    meanWaitMin: waitIntegral / span / MIN,
    p95WaitMin: waitQuantile(pieces, span / MIN, 0.95),
  };
}

/** q-quantile of a wait that is 0 while covered and uniform over each [lo, hi] piece otherwise. */
function waitQuantile(pieces: ReadonlyArray<[number, number]>, spanMin: number, q: number): number {
  let uncovered = 0;
  for (const [lo, hi] of pieces) uncovered += hi - lo;
  if (uncovered / spanMin <= 1 - q) return 0; // covered at least q of the time
  const exceed = (w: number): number => {
    let m = 0;
    for (const [lo, hi] of pieces) m += Math.max(0, hi - Math.max(lo, w));
    return m / spanMin;
  };
  let lo = 0,
    hi = Math.max(0, ...pieces.map((p) => p[1]));
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (exceed(mid) > 1 - q) lo = mid;
    else hi = mid;
  }
  return hi;
}
