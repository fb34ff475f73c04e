import { mean, median, robustSigma, std } from './stats.js';
import { checkValues, type Series } from './series.js';

/** One observation judged against what its series leads one to expect. */
export interface ScoredPoint {
  readonly t: number;
  readonly value: number;
  /**
   * What the series' neighbourhood leads one to expect here, and the band outside which a value scores above the flag
   * level.
   */
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
/**
 * Steps each side of the wider neighbourhood a value must also be wild against to be cleaned, and how wild (robust
 * sigmas).
 */
const WIDE = 6;
const Z_WIDE = 4;
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
 * each side, made again once values 6 σ out (and wild against a wider neighbourhood) are set to theirs (a Hampel
 * filter): smooth shapes of any period (a daily cycle, a 12.42 h tide, a flood
 *   wave) pass, a spike, a dropout or the edge of a shift does not — in robust sigmas of all the
 *   series' deviations (MAD), mapped by scoreOf;
 * - a **flatline**: a value repeated for longer than twice the longest run the series shows in
 *   its other 99 % of runs (at least MIN_FLATLINE): a stuck sensor, scored 1.
 * `threshold` (default 0.5: 4 σ) separates anomalies; `flatlines: false` leaves out the second kind, for
 * a series whose normal state is a repeated value (a network signal such as a terminal's intervals). The neighbourhood
 * is two-sided: scored as values arrive, a value's score is final NEIGHBOURS steps later.
 */
export function detectAnomalies(s: Series, opts: { threshold?: number; flatlines?: boolean } = {}): AnomalyResult {
  const threshold = opts.threshold ?? 0.5;
  // The readings in time order as they came: neighbours are the readings before and after, whatever
  // the spacing (no grid: a late reading is judged as itself, and a gap costs nothing).
  const order = s.t.map((_, k) => k).sort((a, b) => s.t[a]! - s.t[b]!);
  const t = order.map((k) => s.t[k]!),
    y = order.map((k) => s.y[k]!),
    n = y.length;
  checkValues(y);
  const expectedAt = (v: readonly number[], i: number): number => {
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
  };
  // The sensor's resolution bounds the scale from below: a gauge read to the centimetre that held
  // still for days is not 6 σ out when it moves by one centimetre.
  const resolution = smallestStep(y);
  const scaleOf = (d: readonly number[]) =>
    Math.max(robustSigma(d) || std(d) || 0, resolution, Math.abs(mean(y)) * 1e-9, 1e-12);
  // Two passes: values that are clearly wild (6 σ and more) are set to what their neighbours expect
  // before the expectations are made again, so a spike does not pull its neighbours' with it. A
  // dropout throws its neighbours' expectations off too, and they are not to be "cleaned" with
  // those: a value is set only when it is also wild against its wider neighbourhood (WIDE steps each
  // side, in robust sigmas of the series' deviations from such wider medians, which bend with a daily cycle).
  // The interior first; then the end values one after the other, each from the cleaned ones before it.
  const first = y.map((_, i) => expectedAt(y, i));
  const firstDev = y.map((v, i) => v - first[i]!);
  const firstSigma = scaleOf(firstDev);
  const wideDev = y.map((v, i) => v - wideMedian(y, i));
  const wideSigma = scaleOf(wideDev);
  const wild = (i: number) =>
    Math.abs(firstDev[i]!) / firstSigma >= Z_FULL && Math.abs(wideDev[i]!) / wideSigma >= Z_WIDE;
  const cleaned = y.map((v, i) => (i >= NEIGHBOURS && i < n - NEIGHBOURS && wild(i) ? first[i]! : v));
  const w = 2 * NEIGHBOURS;
  const oneSidedDev: number[] = [];
  for (let i = w; i < n - NEIGHBOURS; i++)
    oneSidedDev.push(
      cleaned[i]! -
        theilSenAt(
          Array.from({ length: w }, (_, k) => i - w + k),
          cleaned,
          i,
        ),
    );
  const sigma0 = scaleOf(cleaned.map((v, i) => v - expectedAt(cleaned, i)));
  const endSigma = oneSidedDev.length >= 4 ? Math.max(sigma0, scaleOf(oneSidedDev)) : sigma0;
  for (let i = Math.max(NEIGHBOURS, n - NEIGHBOURS); i < n; i++) {
    const e = expectedAt(cleaned, i);
    if (Math.abs(y[i]! - e) / endSigma >= Z_FULL) cleaned[i] = e;
  }
  const expected = cleaned.map((_, i) => expectedAt(cleaned, i));
  const dev = y.map((v, i) => v - expected[i]!);
  const center = median(dev);
  const sigma = scaleOf(dev);
  const scaleAt = (i: number) => (i < NEIGHBOURS || i >= n - NEIGHBOURS ? Math.max(sigma, endSigma) : sigma);
  const flat = opts.flatlines === false ? { stuck: y.map(() => false), minRun: Infinity } : flatlines(y);
  const points: ScoredPoint[] = [];
  for (let i = 0; i < n; i++) {
    const e = expected[i]! + center,
      sd = scaleAt(i),
      half = zAt(threshold) * sd;
    const deviation = scoreOf((y[i]! - e) / sd);
    const stuck = flat.stuck[i]! ? 1 : 0;
    points.push({
      t: t[i]!,
      value: y[i]!,
      expected: e,
      lower: e - half,
      upper: e + half,
      score: Math.max(deviation, stuck),
      reason: stuck > deviation ? 'flatline' : 'deviation',
    });
  }
  return {
    points,
    anomalies: points.filter((p) => p.score >= threshold),
    model: { kind: 'local-median', neighbours: NEIGHBOURS, sigma, flatlineRun: flat.minRun, threshold },
  };
}

/** The median of the values within WIDE steps of i, i left out. */
function wideMedian(y: readonly number[], i: number): number {
  const around: number[] = [];
  for (let j = Math.max(0, i - WIDE); j <= Math.min(y.length - 1, i + WIDE); j++) if (j !== i) around.push(y[j]!);
  return around.length ? median(around) : y[i]!;
}

/** The smallest difference between two distinct values: the sensor's resolution, or 0 for a series of one value. */
function smallestStep(y: readonly number[]): number {
  const sorted = [...y].sort((a, b) => a - b);
  let best = Infinity;
  for (let k = 1; k < sorted.length; k++) {
    const d = sorted[k]! - sorted[k - 1]!;
    if (d > 0 && d < best) best = d;
  }
  return Number.isFinite(best) ? best : 0;
}

/**
 * Where the Theil–Sen line through the points (j, y[j]) of `idx` passes at x: the median slope of all pairs, then the
 * median intercept.
 */
function theilSenAt(idx: readonly number[], y: readonly number[], x: number): number {
  if (idx.length === 0) return y[x]!;
  const slopes: number[] = [];
  for (let a = 0; a < idx.length; a++)
    for (let b = a + 1; b < idx.length; b++) slopes.push((y[idx[b]!]! - y[idx[a]!]!) / (idx[b]! - idx[a]!));
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
