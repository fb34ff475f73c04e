import type { Kysely } from 'kysely';
import type { InboxStore } from '../../core/ports/inbox-store.js';
import type { StoreDatabase } from '../store-schema.js';
import type { ClusterTables } from './cluster-tables.js';

/** Rows per multi-row insert (3 parameters each). */
const ROWS_PER_INSERT = 1000;

/** Consumers' inboxes (migration 12): one row per (consumer, event) handled. */
export class KyselyInboxStore implements InboxStore {
  private readonly db: Kysely<ClusterTables>;

  constructor(db: Kysely<StoreDatabase>) {
    this.db = db as unknown as Kysely<ClusterTables>;
  }

  async claim(consumer: string, eventId: string, at: number): Promise<boolean> {
    return (await this.claimMany(consumer, [eventId], at)).has(eventId);
  }

  async claimMany(consumer: string, eventIds: readonly string[], at: number): Promise<Set<string>> {
    const ids = [...new Set(eventIds)];
    const out = new Set<string>();
    for (let i = 0; i < ids.length; i += ROWS_PER_INSERT) {
      const rows = await this.db
        .insertInto('consumer_inbox')
        .values(ids.slice(i, i + ROWS_PER_INSERT).map((event_id) => ({ consumer, event_id, processed_at: at })))
        .onConflict((oc) => oc.columns(['consumer', 'event_id']).doNothing())
        .returning('event_id')
        .execute();
      for (const r of rows) out.add(r.event_id);
    }
    return out;
  }

  async prune(before: number): Promise<number> {
    const r = await this.db.deleteFrom('consumer_inbox').where('processed_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
