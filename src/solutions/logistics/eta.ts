/**
 * When a vehicle will have covered the distance it has left, learned from its own track: how long
 * it took, anywhere in its recent history, to cover that distance — stops, slow stretches and
 * all. Pure: points in, times out (Unix ms, km).
 */
import { distanceKm as km } from './track.js';
import { quantileSorted } from '../../learn/stats.js';

/** A position report, in time order. */
export interface EtaPoint {
  readonly at: number;
  readonly lat: number;
  readonly lon: number;
}

export interface LearnedEta {
  /** Arrival: the median and the interval's bounds (Unix ms). */
  readonly lower: number;
  readonly median: number;
  readonly upper: number;
  readonly level: number;
  /** Stretches of the history that covered the distance (overlapping: one starting at each report). */
  readonly samples: number;
}

/** Fewer stretches than this: no learned ETA. */
export const MIN_ETA_SAMPLES = 5;
/** A distance covered to within this much (GNSS noise, a fix's rounding) is covered, km. */
const REACHED_KM = 0.05;

/**
 * The durations the track took to cover `distanceKm`, one starting at each report, each ending
 * where the distance is reached (interpolated between two reports). Reports out of time order or
 * at one time are skipped.
 */
export function travelTimes(track: readonly EtaPoint[], distanceKm: number): number[] {
  const pts: EtaPoint[] = [];
  for (const p of track)
    if (
      Number.isFinite(p.at) &&
      Number.isFinite(p.lat) &&
      Number.isFinite(p.lon) &&
      (pts.length === 0 || p.at > pts[pts.length - 1]!.at)
    )
      pts.push(p);
  if (pts.length < 2 || !(distanceKm > 0)) return [];
  const cum = [0];
  for (let i = 1; i < pts.length; i++) cum.push(cum[i - 1]! + km(pts[i - 1]!, pts[i]!));
  const out: number[] = [];
  let j = 1;
  for (let i = 0; i < pts.length; i++) {
    if (j <= i) j = i + 1;
    // Within REACHED_KM is reached: a fix's rounding or noise must not carry the end past a stop.
    while (j < pts.length && cum[j]! - cum[i]! < distanceKm - REACHED_KM) j++;
    if (j >= pts.length) break;
    // Between reports j−1 and j the vehicle covered the rest at that leg's pace.
    const leg = cum[j]! - cum[j - 1]!,
      need = Math.max(0, Math.min(leg, distanceKm - (cum[j - 1]! - cum[i]!)));
    const end = pts[j - 1]!.at + (leg > 0 ? (need / leg) * (pts[j]!.at - pts[j - 1]!.at) : 0);
    out.push(end - pts[i]!.at);
  }
  return out;
}

/**
 * The learned ETA from `from` (Unix ms) for `remainingKm`: the quantiles of the vehicle's own
 * travel times over that distance (`travelTimes`) at `level` (default 0.8: the 10th to the 90th
 * percentile). Null with fewer than MIN_ETA_SAMPLES stretches — a history shorter than the distance.
 */
export function learnedEta(
  track: readonly EtaPoint[],
  remainingKm: number,
  from: number,
  level = 0.8,
): LearnedEta | null {
  if (remainingKm <= 0) return { lower: from, median: from, upper: from, level, samples: 0 };
  const times = travelTimes(track, remainingKm).sort((a, b) => a - b);
  if (times.length < MIN_ETA_SAMPLES) return null;
  const q = (p: number) => quantileSorted(times, p)!;
  return {
    lower: Math.round(from + q((1 - level) / 2)),
    median: Math.round(from + q(0.5)),
    upper: Math.round(from + q((1 + level) / 2)),
    level,
    samples: times.length,
  };
}
