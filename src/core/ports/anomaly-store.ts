import type { Page } from './page.js';

/** The kinds the anomaly monitor finds (src/supervision), each with its policy. */
export type MonitoredAnomalyKind =
  'replay' | 'mic-failures' | 'impossible-movement' | 'outside-region' | 'rate-excess' | 'station-out-of-contact';
export const MONITORED_ANOMALY_KINDS: readonly MonitoredAnomalyKind[] = [
  'replay',
  'mic-failures',
  'impossible-movement',
  'outside-region',
  'rate-excess',
  'station-out-of-contact',
];
/**
 * Every kind: the monitor's, and `emergency-excess`, raised by the core's emergency budget
 * (src/core/emergency-budget.ts), always an alert.
 */
export type AnomalyKind = MonitoredAnomalyKind | 'emergency-excess';
export const ANOMALY_KINDS: readonly AnomalyKind[] = [...MONITORED_ANOMALY_KINDS, 'emergency-excess'];

/** What the policy did about an anomaly. */
export type AnomalyResponse = 'record' | 'alert' | 'suspend';

/** One detected anomaly: who, what, how sure (score) and why (evidence). */
export interface Anomaly {
  readonly id: string;
  readonly kind: AnomalyKind;
  readonly subject: { readonly kind: 'terminal' | 'station'; readonly id: string };
  /** The terminal's tenant; absent for station anomalies. */
  readonly tenantId?: string;
  /** 0 (barely) to 1 (certain). */
  readonly score: number;
  /** JSON-safe facts behind the finding (counts, times, positions, speeds); never keys or payloads. */
  readonly evidence: Record<string, unknown>;
  /** When the observed behaviour happened (event time), Unix ms. */
  readonly observedAt: number;
  /** When it was detected, Unix ms. */
  readonly detectedAt: number;
  readonly response: AnomalyResponse;
}

export interface AnomalyQuery {
  readonly tenantId?: string;
  readonly kind?: AnomalyKind;
  readonly subjectId?: string;
  readonly from?: number;
  readonly to?: number;
  readonly limit: number;
  readonly cursor?: string;
}

export interface AnomalyStore {
  save(a: Anomaly): Promise<void>;
  /** Newest detected first. */
  list(q: AnomalyQuery): Promise<Page<Anomaly>>;
}

/** What the edges get of the anomaly store: findings are saved only by the monitor, with their events. */
export type AnomalyReader = Pick<AnomalyStore, 'list'>;
