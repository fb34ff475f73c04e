import type { MonitoredAnomalyKind } from '../core/ports/anomaly-store.js';
import { distanceKm } from '../solutions/logistics/track.js';
import { median } from '../learn/stats.js';
import { distanceToPolygonKm, footprintRadiusKm, type LatLon, type PolygonLike } from './anomaly-geometry.js';

/**
 * The detectors: pure functions over an observation and the state kept for its subject. Each
 * returns a finding (kind, score in [0, 1], evidence) or nothing; the monitor keeps the state,
 * applies the cooldown and the policy's response.
 *
 * Scores: 0.5 at the threshold, growing linearly with how far past it the observation is,
 * capped at 1 (twice the threshold, or certainty such as a fixed terminal 10 km away).
 */
export interface Finding {
  readonly kind: MonitoredAnomalyKind;
  readonly score: number;
  readonly evidence: Record<string, unknown>;
}

const clamp01 = (x: number): number => Math.max(0, Math.min(1, x));
export const scoreOf = (observed: number, threshold: number): number =>
  clamp01((0.5 * observed) / Math.max(threshold, 1e-9));
const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Timestamps inside a sliding window (a list kept short: at most `cap` entries). */
export function slide(times: readonly number[], at: number, windowMs: number, cap = 1000): number[] {
  const kept = times.filter((t) => t > at - windowMs && t <= at + windowMs);
  kept.push(at);
  return kept.slice(-cap);
}

/** Repeated counters (REPLAYED_COUNTER rejections) or MIC failures: `threshold` within the window. */
export function countFinding(
  kind: 'replay' | 'mic-failures',
  times: readonly number[],
  threshold: number,
  windowMs: number,
  evidence: Record<string, unknown>,
): Finding | undefined {
  if (times.length < threshold) return undefined;
  return {
    kind,
    score: scoreOf(times.length, threshold),
    evidence: { ...evidence, count: times.length, windowMinutes: round(windowMs / 60_000, 1), threshold },
  };
}

export interface Fix extends LatLon {
  readonly at: number;
}

/**
 * Impossible movement between two successive fixes: a fixed terminal further than its tolerance
 * from where it was, or a mobile one faster than its profile allows (`maxSpeedKmh` 0: fixed).
 */
export function movementFinding(
  prev: Fix,
  next: Fix,
  o: { maxSpeedKmh: number; fixedToleranceKm: number; minDistanceKm: number; profile: string },
): Finding | undefined {
  const d = distanceKm(prev, next);
  const hours = Math.abs(next.at - prev.at) / 3_600_000;
  const evidence = {
    from: { lat: prev.lat, lon: prev.lon, at: new Date(prev.at).toISOString() },
    to: { lat: next.lat, lon: next.lon, at: new Date(next.at).toISOString() },
    distanceKm: round(d),
    profile: o.profile,
  };
  if (o.maxSpeedKmh <= 0) {
    return d > o.fixedToleranceKm
      ? {
          kind: 'impossible-movement',
          score: scoreOf(d, o.fixedToleranceKm * 5),
          evidence: { ...evidence, fixed: true, toleranceKm: o.fixedToleranceKm },
        }
      : undefined;
  }
  if (d < o.minDistanceKm) return undefined;
  const speed = hours > 0 ? d / hours : Infinity;
  if (speed <= o.maxSpeedKmh) return undefined;
  return {
    kind: 'impossible-movement',
    score: scoreOf(speed, o.maxSpeedKmh),
    evidence: { ...evidence, speedKmh: Number.isFinite(speed) ? round(speed, 1) : null, maxSpeedKmh: o.maxSpeedKmh },
  };
}

/** A reported position outside the declared region by more than the margin. */
export function positionRegionFinding(p: Fix, region: PolygonLike, marginKm: number): Finding | undefined {
  const d = distanceToPolygonKm(p, region);
  if (d <= marginKm) return undefined;
  return {
    kind: 'outside-region',
    score: clamp01(0.5 + d / (4 * Math.max(marginKm, 1))),
    evidence: {
      source: 'position',
      position: { lat: p.lat, lon: p.lon },
      at: new Date(p.at).toISOString(),
      distanceKm: round(d, 1),
      marginKm,
    },
  };
}

/**
 * No position in the payload: the satellite that captured the frame could only hear terminals in its
 * footprint, so a footprint that misses the declared region (by more than the margin) places the
 * terminal outside it.
 */
