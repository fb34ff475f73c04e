import type { Migration } from '../../migration.js';

/**
 * Migration 3 in SQLite's dialect: a terminal's payload codec, decoded messages and tenants' own
 * codec scripts.
 */
export const SQLITE_PAYLOAD_CODECS_MIGRATION: Migration = {
  version: 3,
  name: 'payload codecs and decoded messages',
  sql: `
      ALTER TABLE terminals ADD COLUMN codec TEXT;

      -- Kept apart from messages: the ingest insert stays as narrow as it was, and a decode
      -- (after ingest, possibly again on redelivery) is an upsert of its own row.
      CREATE TABLE message_decodes (
        message_seq INTEGER NOT NULL PRIMARY KEY REFERENCES messages (seq),
        codec TEXT NOT NULL,
        decoded TEXT,
        error_code TEXT,
        error_message TEXT,
        decoded_at INTEGER NOT NULL,
        CHECK ((decoded IS NULL) <> (error_code IS NULL))
      ) STRICT;

      CREATE TABLE user_codecs (
        id TEXT NOT NULL PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants (id),
        name TEXT NOT NULL,
        script TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (tenant_id, name)
      ) STRICT;
    `,
};
