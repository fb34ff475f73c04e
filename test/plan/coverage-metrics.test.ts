import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cellCoverage } from '../../src/plan/coverage-metrics.js';
import { DurationHistogram } from '../../src/plan/histogram.js';
import { HOUR, MIN, PLAN_EPOCH, bruteUnion } from './helpers.js';

const T0: number = PLAN_EPOCH;
const SEC = 1000;
const at = (minutes: number): number => T0 + minutes * MIN;
const flat = (ws: ReadonlyArray<readonly [number, number]>): number[] => ws.flatMap(([s, e]) => [s, e]);

/** Wait (ms) for the next contact of a message created at t: 0 inside a window; horizonEnd − t when none comes. */
function bruteWait(ws: ReadonlyArray<readonly [number, number]>, t: number, horizonEnd: number): number {
  let next = horizonEnd;
  for (const [s, e] of ws) if (e >= t) next = Math.min(next, Math.max(s, t));
  return next - t;
}

/** Waits of messages created at the middle of every second of [t0, t1), minutes, sorted. */
function sampledWaits(
  ws: ReadonlyArray<readonly [number, number]>,
  t0: number,
  t1: number,
  horizonEnd: number,
): number[] {
  const out: number[] = [];
  for (let t = t0 + SEC / 2; t < t1; t += SEC) out.push(bruteWait(ws, t, horizonEnd) / MIN);
  return out.sort((a, b) => a - b);
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('cellCoverage on hand-made windows', () => {
  // Six hours; windows in minutes: two overlapping, three single, the last crossing t1 into the tail.
  const windows: Array<[number, number]> = [
    [10, 20],
    [15, 25],
    [60, 70],
    [200, 230],
    [350, 370],
  ].map(([s, e]) => [at(s!), at(e!)]);
  const t1 = at(360),
    horizonEnd = at(480);
  const c = cellCoverage(flat(windows), T0, t1, horizonEnd);

  it('counts the time covered by the union of the windows inside [t0, t1]', () => {
    // [10, 25] + [60, 70] + [200, 230] + [350, 360] = 65 of 360 minutes.
    expect(c.coverageFraction).toBeCloseTo(65 / 360, 12);
  });

  it('measures revisit gaps between contacts, the one open at the window start from the start', () => {
    // 0 → 10 (open at t0), 25 → 60, 70 → 200, 230 → 350: 10, 35, 130 and 120 minutes.
    expect(c.meanRevisitGapMin).toBeCloseTo(295 / 4, 9);
    expect(c.maxRevisitGapMin).toBeCloseTo(130, 9);
  });

  it('counts every window that overlaps [t0, t1] as a pass, per day', () => {
    expect(c.passesPerDay).toBeCloseTo(5 / 0.25, 9);
  });

  it('gives the mean wait as the sum of gap²/2 over the span', () => {
    // Uncovered stretches in the window: [0, 10], [25, 60], [70, 200], [230, 350].
    expect(c.meanWaitMin).toBeCloseTo((10 ** 2 + 35 ** 2 + 130 ** 2 + 120 ** 2) / 2 / 360, 9);
  });

  it('gives the P95 wait from the exact wait distribution', () => {
    // P(wait > w) = Σ max(0, gap − w) / 360 = 0.05 → (130 − w) + (120 − w) = 18 → w = 116.
    expect(c.p95WaitMin).toBeCloseTo(116, 6);
  });

  it('agrees with the wait sampled every second (within 0.1 min)', () => {
    const waits = sampledWaits(windows, T0, t1, horizonEnd);
    expect(Math.abs(mean(waits) - c.meanWaitMin)).toBeLessThan(0.1);
    expect(Math.abs(waits[Math.floor(0.95 * waits.length)]! - c.p95WaitMin)).toBeLessThan(0.1);
  });

  it('feeds the histogram the same distribution with total weight `weight`', () => {
    const h = new DurationHistogram();
    cellCoverage(flat(windows), T0, t1, horizonEnd, h, 2.5);
    expect(h.toJSON().total).toBeCloseTo(2.5, 12);
    expect(Math.abs(h.quantile(0.95) - 116)).toBeLessThanOrEqual(h.binMin);
    // 65/360 of the time the wait is zero.
    expect(h.quantile(0.18)).toBe(0);
    expect(h.quantile(0.19)).toBeGreaterThan(0);
  });

  it('does not care about the order of the windows', () => {
    const shuffled = [windows[3]!, windows[0]!, windows[4]!, windows[2]!, windows[1]!];
    expect(cellCoverage(flat(shuffled), T0, t1, horizonEnd)).toEqual(c);
  });
});

describe('cellCoverage edge cases', () => {
  const t1 = T0 + 24 * HOUR,
    horizonEnd = t1 + 12 * HOUR;

  it('for a cell never in view: zero coverage, one gap to the horizon, waits running to it', () => {
    const c = cellCoverage([], T0, t1, horizonEnd);
    expect(c.coverageFraction).toBe(0);
    expect(c.passesPerDay).toBe(0);
    expect(c.maxRevisitGapMin).toBeCloseTo(36 * 60, 9);
    // wait(t) = horizonEnd − t: mean 36 h − 12 h, P95 at the 5 % latest creation times.
    expect(c.meanWaitMin).toBeCloseTo(24 * 60, 9);
    expect(c.p95WaitMin).toBeCloseTo(36 * 60 - 0.05 * 24 * 60, 6);
  });

  it('for a cell always in view: full coverage, no gap, no wait', () => {
    const c = cellCoverage([T0 - HOUR, horizonEnd], T0, t1, horizonEnd);
    expect(c).toEqual({
      coverageFraction: 1,
      meanRevisitGapMin: 0,
      maxRevisitGapMin: 0,
      passesPerDay: 1,
      meanWaitMin: 0,
      p95WaitMin: 0,
    });
  });

  it('clips a window that opened before t0 and counts it as a pass', () => {
    const c = cellCoverage([T0 - 5 * MIN, T0 + 5 * MIN, T0 + 10 * HOUR, T0 + 10 * HOUR + 10 * MIN], T0, t1, horizonEnd);
    expect(c.coverageFraction).toBeCloseTo(15 / 1440, 12);
    expect(c.passesPerDay).toBe(2);
    // Gaps: 5 min → 10 h, and from 10 h 10 min to the horizon (nothing after).
    expect(c.maxRevisitGapMin).toBeCloseTo(36 * 60 - 610, 9);
    expect(c.meanRevisitGapMin).toBeCloseTo((595 + 36 * 60 - 610) / 2, 9);
  });

  it('keeps P95 at zero when the cell is in view more than 95 % of the time', () => {
    const c = cellCoverage([T0, T0 + 23 * HOUR], T0, t1, horizonEnd);
    expect(c.p95WaitMin).toBe(0);
    // The last hour waits for the horizon (no contact after): 13 h down to 12 h, 1/24 of the time.
    expect(c.meanWaitMin).toBeCloseTo((((13 + 12) / 2) * 60) / 24, 9);
  });

  // Bug: a gap is only counted from the end of a contact inside [t0, t1), and the "no window at all"
  // case is special-cased to one gap t0 → horizonEnd. A cell whose only contacts come after t1 (in the
  // tail searched past the window) therefore gets meanRevisitGapMin = maxRevisitGapMin = 0 — it looks
  // like a cell that is never without a satellite — while the same cell with no contact at all gets
  // 36 h. Repro: cellCoverage([t1 + 6 h, t1 + 6 h + 1 min], t0, t0 + 24 h, t0 + 36 h).
  it('reports a revisit gap at least as long as the window for a cell first seen after t1', () => {
    const c = cellCoverage([t1 + 6 * HOUR, t1 + 6 * HOUR + MIN], T0, t1, horizonEnd);
    expect(c.coverageFraction).toBe(0);
    expect(c.maxRevisitGapMin).toBeGreaterThanOrEqual(24 * 60);
  });
});

describe('cellCoverage against brute force', () => {
  /** Windows with ends on whole seconds, starting up to an hour before t0, some reaching into the tail. */
  const windowsArb = fc
    .array(fc.tuple(fc.integer({ min: -3600, max: 6 * 3600 + 1800 }), fc.integer({ min: 0, max: 1800 })), {
      maxLength: 14,
    })
    .map((xs) => xs.map(([s, len]) => [T0 + s * SEC, T0 + (s + len) * SEC] as [number, number]));
  const t1 = T0 + 6 * HOUR,
    horizonEnd = T0 + 8 * HOUR;

  it('matches coverage, passes, gaps, mean and P95 wait computed by sampling every second', () => {
    fc.assert(
      fc.property(windowsArb, (ws) => {
        const c = cellCoverage(flat(ws), T0, t1, horizonEnd);
        const span = t1 - T0,
          n = span / SEC;
        // Coverage: with whole-second ends, each second is wholly in or out: its middle decides.
        let covered = 0;
        for (let t = T0 + SEC / 2; t < t1; t += SEC) if (ws.some(([s, e]) => s <= t && t <= e)) covered++;
        expect(c.coverageFraction).toBeCloseTo(covered / n, 12);
        expect(c.passesPerDay).toBeCloseTo(ws.filter(([s, e]) => e > T0 && s < t1).length / (span / (24 * HOUR)), 9);
        // Waits: linear within each second, so the midpoint rule is exact for the mean.
        const waits = sampledWaits(ws, T0, t1, horizonEnd);
        expect(c.meanWaitMin).toBeCloseTo(mean(waits), 6);
        expect(Math.abs(c.p95WaitMin - waits[Math.floor(0.95 * waits.length)]!)).toBeLessThan(0.1);
        // Gaps: every uncovered stretch that overlaps [t0, t1), from max(its start, t0) to the next
        // union start (or the horizon).
        const u = bruteUnion(ws);
        const gaps: number[] = [];
        const stretches: Array<[number, number]> = [];
        let cursor = -Infinity;
        for (const [s, e] of u) {
          if (s > cursor) stretches.push([cursor, s]);
          cursor = Math.max(cursor, e);
        }
        if (cursor < horizonEnd) stretches.push([cursor, horizonEnd]);
        for (const [a, b] of stretches) if (a < t1 && b > T0) gaps.push((b - Math.max(a, T0)) / MIN);
        expect(c.maxRevisitGapMin).toBeCloseTo(gaps.length ? Math.max(...gaps) : 0, 9);
        expect(c.meanRevisitGapMin).toBeCloseTo(gaps.length ? mean(gaps) : 0, 9);
      }),
      { numRuns: 120 },
    );
  });
});
