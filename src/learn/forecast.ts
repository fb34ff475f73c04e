import { SatiotError } from '../errors/satiot-error.js';
import type { Band, ForecastEngine } from './engine.js';
import { checkValues, MAX_GAP_STEPS, regularize, type Series } from './series.js';
import { fitTide } from './tide.js';
import { detectAnomalies } from './anomaly.js';

const DAY_MS = 86_400_000;
/** Fewest observations a forecast is made from (the engine's AutoETS needs seven). */
const MIN_OBSERVATIONS = 7;

/** An engine failure on data it cannot fit, as the stable SERIES_INVALID. */
function guarded<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof SatiotError) throw e;
    throw new SatiotError(
      'SERIES_INVALID',
      `the series cannot be forecast: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/** Cycles of the main period the seasonal average of the combination spans. */
const COMBINE_CYCLES = 3;
/** Most steps ahead one forecast gives. */
export const MAX_HORIZON = 10_000;

export interface ForecastPoint {
  readonly t: number;
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
}

/** What a forecast was made with: enough to make it again and to say why it says what it says. */
export interface ModelInfo {
  readonly kind: 'mstl-ets+seasonal-average' | 'mstl-ets' | 'ets';
  /** Seasonal periods, in steps. */
  readonly periods: readonly number[];
  readonly stepMs: number;
  /** The training window. */
  readonly trainedFrom: number;
  readonly trainedTo: number;
  readonly observations: number;
  /** Values set to their expectation before the fit (anomalies scored 1). */
  readonly replaced: number;
  readonly level: number;
  /** Tidal constituents taken out before the seasonal model and put back into the forecast: amplitude of each. */
  readonly tide?: Readonly<Record<string, number>>;
  /** Where the interval comes from: the model's own assumptions, or its errors on the span before the end. */
  readonly interval: 'model' | 'backtest';
}

export interface SeriesForecast {
  readonly points: readonly ForecastPoint[];
  readonly model: ModelInfo;
}

/**
 * The seasonal periods to model (in steps of `stepMs`), strongest first, each fitting twice in the
 * series as MSTL needs: the day when the step divides it (water levels, conductor temperatures and
 * traffic all follow the sun), and the periods the engine finds — only those shorter than the day
 * when the day is modelled (a tide), since a long period the periodogram reports beside a daily
 * cycle is most often its noise, and a wrong season does more harm than a missing one.
 */
export function choosePeriods(y: readonly number[], stepMs: number, engine: ForecastEngine): number[] {
  const n = y.length;
  const out: number[] = [];
  const add = (p: number) => {
    if (Number.isInteger(p) && p >= 2 && 2 * p <= n && !out.some((q) => Math.abs(q - p) <= Math.max(1, q * 0.05)))
      out.push(p);
  };
  const day = stepMs > 0 && DAY_MS % stepMs === 0 && 2 * (DAY_MS / stepMs) <= n ? DAY_MS / stepMs : undefined;
  if (day !== undefined) add(day);
  for (const p of engine.seasonalities(y)) if (day === undefined || p < day) add(p);
  return out.slice(0, 3);
}

/**
 * The next `horizon` values of a series at its own spacing, with a `level` prediction interval:
 * MSTL (seasonal periods from choosePeriods) with an AutoETS trend, or AutoETS alone when no
 * period fits twice. Gaps are filled with the value before them first (regularize).
 */
export function forecastSeries(
  s: Series,
  horizon: number,
  engine: ForecastEngine,
  opts: { level?: number; periods?: readonly number[]; tide?: boolean } = {},
): SeriesForecast {
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > MAX_HORIZON)
    throw new SatiotError('INVALID_ARGUMENT', `horizon must be 1..${MAX_HORIZON} steps, got ${horizon}`);
  const level = opts.level ?? 0.8;
  if (!(level > 0 && level < 1))
    throw new SatiotError('INVALID_ARGUMENT', `level must lie between 0 and 1, got ${level}`);
  checkValues(s.y);
  const r = regularize(s);
  if (r.observed.filter(Boolean).length < MIN_OBSERVATIONS || r.stepMs <= 0) {
    throw new SatiotError(
      'SERIES_INVALID',
      `a forecast needs at least ${MIN_OBSERVATIONS} observations at distinct times in its latest stretch ` +
        `(no gap over ${MAX_GAP_STEPS} steps)`,
    );
  }
  const times = r.y.map((_, i) => r.start + i * r.stepMs);
  // A faulty reading (a dropout to 0, a spike) would be learned as part of the season: values that
  // score 1 as anomalies are set to what their neighbours expect first.
  const wild = new Map(detectAnomalies({ t: times, y: r.y }, { threshold: 1 }).anomalies.map((a) => [a.t, a.expected]));
  const y1 = wild.size > 0 ? r.y.map((v, i) => wild.get(times[i]!) ?? v) : r.y;
  // A tidal level: the constituents are fitted, taken out, and put back into the forecast.
  const tide = opts.tide === false ? undefined : fitTide(times, y1);
  const y0 = tide ? y1.map((v, i) => v - tide.at(times[i]!)) : y1;
  const periods = opts.periods ?? choosePeriods(y0, r.stepMs, engine);
  const last = r.start + (r.y.length - 1) * r.stepMs;
  const main = periods[0];
  const combine = main !== undefined && r.y.length >= COMBINE_CYCLES * main + main;
  const kind: ModelInfo['kind'] = periods.length === 0 ? 'ets' : combine ? 'mstl-ets+seasonal-average' : 'mstl-ets';
  const run = (y: readonly number[], h: number): Band => {
    if (periods.length === 0 || !periods.every((p) => 2 * p <= y.length)) return engine.ets(y, h, level);
    const f = engine.mstl(y, periods, h, level).forecast;
    if (!combine || y.length < COMBINE_CYCLES * main!) return f;
    // The mean of two forecasts that err differently (MSTL follows change, the seasonal average
    // smooths noise): a forecast combination, more accurate than either on the evaluation's series.
    const avg = seasonalAverage(y, main!, h, COMBINE_CYCLES);
    return { point: f.point.map((v, k) => (v + avg[k]!) / 2), lower: f.lower, upper: f.upper };
  };
  const band = guarded(() => run(y0, horizon));
  // The interval from the model's own errors on the span just before the end (split-conformal): the
  // model fitted without the last `horizon` steps (at most a quarter of the series) forecasts them,
  // and the `level` quantile of its absolute errors is the interval's half-width — so the band is as
  // wide as the model's real misses, not as its assumptions say. Too short a series keeps the model's own band.
  const hold = Math.min(horizon, Math.floor(r.y.length / 4));
  let halfWidth: number | undefined;
  if (hold >= 5) {
    const past = guarded(() => run(y0.slice(0, y0.length - hold), hold)).point;
    const errors = past.map((p, k) => Math.abs(y0[y0.length - hold + k]! - p)).sort((a, b) => a - b);
    halfWidth = errors[Math.min(errors.length - 1, Math.ceil(level * (errors.length + 1)) - 1)];
  }
  // Beyond the span the backtest saw, the misses grow as a random walk's would: the half-width by √(k / hold).
  const points = band.point.map((v, k) => {
    const t = last + (k + 1) * r.stepMs,
      add = tide ? tide.at(t) : 0,
      value = v + add;
    const hw = halfWidth === undefined ? undefined : halfWidth * Math.sqrt(Math.max(1, (k + 1) / hold));
    return {
      t,
      value,
      lower: hw === undefined ? band.lower[k]! + add : value - hw,
      upper: hw === undefined ? band.upper[k]! + add : value + hw,
    };
  });
  return {
    points,
    model: {
      kind,
      periods,
      ...(tide ? { tide: tide.amplitudes } : {}),
      stepMs: r.stepMs,
      trainedFrom: r.start,
      trainedTo: last,
      observations: s.t.length,
      replaced: wild.size,
      level,
      interval: halfWidth === undefined ? 'model' : 'backtest',
    },
  };
}

/**
 * The seasonal-average forecast: each phase's mean over the last `cycles` cycles of `period`, moved
 * to the level of the last cycle.
 */
export function seasonalAverage(y: readonly number[], period: number, horizon: number, cycles: number): number[] {
  const n = y.length,
    c = Math.min(cycles, Math.floor(n / period));
  const profile = Array.from({ length: period }, (_, p) => {
    let sum = 0;
    for (let k = 1; k <= c; k++) sum += y[n - k * period + p]!;
    return sum / c;
  });
  let last = 0,
    mean = 0;
  for (let p = 0; p < period; p++) {
    last += y[n - period + p]!;
    mean += profile[p]!;
  }
  const shift = (last - mean) / period;
  return Array.from({ length: horizon }, (_, k) => profile[k % period]! + shift);
}
