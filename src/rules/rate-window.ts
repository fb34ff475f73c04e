import { type Truth, truthOf } from './truth.js';

/**
 * The samples a rate condition keeps for one terminal: [capturedAt ms, value], oldest first.
 * Store-and-forward delivers out of order, so samples are inserted by capture time, never
 * appended; a late sample fills its place and the window never runs backwards.
 *
 * Kept: samples no older than two windows before the newest (so a message up to one window late
 * still finds its whole window), at most MAX_RATE_SAMPLES of them, the newest. `horizon` is the
 * newest capture time of any sample no longer held (dropped, or refused as too old); a late
 * evaluation whose window reaches back to it is unknown rather than computed from part of the data.
 * What is held depends only on the set of samples seen, not on their arrival order.
 */
export interface RateWindow {
  readonly samples: readonly Sample[];
  readonly horizon: number | null;
}

export type Sample = readonly [t: number, v: number];

export const MAX_RATE_SAMPLES = 256;

export const EMPTY_RATE_WINDOW: RateWindow = { samples: [], horizon: null };

/**
 * The window with one more sample. Two samples with the same capture time are one reading: the larger value is kept.
 */
export function addSample(w: RateWindow, t: number, value: number, windowMs: number): RateWindow {
  // The window is stored as JSON, which reads −0 back as 0: keep 0 so that what is stored is what is held.
  const v = value === 0 ? 0 : value;
  const samples = [...w.samples];
  let horizon = w.horizon;
  const i = firstAtOrAfter(samples, t);
  const same = samples[i];
  if (same !== undefined && same[0] === t) samples[i] = [t, Math.max(same[1], v)];
  else samples.splice(i, 0, [t, v]);

  const keepFrom = samples[samples.length - 1]![0] - 2 * windowMs;
  let drop = firstAtOrAfter(samples, keepFrom);
  drop = Math.max(drop, samples.length - MAX_RATE_SAMPLES);
  if (drop > 0) {
    const newestDropped = samples[drop - 1]![0];
    horizon = horizon === null ? newestDropped : Math.max(horizon, newestDropped);
  }
  return { samples: samples.slice(drop), horizon };
}

export interface RateResult {
  readonly truth: Truth;
  /** Oldest sample in the window and the current one, when there are two. */
  readonly from?: Sample;
  readonly to?: Sample;
  /** to − from, in the field's units. */
  readonly change?: number;
  /** The samples of the window [t − window, t]. */
  readonly samples: readonly Sample[];
}

/**
 * The rate condition as of capture time `t` (the sample just added). Unknown when the window holds
 * fewer than two samples (no baseline to measure a change from) or, for a late sample, when part
 * of its window was already dropped.
 */
export function rateAt(
  w: RateWindow,
  t: number,
  windowMs: number,
  limits: { rise?: number; fall?: number },
): RateResult {
  const newest = w.samples[w.samples.length - 1];
  if (newest === undefined) return { truth: 'unknown', samples: [] };
  if (t < newest[0] && w.horizon !== null && w.horizon >= t - windowMs) return { truth: 'unknown', samples: [] };
  const samples = w.samples.slice(firstAtOrAfter(w.samples, t - windowMs), firstAtOrAfter(w.samples, t, true));
  const from = samples[0],
    to = samples[samples.length - 1];
  if (from === undefined || to === undefined || samples.length < 2 || to[0] !== t) return { truth: 'unknown', samples };
  const change = to[1] - from[1];
  const rose = limits.rise !== undefined && change >= limits.rise;
  const fell = limits.fall !== undefined && -change >= limits.fall;
  return { truth: truthOf(rose || fell), from, to, change, samples };
}

/**
 * Index of the first sample captured at or after t (strictly after with `after`); binary search, samples are sorted.
 */
function firstAtOrAfter(samples: readonly Sample[], t: number, after = false): number {
  let lo = 0,
    hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const m = samples[mid]![0];
    if (m < t || (after && m === t)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
