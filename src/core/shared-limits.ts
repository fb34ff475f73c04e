import type { LimitStore } from './ports/limit-store.js';

/**
 * The rate limits and lock-outs the API's limiter shares with the other nodes: it counts hits and
 * locks sources out; pruning expired windows is the core's retention work, under its lease.
 */
export type SharedLimits = Pick<LimitStore, 'hit' | 'lock' | 'lockedUntil'>;
