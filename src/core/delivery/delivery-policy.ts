import { SatiotError } from '../../errors/satiot-error.js';

/**
 * How deliveries to webhooks and MQTT brokers are attempted. A failed attempt is tried again after
 * a delay that doubles (baseDelayMs, 2×, 4×, … capped at maxDelayMs) until maxAttempts attempts were
 * made; then the delivery has failed. An integration whose deliveries fail disableAfterFailures
 * times in a row (no success between) is disabled, with the reason recorded.
 */
export interface DeliveryPolicy {
  /** Attempts per delivery, the first included. Default 10 (about 8.5 minutes of retries with the default delays). */
  readonly maxAttempts: number;
  /** Delay before the second attempt, ms. Default 1 s. */
  readonly baseDelayMs: number;
  /** Longest delay between two attempts, ms. Default 5 minutes. */
  readonly maxDelayMs: number;
  /** One attempt's time limit, ms (connect, send and answer). Default 10 s. */
  readonly timeoutMs: number;
  /** Consecutive failed deliveries that disable an integration. Default 10. */
  readonly disableAfterFailures: number;
  /** Deliveries in flight at once over all integrations of a kind, per node. Default 32. */
  readonly concurrency: number;
  /** Deliveries in flight at once to one integration, per node (order is not kept above 1). Default 4. */
  readonly concurrencyPerIntegration: number;
  /** How often due deliveries (retries, a crashed node's leases) are looked for, ms. Default 1 s. */
  readonly pollMs: number;
  /**
   * Deliveries of one integration a worker loop claims at once, attempts one after the other and
   * logs in one transaction. Default 64 (1 claims one at a time).
   */
  readonly claimBatch: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 1_000,
  maxDelayMs: 300_000,
  timeoutMs: 10_000,
  disableAfterFailures: 10,
  concurrency: 32,
  concurrencyPerIntegration: 4,
  pollMs: 1_000,
  claimBatch: 64,
};

/** The default policy with `overrides`, checked (INVALID_ARGUMENT when out of range). */
export function deliveryPolicy(overrides: Partial<DeliveryPolicy> = {}): DeliveryPolicy {
  const p = { ...DEFAULT_DELIVERY_POLICY, ...overrides };
  const positiveInt = (n: number, max: number) => Number.isInteger(n) && n >= 1 && n <= max;
  const ok =
    positiveInt(p.maxAttempts, 100) &&
    positiveInt(p.disableAfterFailures, 10_000) &&
    positiveInt(p.concurrency, 1_000) &&
    positiveInt(p.concurrencyPerIntegration, p.concurrency) &&
    positiveInt(p.claimBatch, 1_000) &&
    Number.isFinite(p.baseDelayMs) &&
    p.baseDelayMs >= 0 &&
    Number.isFinite(p.maxDelayMs) &&
    p.maxDelayMs >= p.baseDelayMs &&
    Number.isFinite(p.timeoutMs) &&
    p.timeoutMs > 0 &&
    Number.isFinite(p.pollMs) &&
    p.pollMs > 0;
  if (!ok) throw new SatiotError('INVALID_ARGUMENT', 'delivery policy out of range', { ...p });
  return p;
}

/** The delay before the next attempt after `failedAttempts` (≥ 1) failed ones, ms. */
export function backoffMs(policy: DeliveryPolicy, failedAttempts: number): number {
  const exp = Math.min(Math.max(failedAttempts - 1, 0), 30);
  return Math.min(policy.baseDelayMs * 2 ** exp, policy.maxDelayMs);
}

/**
 * How long a claimed delivery stays reserved for the node attempting it, ms: one attempt's time
 * limit plus 30 s. A node that dies mid-attempt leaves the delivery to be claimed again after it.
 */
export function leaseMs(policy: DeliveryPolicy): number {
  return policy.timeoutMs + 30_000;
}