export function footprintRegionFinding(
  ssp: LatLon & { altKm: number },
  at: number,
  satelliteId: string,
  region: PolygonLike,
  o: { marginKm: number; minElevationDeg: number },
): Finding | undefined {
  const radius = footprintRadiusKm(ssp.altKm, o.minElevationDeg);
  const d = distanceToPolygonKm(ssp, region);
  const gap = d - radius;
  if (gap <= o.marginKm) return undefined;
  return {
    kind: 'outside-region',
    score: clamp01(0.5 + gap / (4 * Math.max(radius, 1))),
    evidence: {
      source: 'satellite-footprint',
      satelliteId,
      at: new Date(at).toISOString(),
      subSatellitePoint: { lat: round(ssp.lat), lon: round(ssp.lon) },
      footprintRadiusKm: round(radius, 1),
      regionDistanceKm: round(d, 1),
      marginKm: o.marginKm,
    },
  };
}

/** Days of its own history after which a terminal's learned rate alone sets its limit. */
export const RATE_BASELINE_DAYS = 7;

/**
 * Messages over the last 24 h far above what is usual for this terminal (emergencies are not
 * counted). The limit starts as the declared rate × `factor` (a prior every new terminal shares)
 * and moves, day by day of its own history (`dailyCounts`, complete days, newest last; at least 3),
 * to its learned limit: the median day + the larger of 4 robust sigmas and half the median + 3 —
 * fully so after RATE_BASELINE_DAYS days. A terminal that declared 24 a day and sends 5 is judged by 5.
 */
export function rateFinding(
  countLast24h: number,
  expectedPerDay: number,
  o: { factor: number; minMessages: number },
  dailyCounts: readonly number[] = [],
): Finding | undefined {
  const declared = Math.max(o.factor * expectedPerDay, o.minMessages);
  let limit = declared;
  let baseline: Record<string, number> | undefined;
  if (dailyCounts.length >= 3) {
    const m = median(dailyCounts);
    const spread = 1.4826 * median(dailyCounts.map((c) => Math.abs(c - m)));
    const learned = Math.max(o.minMessages, m + Math.max(4 * spread, 0.5 * m + 3));
    const weight = Math.min(1, dailyCounts.length / RATE_BASELINE_DAYS);
    limit = (1 - weight) * declared + weight * learned;
    baseline = { days: dailyCounts.length, medianPerDay: m, learnedLimit: round(learned, 1), weight: round(weight, 2) };
  }
  if (countLast24h <= limit) return undefined;
  return {
    kind: 'rate-excess',
    score: scoreOf(countLast24h, limit),
    evidence: {
      messagesLast24h: countLast24h,
      expectedPerDay,
      factor: o.factor,
      limit: round(limit, 1),
      ...(baseline ? { baseline } : {}),
    },
  };
}

/**
 * A station handing in frames relayed by a satellite it could not see at the claimed downlink time:
 * the best elevation over [first − skew, last + skew] stays below the threshold.
 */
export function contactFinding(
  bestElevationDeg: number,
  o: { stationId: string; satelliteId: string; first: number; last: number; frames: number; minElevationDeg: number },
): Finding | undefined {
  if (bestElevationDeg >= o.minElevationDeg) return undefined;
  // Below the horizon by 10° or more: certain (score 1); just below the threshold: 0.5.
  return {
    kind: 'station-out-of-contact',
    score: clamp01(0.5 + (o.minElevationDeg - bestElevationDeg) / 20),
    evidence: {
      stationId: o.stationId,
      satelliteId: o.satelliteId,
      downlinkedFrom: new Date(o.first).toISOString(),
      downlinkedTo: new Date(o.last).toISOString(),
      frames: o.frames,
      bestElevationDeg: round(bestElevationDeg, 2),
      minElevationDeg: o.minElevationDeg,
    },
  };
}

/** Whether a decoded payload is an emergency (JT/T 808 SOS bit, or a codec's `emergency: true`). */
export function isEmergency(decoded: unknown): boolean {
  if (decoded === null || typeof decoded !== 'object') return false;
  const d = decoded as { emergency?: unknown; alarm?: { emergency?: unknown }; priority?: unknown };
  return d.emergency === true || d.alarm?.emergency === true || d.priority === 'emergency';
}
