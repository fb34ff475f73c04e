import type { Migration } from '../../migration.js';

/**
 * SQLite migration 10: the hash-chained audit log (src/store/kysely/audit-store.ts). `seq` is the
 * record's place in the chain, assigned by the writer under the write lock (not AUTOINCREMENT: a
 * gap must stay visible to the verifier). `audit_head` is the chain's end, one row; its seq and
 * hash move in the same transaction as the records.
 */
export const SQLITE_AUDIT_MIGRATION: Migration = {
  version: 10,
  name: 'audit log',
  sql: `
    CREATE TABLE audit_log (
      seq INTEGER NOT NULL PRIMARY KEY,
      at INTEGER NOT NULL,
      actor_kind TEXT NOT NULL,
      actor_id TEXT,
      actor_role TEXT,
      actor_tenant_id TEXT,
      action TEXT NOT NULL,
      target_kind TEXT,
      target_id TEXT,
      target_tenant_id TEXT,
      outcome TEXT NOT NULL,
      details TEXT,
      source_ip TEXT,
      tenant_id TEXT,
      alg TEXT NOT NULL,
      hash TEXT NOT NULL
    ) STRICT;
    CREATE INDEX audit_log_at_idx ON audit_log (at);
    CREATE INDEX audit_log_tenant_idx ON audit_log (tenant_id, seq);

    CREATE TABLE audit_checkpoints (
      seq INTEGER NOT NULL PRIMARY KEY,
      hash TEXT NOT NULL,
      at INTEGER NOT NULL,
      key_id TEXT NOT NULL,
      sig_alg TEXT NOT NULL,
      signature TEXT NOT NULL
    ) STRICT;
    CREATE INDEX audit_checkpoints_at_idx ON audit_checkpoints (at);

    CREATE TABLE audit_head (
      id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
      seq INTEGER NOT NULL,
      hash TEXT NOT NULL
    ) STRICT;
    INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '${'0'.repeat(64)}');
  `,
};
