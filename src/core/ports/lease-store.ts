/** A named piece of singleton work and the node holding it. */
export interface Lease {
  readonly name: string;
  readonly holder: string;
  /** Grows by one whenever the holder changes (a fencing token). */
  readonly epoch: number;
  readonly acquiredAt: number;
  /** Unix ms on the store's clock; after it any node may take the lease. */
  readonly expiresAt: number;
}

/**
 * Leases on the store (src/core/lease-keeper.ts runs the work under them). Times are the store's own
 * clock — PostgreSQL's for several nodes — so nodes whose clocks disagree still agree on who holds
 * what. One conditional upsert decides: no consensus of our own.
 */
export interface LeaseStore {
  /**
   * Takes `name` for `holder` for `ttlMs`, or renews it when `holder` has it: the lease as it now
   * is, or undefined when another holder has it and it has not expired.
   */
  acquire(name: string, holder: string, ttlMs: number): Promise<Lease | undefined>;
  /** Gives `name` up if `holder` has it (another node may take it at once). */
  release(name: string, holder: string): Promise<void>;
  /** Every lease, held or expired, by name. */
  list(): Promise<Lease[]>;
  /** The store's clock, Unix ms (what `expiresAt` is compared with). */
  now(): Promise<number>;
}
