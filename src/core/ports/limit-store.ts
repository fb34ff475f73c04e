/**
 * Rate limits and lock-outs every node shares (src/api/rate-limits.ts uses them through
 * src/core/shared-limits.ts). Counters are fixed windows: `hit` counts one request in the window
 * that `now` falls in.
 */
export interface LimitStore {
  /** Counts one hit of `key` in the window of `windowMs` holding `now`; the count so far and when the window ends. */
  hit(key: string, windowMs: number, now: number): Promise<{ readonly count: number; readonly resetAt: number }>;
  /** Locks `source` out until `until` (a later lock-out wins). */
  lock(source: string, until: number): Promise<void>;
  /** Until when `source` is locked out (ms), or undefined. */
  lockedUntil(source: string): Promise<number | undefined>;
  /** Forgets windows that ended and lock-outs that expired before `before`. */
  prune(before: number): Promise<number>;
}
