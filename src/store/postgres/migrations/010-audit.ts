import type { Migration } from '../../migration.js';

/**
 * PostgreSQL migration 10: the hash-chained audit log (as SQLite's). Several core nodes append to
 * one chain: each locks the `audit_head` row (`FOR UPDATE`) and reads it in the transaction that
 * writes its records, so appends are serialised by the database. `action` sorts bytewise ("C"):
 * a listing's action prefix is a range on it.
 */
export const POSTGRES_AUDIT_MIGRATION: Migration = {
  version: 10,
  name: 'audit log',
  sql: `
    CREATE TABLE audit_log (
      seq bigint NOT NULL,
      at bigint NOT NULL,
      actor_kind text NOT NULL,
      actor_id text,
      actor_role text,
      actor_tenant_id text COLLATE "C",
      action text COLLATE "C" NOT NULL,
      target_kind text,
      target_id text,
      target_tenant_id text COLLATE "C",
      outcome text NOT NULL,
      details text,
      source_ip text,
      tenant_id text COLLATE "C",
      alg text NOT NULL,
      hash text NOT NULL,
      CONSTRAINT audit_log_pkey PRIMARY KEY (seq)
    );
    CREATE INDEX audit_log_at_idx ON audit_log (at);
    CREATE INDEX audit_log_tenant_idx ON audit_log (tenant_id, seq);

    CREATE TABLE audit_checkpoints (
      seq bigint NOT NULL,
      hash text NOT NULL,
      at bigint NOT NULL,
      key_id text NOT NULL,
      sig_alg text NOT NULL,
      signature text NOT NULL,
      CONSTRAINT audit_checkpoints_pkey PRIMARY KEY (seq)
    );
    CREATE INDEX audit_checkpoints_at_idx ON audit_checkpoints (at);

    CREATE TABLE audit_head (
      id integer NOT NULL CHECK (id = 1),
      seq bigint NOT NULL,
      hash text NOT NULL,
      CONSTRAINT audit_head_pkey PRIMARY KEY (id)
    );
    INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '${'0'.repeat(64)}');
  `,
};
