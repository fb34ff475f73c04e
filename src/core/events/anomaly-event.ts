import type { Anomaly } from '../ports/anomaly-store.js';

/** An anomaly alert as published on `satiot.anomaly.<kind>`: the stored anomaly, its times as ISO 8601. */
export type AnomalyEvent = Omit<Anomaly, 'observedAt' | 'detectedAt'> & {
  readonly observedAt: string;
  readonly detectedAt: string;
};

export const anomalyEventId = (anomalyId: string): string => `anomaly:${anomalyId}`;
