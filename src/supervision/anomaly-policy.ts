import type { MonitoredAnomalyKind, AnomalyResponse } from '../core/ports/anomaly-store.js';
import type { TerminalProfile } from '../core/model.js';

/**
 * What the monitor does about each kind of anomaly, and when it counts as one. The response is
 * taken once the finding is recorded: `record` keeps it (and audits it); `alert` also publishes
 * `satiot.anomaly.<kind>` on the bus; `suspend` also suspends the terminal through
 * core.registration (never a station, never on a terminal whose recent traffic carried an
 * emergency: those get an alert instead).
 */
export interface AnomalyPolicy {
  readonly replay: { readonly response: AnomalyResponse; readonly threshold: number; readonly windowMs: number };
  readonly 'mic-failures': {
    readonly response: AnomalyResponse;
    readonly threshold: number;
    readonly windowMs: number;
  };
  readonly 'impossible-movement': {
    readonly response: AnomalyResponse;
    /** Largest plausible speed per profile, km/h. */
    readonly maxSpeedKmh: Readonly<Record<TerminalProfile, number>>;
    /** A fixed terminal may seem to move this far (GNSS scatter), km. */
    readonly fixedToleranceKm: number;
    /** Moves shorter than this are never judged on speed (fix scatter over seconds), km. */
    readonly minDistanceKm: number;
  };
  readonly 'outside-region': {
    readonly response: AnomalyResponse;
    /** Tolerance around the declared region, km. */
    readonly marginKm: number;
    /** Lowest elevation a terminal reaches a satellite at (footprint check), degrees. */
    readonly minElevationDeg: number;
  };
  readonly 'rate-excess': {
    readonly response: AnomalyResponse;
    /** Anomalous above this multiple of the declared messages per day (over the last 24 h)… */
    readonly factor: number;
    /** …and above this many messages in 24 h. */
    readonly minMessages: number;
  };
  readonly 'station-out-of-contact': {
    readonly response: AnomalyResponse;
    /** A station hears a satellite from this elevation on (below 0: allows for refraction and low masks), degrees. */
    readonly minElevationDeg: number;
    /** Clock tolerance on downlinkedAt, ms (the satellite is checked over ± this). */
    readonly skewMs: number;
  };
  /** One finding per (subject, kind) in this long, ms (default 1 h): evidence accumulates, alerts do not flood. */
  readonly cooldownMs: number;
}

export const DEFAULT_ANOMALY_POLICY: AnomalyPolicy = {
  replay: { response: 'alert', threshold: 3, windowMs: 3_600_000 },
  'mic-failures': { response: 'alert', threshold: 5, windowMs: 600_000 },
  'impossible-movement': {
    response: 'alert',
    maxSpeedKmh: { 'fixed-collector': 0, wearable: 350, handheld: 350, vehicle: 250, vessel: 100, aircraft: 1100 },
    fixedToleranceKm: 1,
    minDistanceKm: 0.5,
  },
  'outside-region': { response: 'record', marginKm: 25, minElevationDeg: 0 },
  'rate-excess': { response: 'alert', factor: 10, minMessages: 48 },
  'station-out-of-contact': { response: 'alert', minElevationDeg: -2, skewMs: 120_000 },
  cooldownMs: 3_600_000,
};

/** A policy with some kinds changed (deep-merged per kind). */
export function anomalyPolicy(
  overrides: { readonly [K in MonitoredAnomalyKind]?: Partial<AnomalyPolicy[K]> } & { cooldownMs?: number } = {},
): AnomalyPolicy {
  const out: Record<string, unknown> = { ...DEFAULT_ANOMALY_POLICY };
  for (const [k, v] of Object.entries(overrides)) {
    out[k] =
      typeof v === 'object' && v !== null
        ? { ...(DEFAULT_ANOMALY_POLICY as unknown as Record<string, object>)[k], ...v }
        : v;
  }
  return out as unknown as AnomalyPolicy;
}
