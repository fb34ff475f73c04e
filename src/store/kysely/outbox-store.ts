import { sql, type Kysely } from 'kysely';
import type { OutboxEvent, OutboxStore, PendingEvent } from '../../core/ports/outbox-store.js';
import type { StoreDatabase } from '../store-schema.js';
import type { ClusterTables } from './cluster-tables.js';
import { asBuffer } from '../row-mapping.js';
import { UNIQUE_EVENT_ID_PREDICATE } from '../outbox-unique-ids.js';

/** Rows per insert (4 parameters each) and seqs per update: well under both backends' parameter limits. */
const ROWS_PER_QUERY = 500;

/** The transactional outbox (migration 12), the same statements on both backends. */
export class KyselyOutboxStore implements OutboxStore {
  private readonly db: Kysely<ClusterTables>;

  constructor(db: Kysely<StoreDatabase>) {
    this.db = db as unknown as Kysely<ClusterTables>;
  }

  async append(events: readonly OutboxEvent[], at: number): Promise<void> {
    for (let i = 0; i < events.length; i += ROWS_PER_QUERY) {
      const rows = events
        .slice(i, i + ROWS_PER_QUERY)
        .map((e) => ({ event_id: e.id, subject: e.subject, data: asBuffer(e.data), created_at: at }));
      await this.db
        .insertInto('outbox')
        .values(rows)
        .onConflict((oc) => oc.column('event_id').where(sql.raw<boolean>(UNIQUE_EVENT_ID_PREDICATE)).doNothing())
        .execute();
    }
  }

  async pending(limit: number, afterSeq?: number): Promise<PendingEvent[]> {
    let q = this.db
      .selectFrom('outbox')
      .select(['seq', 'event_id', 'subject', 'data', 'created_at'])
      .where('published_at', 'is', null);
    if (afterSeq !== undefined) q = q.where('seq', '>', afterSeq);
    const rows = await q.orderBy('seq').limit(limit).execute();
    return rows.map((r) => ({
      seq: Number(r.seq),
      id: r.event_id,
      subject: r.subject,
      data: new Uint8Array(r.data),
      createdAt: Number(r.created_at),
    }));
  }

  async markPublished(seqs: readonly number[], at: number): Promise<void> {
    for (let i = 0; i < seqs.length; i += ROWS_PER_QUERY) {
      await this.db
        .updateTable('outbox')
        .set({ published_at: at })
        .where('seq', 'in', seqs.slice(i, i + ROWS_PER_QUERY))
        .execute();
    }
  }

  async lag(): Promise<{ pending: number; oldestAt: number | null }> {
    const r = await this.db
      .selectFrom('outbox')
      .where('published_at', 'is', null)
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('oldest')])
      .executeTakeFirstOrThrow();
    return { pending: Number(r.n), oldestAt: r.oldest === null ? null : Number(r.oldest) };
  }

  async prune(before: number): Promise<number> {
    // The newest row stays: SQLite numbers a new row after the highest left, and an emptied table
    // would hand out seqs below the relay's cursor (found only at its next full rescan).
    const r = await this.db
      .deleteFrom('outbox')
      .where('published_at', 'is not', null)
      .where('published_at', '<', before)
      .where('seq', '<', (eb) => eb.selectFrom('outbox').select((e) => e.fn.max('seq').as('m')))
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
