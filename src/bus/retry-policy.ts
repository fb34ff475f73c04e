import { SatiotError } from '../errors/satiot-error.js';

/**
 * What happens when a handler throws: the message is delivered again after a delay that doubles
 * with each failure (baseDelayMs, 2×, 4×, … capped at maxDelayMs) until it has been delivered
 * maxAttempts times in all; then it is given up and recorded as a dead letter. While a message
 * waits for its redelivery, later messages of the same subject wait behind it (order is kept).
 */
export interface RetryPolicy {
  /** Deliveries in all, the first included (JetStream `max_deliver`). Default 5. */
  readonly maxAttempts: number;
  /** Delay before the first redelivery. Default 50 ms. */
  readonly baseDelayMs: number;
  /** Longest delay between two deliveries. Default 5 s. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 5_000 };

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const p = { ...DEFAULT_RETRY_POLICY, ...overrides };
  const ok = Number.isInteger(p.maxAttempts) && p.maxAttempts >= 1 && p.maxAttempts <= 1_000
    && Number.isFinite(p.baseDelayMs) && p.baseDelayMs >= 0
    && Number.isFinite(p.maxDelayMs) && p.maxDelayMs >= p.baseDelayMs;
  if (!ok) throw new SatiotError('INVALID_ARGUMENT', 'retry policy: maxAttempts 1–1000, 0 ≤ baseDelayMs ≤ maxDelayMs', { ...p });
  return p;
}

/** The delay before the next delivery, after `failedDeliveries` (≥ 1) failed ones. */
export function retryDelayMs(policy: RetryPolicy, failedDeliveries: number): number {
  const exp = Math.min(Math.max(failedDeliveries - 1, 0), 30);
  return Math.min(policy.baseDelayMs * 2 ** exp, policy.maxDelayMs);
}
