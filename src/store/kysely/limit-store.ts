import { sql, type Kysely } from 'kysely';
import type { LimitStore } from '../../core/ports/limit-store.js';
import type { StoreDatabase } from '../store-schema.js';
import type { ClusterTables } from './cluster-tables.js';

/** Shared rate-limit windows and lock-outs (migration 12): one upsert per hit. */
export class KyselyLimitStore implements LimitStore {
  private readonly db: Kysely<ClusterTables>;

  constructor(db: Kysely<StoreDatabase>) {
    this.db = db as unknown as Kysely<ClusterTables>;
  }

  async hit(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }> {
    const start = Math.floor(now / windowMs) * windowMs;
    const r = await sql<{ count: number; window_start: number }>`
      INSERT INTO limit_counters (key, window_start, count) VALUES (${key}, ${start}, 1)
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN limit_counters.window_start = excluded.window_start THEN limit_counters.count + 1 ELSE 1 END,
        window_start = excluded.window_start
      RETURNING count, window_start`.execute(this.db);
    const row = r.rows[0]!;
    return { count: Number(row.count), resetAt: Number(row.window_start) + windowMs };
  }

  async lock(source: string, until: number): Promise<void> {
    await sql`INSERT INTO lockouts (source, until) VALUES (${source}, ${until})
      ON CONFLICT (source) DO UPDATE SET until = CASE WHEN lockouts.until > excluded.until THEN lockouts.until ELSE excluded.until END`.execute(
      this.db,
    );
  }

  async lockedUntil(source: string): Promise<number | undefined> {
    const r = await this.db.selectFrom('lockouts').select('until').where('source', '=', source).executeTakeFirst();
    return r === undefined ? undefined : Number(r.until);
  }

  async prune(before: number): Promise<number> {
    const a = await this.db.deleteFrom('lockouts').where('until', '<', before).executeTakeFirst();
    // A window is over once its start is older than the longest window in use (one hour is ample).
    const b = await this.db
      .deleteFrom('limit_counters')
      .where('window_start', '<', before - 3_600_000)
      .executeTakeFirst();
    return Number(a.numDeletedRows) + Number(b.numDeletedRows);
  }
}
