import { SatiotError } from '../errors/satiot-error.js';

/**
 * What happens when a handler throws: the message is delivered again after a delay that doubles
 * with each failure (baseDelayMs, 2×, 4×, … capped at maxDelayMs) until it has been delivered
 * maxAttempts times in all; then it is given up and recorded as a dead letter. While a message
 * waits for its redelivery, later messages of the same subject wait behind it (order is kept).
 *
 * The default rides out what a cluster meets on a bad day — a database failover, a NATS restart,
 * a receiver down for a quarter of an hour: 12 deliveries 1 s, 2 s, 4 s … 5 min apart, about
 * 18.5 minutes from the first to the last.
 */
export interface RetryPolicy {
  /** Deliveries in all, the first included. Default 12. */
  readonly maxAttempts: number;
  /** Delay before the first redelivery. Default 1 s. */
  readonly baseDelayMs: number;
  /** Longest delay between two deliveries. Default 5 min. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 12, baseDelayMs: 1_000, maxDelayMs: 300_000 };

/** Time from the first delivery to the last under `policy` (the sum of its delays), ms. */
export function retrySpanMs(policy: RetryPolicy): number {
  let total = 0;
  for (let n = 1; n < policy.maxAttempts; n++) total += retryDelayMs(policy, n);
  return total;
}

/**
 * The default policy's delays, with as many deliveries as it takes for the last one to come at
 * least `spanMs` after the first (`satiot serve --retry-for`).
 */
export function retryPolicyFor(spanMs: number, base: Partial<RetryPolicy> = {}): RetryPolicy {
  const p = retryPolicy({ ...base, maxAttempts: 1 });
  let attempts = 1;
  while (retrySpanMs({ ...p, maxAttempts: attempts }) < spanMs && attempts < 1_000) attempts++;
  return retryPolicy({ ...p, maxAttempts: attempts });
}

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const p = { ...DEFAULT_RETRY_POLICY, ...overrides };
  const ok =
    Number.isInteger(p.maxAttempts) &&
    p.maxAttempts >= 1 &&
    p.maxAttempts <= 1_000 &&
    Number.isFinite(p.baseDelayMs) &&
    p.baseDelayMs >= 0 &&
    Number.isFinite(p.maxDelayMs) &&
    p.maxDelayMs >= p.baseDelayMs;
  if (!ok)
    throw new SatiotError('INVALID_ARGUMENT', 'retry policy: maxAttempts 1–1000, 0 ≤ baseDelayMs ≤ maxDelayMs', {
      ...p,
    });
  return p;
}

/** The delay before the next delivery, after `failedDeliveries` (≥ 1) failed ones. */
export function retryDelayMs(policy: RetryPolicy, failedDeliveries: number): number {
  const exp = Math.min(Math.max(failedDeliveries - 1, 0), 30);
  return Math.min(policy.baseDelayMs * 2 ** exp, policy.maxDelayMs);
}
