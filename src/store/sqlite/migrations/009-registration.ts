import type { Migration } from '../../migration.js';

/**
 * SQLite migration 9: terminal registration (src/store/kysely/registration-store.ts). Terminals get
 * their lifecycle state (`approved` for every existing one: they were admitted before review
 * existed; `enabled` keeps its meaning, the owner's switch) with the last change's reason, author
 * and time; declarations go to their own table, the identity number sealed by the key vault.
 */
export const SQLITE_REGISTRATION_MIGRATION: Migration = {
  version: 9,
  name: 'terminal registration',
  sql: `
    ALTER TABLE terminals ADD COLUMN status TEXT NOT NULL DEFAULT 'approved' CHECK (status IN ('pending', 'approved', 'suspended', 'retired'));
    ALTER TABLE terminals ADD COLUMN status_reason TEXT;
    ALTER TABLE terminals ADD COLUMN status_by TEXT;
    ALTER TABLE terminals ADD COLUMN status_at INTEGER;
    CREATE INDEX terminals_status_idx ON terminals (status, created_at, id);
    CREATE TABLE terminal_registrations (
      terminal_id TEXT NOT NULL PRIMARY KEY,
      tenant_id TEXT NOT NULL,
      owner_kind TEXT NOT NULL CHECK (owner_kind IN ('organisation', 'person')),
      owner_name TEXT NOT NULL,
      id_type TEXT NOT NULL,
      id_number_sealed TEXT NOT NULL,
      id_number_masked TEXT NOT NULL,
      sector TEXT NOT NULL,
      mobility TEXT NOT NULL CHECK (mobility IN ('fixed', 'mobile')),
      region TEXT,
      expected_messages_per_day REAL NOT NULL,
      hardware_id TEXT NOT NULL UNIQUE,
      imei TEXT UNIQUE,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX terminal_registrations_tenant_idx ON terminal_registrations (tenant_id);
  `,
};
