import { sql, type Kysely } from 'kysely';
import type { Lease, LeaseStore } from '../../core/ports/lease-store.js';
import type { StoreDatabase } from '../store-schema.js';
import type { ClusterTables } from './cluster-tables.js';
import type { StoreCapabilities } from '../store-capabilities.js';
import { storeNow } from './store-clock.js';

type LeaseRow = ClusterTables['leases'];

/**
 * Leases (migration 12) as one conditional upsert: the row changes hands only when it is free or
 * expired on the store's clock, and the database's row lock decides between two nodes asking at once.
 */
export class KyselyLeaseStore implements LeaseStore {
  private readonly db: Kysely<ClusterTables>;

  constructor(
    db: Kysely<StoreDatabase>,
    private readonly caps: StoreCapabilities,
  ) {
    this.db = db as unknown as Kysely<ClusterTables>;
  }

  async acquire(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    const now = storeNow(this.caps);
    const ttl = Math.max(1, Math.round(ttlMs));
    // SET expressions read the row as it was; `excluded.acquired_at` is now. Kept by its holder
    // (renewed before expiry): same epoch and acquired_at; taken over: epoch + 1.
    const r = await sql<LeaseRow>`
      INSERT INTO leases (name, holder, epoch, acquired_at, expires_at) VALUES (${name}, ${holder}, 1, ${now}, ${now} + ${ttl})
      ON CONFLICT (name) DO UPDATE SET
        epoch = CASE WHEN leases.holder = excluded.holder AND leases.expires_at > excluded.acquired_at THEN leases.epoch ELSE leases.epoch + 1 END,
        acquired_at = CASE WHEN leases.holder = excluded.holder AND leases.expires_at > excluded.acquired_at THEN leases.acquired_at ELSE excluded.acquired_at END,
        holder = excluded.holder,
        expires_at = excluded.expires_at
      WHERE leases.holder = excluded.holder OR leases.expires_at <= excluded.acquired_at
      RETURNING name, holder, epoch, acquired_at, expires_at`.execute(this.db);
    const row = r.rows[0];
    return row && toLease(row);
  }

  async release(name: string, holder: string): Promise<void> {
    // Expired rather than deleted: the epoch keeps counting.
    await sql`UPDATE leases SET expires_at = ${storeNow(this.caps)} - 1 WHERE name = ${name} AND holder = ${holder}`.execute(
      this.db,
    );
  }

  async list(): Promise<Lease[]> {
    return (await this.db.selectFrom('leases').selectAll().orderBy('name').execute()).map(toLease);
  }

  async now(): Promise<number> {
    const r = await sql<{ now: number }>`SELECT ${storeNow(this.caps)} AS now`.execute(this.db);
    return Number(r.rows[0]!.now);
  }
}

function toLease(r: LeaseRow): Lease {
  return {
    name: r.name,
    holder: r.holder,
    epoch: Number(r.epoch),
    acquiredAt: Number(r.acquired_at),
    expiresAt: Number(r.expires_at),
  };
}
