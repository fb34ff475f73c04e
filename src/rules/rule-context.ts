import type { ForecastEngine } from '../learn/engine.js';

/**
 * What the core hands the engine about a terminal and a message. Times are Unix milliseconds (UTC).
 */

/** The terminal a rule is evaluated for. */
export interface RuleTerminal {
  readonly id: string;
  readonly devEui: string;
  readonly profile: string;
  /** The terminal's payload codec (jt808, sl651, user:<id>, …); absent when it has none. */
  readonly codec?: string;
  /** When given, a rule of another tenant never applies (a cheap guard against a routing slip). */
  readonly tenantId?: string;
  /** The registered position of a fixed terminal, degrees; a geofence falls back to it. */
  readonly location?: { readonly lat: number; readonly lon: number };
}

/** Reception metadata a condition can read as `meta.<name>`; the core may add more. */
export interface MessageMeta {
  readonly fPort?: number | null;
  readonly rssi?: number | null;
  readonly snr?: number | null;
  readonly satelliteId?: string;
  readonly stationId?: string;
  /** capturedAt → first accepted copy, seconds. */
  readonly uplinkLatencyS?: number;
  readonly [name: string]: unknown;
}

export interface RuleMessage {
  readonly id: string;
  /** When the satellite captured the frame: the event time rules reason in, not the arrival time. */
  readonly capturedAt: number;
  /** The codec's output; null when the terminal has no codec or decoding failed (decoded fields are then unknown). */
  readonly decoded: object | null;
  readonly meta: MessageMeta;
}

export interface MessageContext {
  readonly terminal: RuleTerminal;
  readonly message: RuleMessage;
  /** The numerical engine forecast conditions run on (absent: they are unknown). */
  readonly engine?: ForecastEngine;
}
