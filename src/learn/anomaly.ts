import { mean, median, robustSigma, std } from './stats.js';
import { regularize, type Series } from './series.js';

/** One observation judged against what its series leads one to expect. */
export interface ScoredPoint {
  readonly t: number;
  readonly value: number;
  /** What the series' neighbourhood leads one to expect here, and the band outside which a value scores above the flag level. */
  readonly expected: number;
  readonly lower: number;
  readonly upper: number;
  /** 0 (as expected) … 1 (far outside anything the series does). */
  readonly score: number;
  /** Why it scored: a value off its neighbourhood, or a reading stuck for longer than the series ever holds still. */
  readonly reason: 'deviation' | 'flatline';
}

export interface AnomalyResult {
  readonly points: readonly ScoredPoint[];
  readonly anomalies: readonly ScoredPoint[];
  readonly model: {
    readonly kind: 'local-median';
    /** Neighbours each side a value is compared with. */
    readonly neighbours: number;
    /** Robust scale of the deviations (MAD × 1.4826), in the series' unit. */
    readonly sigma: number;
    /** Repeats of one value from which a run is a stuck sensor. */
    readonly flatlineRun: number;
    readonly threshold: number;
  };
}

/** Robust sigmas of deviation at which a score starts to rise, and at which it reaches 1. */
const Z_FLOOR = 2;
const Z_FULL = 6;
/** Neighbours on each side: short enough that a daily cycle, a tide or a flood wave is smooth over them. */
const NEIGHBOURS = 2;
/** A run of one repeated value shorter than this is never a stuck sensor. */
const MIN_FLATLINE = 3;

/** A deviation in robust sigmas as a score in [0, 1]: 0 up to 2 σ, rising linearly to 1 at 6 σ (0.5 at 4 σ). */
export function scoreOf(z: number): number {
  return Math.min(1, Math.max(0, (Math.abs(z) - Z_FLOOR) / (Z_FULL - Z_FLOOR)));
}

/** The robust z at which the score is `s` (the band's half-width in σ). */
const zAt = (s: number) => Z_FLOOR + s * (Z_FULL - Z_FLOOR);

/**
 * Scores every observation of a series, with its evidence:
 * - a **deviation** from what its neighbourhood expects — the median of the NEIGHBOURS values on
 *   each side, made again once values 6 σ out are set to theirs (a Hampel filter): smooth shapes of any period (a daily cycle, a 12.42 h tide, a flood
 *   wave) pass, a spike, a dropout or the edge of a shift does not — in robust sigmas of all the
 *   series' deviations (MAD), mapped by scoreOf;
 * - a **flatline**: a value repeated for longer than twice the longest run the series shows in
 *   its other 99 % of runs (at least MIN_FLATLINE): a stuck sensor, scored 1.
 * `threshold` (default 0.5: 4 σ) separates anomalies. The neighbourhood is two-sided: scored as
 * values arrive, a value's score is final NEIGHBOURS steps later.
 */
