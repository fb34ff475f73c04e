/** An anomaly alert as published on `satiot.anomaly.<kind>` (the stored anomaly, times as ISO 8601). */
export interface AnomalyEvent {
  readonly id: string;
  readonly kind: string;
  readonly subject: { readonly kind: 'terminal' | 'station'; readonly id: string };
  readonly tenantId?: string;
  readonly score: number;
  readonly evidence: Record<string, unknown>;
  readonly observedAt: string;
  readonly detectedAt: string;
  readonly response: string;
}

export const anomalyEventId = (anomalyId: string): string => `anomaly:${anomalyId}`;
