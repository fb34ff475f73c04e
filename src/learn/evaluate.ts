/**
 * Scores for the models on data they did not fit (docs/intelligence.md): event-level precision,
 * recall and F1 for anomaly detection over labelled windows, MASE and interval coverage for
 * forecasts.
 */

import { forecastNextMessage, naiveNextMessage, type Arrival, type ContactWindow } from './next-message.js';

export interface DetectionScore {
  readonly tp: number;
  readonly fn: number;
  readonly fp: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/**
 * Labelled windows [from, to] (step indices) against flagged steps: a window with a flag within
 * `tolerance` steps of it is found (a true positive), one without is missed; flags outside every
 * window, runs of consecutive steps counted once, are false alarms.
 */
export function scoreDetection(
  windows: ReadonlyArray<{ from: number; to: number }>,
  flagged: readonly boolean[],
  tolerance = 1,
): DetectionScore {
  const inWindow = (i: number) => windows.some((w) => i >= w.from - tolerance && i <= w.to + tolerance);
  let tp = 0;
  for (const w of windows) {
    let hit = false;
    for (let i = Math.max(0, w.from - tolerance); i <= Math.min(flagged.length - 1, w.to + tolerance) && !hit; i++)
      hit = flagged[i]!;
    if (hit) tp++;
  }
  // False alarms as events: flags outside every window, those within `tolerance` steps of each other one event.
  let fp = 0,
    lastFalse = -Infinity;
  for (let i = 0; i < flagged.length; i++) {
    if (!flagged[i] || inWindow(i)) continue;
    if (i - lastFalse > tolerance + 1) fp++;
    lastFalse = i;
  }
  return combine(tp, windows.length - tp, fp);
}

/** Scores summed over several series. */
export function sumDetection(scores: readonly DetectionScore[]): DetectionScore {
  return combine(
    scores.reduce((n, s) => n + s.tp, 0),
    scores.reduce((n, s) => n + s.fn, 0),
    scores.reduce((n, s) => n + s.fp, 0),
  );
}

function combine(tp: number, fn: number, fp: number): DetectionScore {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0,
    recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  return {
    tp,
    fn,
    fp,
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
  };
}

/**
 * Mean absolute scaled error: the forecast's mean absolute error over the test values, divided by
 * the in-sample mean absolute error of the seasonal-naive forecast (the value one `period` earlier)
 * on the training values (Hyndman & Koehler 2006). Below 1: better than seasonal-naive in sample.
 */
export function mase(
  actual: readonly number[],
  forecast: readonly number[],
  train: readonly number[],
  period: number,
): number {
  let e = 0;
  for (let i = 0; i < actual.length; i++) e += Math.abs(actual[i]! - forecast[i]!);
  let s = 0,
    n = 0;
  for (let i = period; i < train.length; i++) {
    s += Math.abs(train[i]! - train[i - period]!);
    n++;
  }
  return e / actual.length / (s / n);
}

/** The seasonal-naive forecast: each of the next `horizon` values is the value one `period` before it. */
export function seasonalNaive(train: readonly number[], period: number, horizon: number): number[] {
  return Array.from({ length: horizon }, (_, k) => train[train.length - period + (k % period)]!);
}

/** Share of actual values inside their interval. */
export function coverage(actual: readonly number[], lower: readonly number[], upper: readonly number[]): number {
  let inside = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i]! >= lower[i]! && actual[i]! <= upper[i]!) inside++;
  return actual.length ? inside / actual.length : NaN;
}

/** How next-message forecasts fared at a set of forecast times (docs/intelligence.md). */
export interface NextMessageScore {
  /** Forecast times at which a message did come later and both the model and the baseline answered. */
  readonly forecasts: number;
  /** Share of those whose next arrival fell within the model's interval. */
  readonly coverage: number;
  /** Mean absolute error of the model's median and of the baseline (ms). */
  readonly maeMs: number;
  readonly naiveMaeMs: number;
  /** Forecast times at which the model said overdue, and of those, how many had a message within the hour. */
  readonly overdue: number;
  readonly overdueWrong: number;
}

/**
 * One terminal's arrivals, forecast at each of `origins` (Unix ms) from the arrivals before it, against what came next.
 */
export function scoreNextMessage(
  history: readonly Arrival[],
  origins: readonly number[],
  contacts?: readonly ContactWindow[],
  level = 0.8,
): {
  inside: number;
  n: number;
  errors: number[];
  naiveErrors: number[];
  overdue: number;
  overdueWrong: number;
} {
  const byArrival = [...history].sort((a, b) => a.ingestedAt - b.ingestedAt);
  let inside = 0,
    n = 0,
    overdue = 0,
    overdueWrong = 0;
  const errors: number[] = [],
    naiveErrors: number[] = [];
  for (const now of origins) {
    const cut = byArrival.findIndex((a) => a.ingestedAt > now);
    if (cut <= 0) continue;
    const known = byArrival.slice(0, cut),
      actual = byArrival[cut]!.ingestedAt;
    const f = forecastNextMessage(known, now, { level, ...(contacts ? { contacts } : {}) });
    if (f.overdue) {
      overdue++;
      if (actual - now <= 3_600_000) overdueWrong++;
    }
    const naive = naiveNextMessage(known, now);
    if (!f.expected || naive === null) continue;
    n++;
    if (actual >= f.expected.lower && actual <= f.expected.upper) inside++;
    errors.push(Math.abs(f.expected.median - actual));
    naiveErrors.push(Math.abs(naive - actual));
  }
  return { inside, n, errors, naiveErrors, overdue, overdueWrong };
}