export function detectAnomalies(s: Series, opts: { threshold?: number } = {}): AnomalyResult {
  const threshold = opts.threshold ?? 0.5;
  const r = regularize(s);
  const y = r.y, n = y.length;
  const expectedFrom = (v: readonly number[]) => v.map((_, i) => {
    if (i >= NEIGHBOURS && i < n - NEIGHBOURS) {
      const around: number[] = [];
      for (let k = -NEIGHBOURS; k <= NEIGHBOURS; k++) if (k !== 0) around.push(v[i + k]!);
      return median(around);
    }
    // At either end the neighbours lie on one side: a median would lag a rising or falling series,
    // so the 2·NEIGHBOURS values before it (after it, at the start) are extended to it along their
    // Theil–Sen slope — values from one side only, so the newest value never judges the one before.
    const idx: number[] = [];
    if (i < NEIGHBOURS) for (let j = i + 1; j <= i + 2 * NEIGHBOURS && j < n; j++) idx.push(j);
    else for (let j = Math.max(0, i - 2 * NEIGHBOURS); j < i; j++) idx.push(j);
    return theilSenAt(idx, v, i);
  });
  const scaleOf = (d: readonly number[]) => robustSigma(d) || std(d) || Math.abs(mean(y)) * 1e-6 || 1e-9;
  // Two passes: values that are clearly wild (6 σ and more) are replaced by what their neighbours
  // expect before the expectations are made again, so a spike does not pull its neighbours' too.
  const first = expectedFrom(y);
  const firstDev = y.map((v, i) => v - first[i]!);
  const firstSigma = scaleOf(firstDev);
  // Only values judged from both sides are replaced: an end value's one-sided expectation may itself
  // rest on a wild value, and replacing a sound reading with it would spread the damage.
  const cleaned = y.map((v, i) => (i >= NEIGHBOURS && i < n - NEIGHBOURS && Math.abs(firstDev[i]!) / firstSigma >= Z_FULL ? first[i]! : v));
  const expected = cleaned.some((v, i) => v !== y[i]) ? expectedFrom(cleaned) : first;
  const dev = y.map((v, i) => v - expected[i]!);
  const center = median(dev);
  // A perfectly regular series has MAD 0: fall back to the plain deviation, and never divide by 0.
  const sigma = scaleOf(dev);
  // The ends are extrapolated from one side, which errs more than a median from both: their scale is
  // that of the same one-sided forecast made for every value of the series from the ones before it.
  const w = 2 * NEIGHBOURS;
  const oneSided: number[] = [];
  for (let i = w; i < n; i++) oneSided.push(cleaned[i]! - theilSenAt(Array.from({ length: w }, (_, k) => i - w + k), cleaned, i));
  const endSigma = oneSided.length >= 4 ? Math.max(sigma, scaleOf(oneSided)) : sigma;
  const scaleAt = (i: number) => (i < NEIGHBOURS || i >= n - NEIGHBOURS ? endSigma : sigma);
  // Runs of repeats among the observed values only: the grid's filled gaps repeat by construction.
  const observedAt = r.observed.flatMap((o, i) => (o ? [i] : []));
  const flat = flatlines(observedAt.map((i) => y[i]!));
  const stuckAt = new Set(observedAt.filter((_, k) => flat.stuck[k]));
  const points: ScoredPoint[] = [];
  for (let i = 0; i < n; i++) {
    if (!r.observed[i]) continue;
    const e = expected[i]! + center, sd = scaleAt(i), half = zAt(threshold) * sd;
    const deviation = scoreOf((y[i]! - e) / sd);
    const stuck = stuckAt.has(i) ? 1 : 0;
    points.push({ t: r.start + i * r.stepMs, value: y[i]!, expected: e, lower: e - half, upper: e + half, score: Math.max(deviation, stuck), reason: stuck > deviation ? 'flatline' : 'deviation' });
  }
  return {
    points, anomalies: points.filter((p) => p.score >= threshold),
    model: { kind: 'local-median', neighbours: NEIGHBOURS, sigma, flatlineRun: flat.minRun, threshold },
  };
}

/** Where the Theil–Sen line through the points (j, y[j]) of `idx` passes at x: the median slope of all pairs, then the median intercept. */
function theilSenAt(idx: readonly number[], y: readonly number[], x: number): number {
  if (idx.length === 0) return y[x]!;
  const slopes: number[] = [];
  for (let a = 0; a < idx.length; a++) for (let b = a + 1; b < idx.length; b++) slopes.push((y[idx[b]!]! - y[idx[a]!]!) / (idx[b]! - idx[a]!));
  const m = slopes.length ? median(slopes) : 0;
  return median(idx.map((j) => y[j]! + m * (x - j)));
}

/**
 * Runs of one repeated value longer than the series' own habit: a sensor that quantises (water level
 * to the centimetre) repeats values all the time, so the bar is twice the 99th percentile of its run
 * lengths, and at least MIN_FLATLINE.
 */
export function flatlines(y: readonly number[]): { stuck: boolean[]; minRun: number } {
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < y.length;) {
    let j = i;
    while (j + 1 < y.length && y[j + 1] === y[i]) j++;
    runs.push([i, j]);
    i = j + 1;
  }
  const lengths = runs.map(([a, b]) => b - a + 1).sort((a, b) => a - b);
  const q99 = lengths[Math.floor((lengths.length - 1) * 0.99)] ?? 1;
  const minRun = Math.max(MIN_FLATLINE, 2 * q99);
  const stuck = new Array<boolean>(y.length).fill(false);
  for (const [a, b] of runs) if (b - a + 1 >= minRun) for (let k = a; k <= b; k++) stuck[k] = true;
  return { stuck, minRun };
}

/**
 * The baseline detector the evaluation compares against: a value more than `z` standard deviations
 * from the mean of the `window` values before it (a rolling z-score, as hand-set thresholds are).
 */
export function rollingZScore(y: readonly number[], window: number, z = 3): boolean[] {
  return y.map((v, i) => {
    if (i < Math.max(3, Math.min(window, 8))) return false;
    const prev = y.slice(Math.max(0, i - window), i);
    const sd = std(prev);
    return sd > 0 && Math.abs(v - mean(prev)) / sd > z;
  });
}
