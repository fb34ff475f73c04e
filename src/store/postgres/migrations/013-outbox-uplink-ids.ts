import type { Migration } from '../../migration.js';
import { UNIQUE_EVENT_ID_PREDICATE } from '../../outbox-unique-ids.js';

/** Migration 13 in PostgreSQL's dialect (SQLite's 013-outbox-uplink-ids.ts; store/outbox-unique-ids.ts says why). */
export const POSTGRES_OUTBOX_UPLINK_IDS_MIGRATION: Migration = {
  version: 13,
  name: 'outbox: uplink event ids not indexed twice',
  sql: `
    ALTER TABLE outbox DROP CONSTRAINT outbox_event_id_key;
    CREATE UNIQUE INDEX outbox_event_id_key ON outbox (event_id) WHERE ${UNIQUE_EVENT_ID_PREDICATE};
  `,
};
