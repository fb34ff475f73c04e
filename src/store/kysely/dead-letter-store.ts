import type { Kysely, Selectable } from 'kysely';
import type { DeadLetterQuery, DeadLetterRecord, DeadLetterStore } from '../../core/ports/dead-letter-store.js';
import type { Page } from '../../core/ports/page.js';
import type { StoreDatabase } from '../store-schema.js';
import type { ClusterTables } from './cluster-tables.js';
import { checkLimit, decodeCursor, encodeCursor } from './page-cursor.js';
import { asBuffer } from '../row-mapping.js';

/** Dead letters (migration 12), the same statements on both backends. */
export class KyselyDeadLetterStore implements DeadLetterStore {
  private readonly db: Kysely<ClusterTables>;

  constructor(db: Kysely<StoreDatabase>) {
    this.db = db as unknown as Kysely<ClusterTables>;
  }

  async add(d: Omit<DeadLetterRecord, 'replays' | 'replayedAt' | 'lastReplayError' | 'resolvedAt'>): Promise<void> {
    await this.db
      .insertInto('dead_letters')
      .values({
        id: d.id,
        consumer: d.consumer,
        subject: d.subject,
        event_id: d.eventId,
        data: asBuffer(d.data),
        attempts: d.attempts,
        error: d.error.slice(0, 2000),
        failed_at: d.failedAt,
        replays: 0,
        replayed_at: null,
        last_replay_error: null,
        resolved_at: null,
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          attempts: eb.ref('excluded.attempts'),
          error: eb.ref('excluded.error'),
          failed_at: eb.ref('excluded.failed_at'),
          resolved_at: null,
        })),
      )
      .execute();
  }

  async get(id: string): Promise<DeadLetterRecord | undefined> {
    const r = await this.db.selectFrom('dead_letters').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toDeadLetter(r);
  }

  async list(q: DeadLetterQuery): Promise<Page<DeadLetterRecord>> {
    checkLimit(q.limit);
    let query = this.db.selectFrom('dead_letters').selectAll();
    if (q.consumer !== undefined) query = query.where('consumer', '=', q.consumer);
    if (q.state === 'open') query = query.where('resolved_at', 'is', null);
    else if (q.state === 'resolved') query = query.where('resolved_at', 'is not', null);
    if (q.cursor !== undefined) {
      const c = decodeCursor('dead-letters', q.cursor);
      query = query.where((eb) => eb(eb.refTuple('failed_at', 'id'), '<', eb.tuple(c.at, c.id)));
    }
    const rows = await query
      .orderBy('failed_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute();
    const items = rows.slice(0, q.limit).map(toDeadLetter);
    const last = items[items.length - 1];
    return rows.length > q.limit && last
      ? { items, nextCursor: encodeCursor('dead-letters', { at: last.failedAt, id: last.id }) }
      : { items };
  }

  async recordReplay(id: string, at: number, error: string | null): Promise<void> {
    await this.db
      .updateTable('dead_letters')
      .set((eb) => ({
        replays: eb('replays', '+', 1),
        replayed_at: at,
        last_replay_error: error === null ? null : error.slice(0, 2000),
        resolved_at: error === null ? at : null,
      }))
      .where('id', '=', id)
      .execute();
  }

  async countOpen(): Promise<number> {
    const r = await this.db
      .selectFrom('dead_letters')
      .where('resolved_at', 'is', null)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}

function toDeadLetter(r: Selectable<ClusterTables['dead_letters']>): DeadLetterRecord {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    id: r.id,
    consumer: r.consumer,
    subject: r.subject,
    eventId: r.event_id,
    data: new Uint8Array(r.data),
    attempts: Number(r.attempts),
    error: r.error,
    failedAt: Number(r.failed_at),
    replays: Number(r.replays),
    replayedAt: n(r.replayed_at),
    lastReplayError: r.last_replay_error,
    resolvedAt: n(r.resolved_at),
  };
}
