import type { Kysely } from 'kysely';
import type { InboxStore } from '../core/ports/inbox-store.js';
import type { StoreDatabase } from './store-schema.js';
import type { ClusterTables } from './cluster-tables.js';

/** Consumers' inboxes (migration 12): one row per (consumer, event) handled. */
export class KyselyInboxStore implements InboxStore {
  private readonly db: Kysely<ClusterTables>;

  constructor(db: Kysely<StoreDatabase>) {
    this.db = db as unknown as Kysely<ClusterTables>;
  }

  async claim(consumer: string, eventId: string, at: number): Promise<boolean> {
    const row = await this.db.insertInto('consumer_inbox').values({ consumer, event_id: eventId, processed_at: at })
      .onConflict((oc) => oc.columns(['consumer', 'event_id']).doNothing()).returning('consumer').executeTakeFirst();
    return row !== undefined;
  }

  async prune(before: number): Promise<number> {
    const r = await this.db.deleteFrom('consumer_inbox').where('processed_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
