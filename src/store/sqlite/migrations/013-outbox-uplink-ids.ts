import type { Migration } from '../../migration.js';
import { UNIQUE_EVENT_ID_PREDICATE } from '../../outbox-unique-ids.js';

/**
 * Migration 13: the outbox's `event_id` unique for every event but messages' uplink events
 * (store/outbox-unique-ids.ts says why). SQLite cannot drop a column's UNIQUE, so the table is
 * rebuilt (its rows and `seq`s kept).
 */
export const SQLITE_OUTBOX_UPLINK_IDS_MIGRATION: Migration = {
  version: 13,
  name: 'outbox: uplink event ids not indexed twice',
  sql: `
    CREATE TABLE outbox_13 (
      seq INTEGER PRIMARY KEY,
      event_id TEXT NOT NULL,
      subject TEXT NOT NULL,
      data BLOB NOT NULL,
      created_at INTEGER NOT NULL,
      published_at INTEGER
    ) STRICT;
    INSERT INTO outbox_13 (seq, event_id, subject, data, created_at, published_at)
      SELECT seq, event_id, subject, data, created_at, published_at FROM outbox;
    DROP TABLE outbox;
    ALTER TABLE outbox_13 RENAME TO outbox;
    CREATE INDEX outbox_unpublished_idx ON outbox (seq) WHERE published_at IS NULL;
    CREATE INDEX outbox_published_idx ON outbox (published_at) WHERE published_at IS NOT NULL;
    CREATE UNIQUE INDEX outbox_event_id_idx ON outbox (event_id) WHERE ${UNIQUE_EVENT_ID_PREDICATE};
  `,
};
