import type { Migration } from '../migration.js';

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

/** PostgreSQL migration 11: detected anomalies; evidence is JSON text. */
export const POSTGRES_ANOMALY_MIGRATION: Migration = {
  version: 11,
  name: 'anomalies',
  sql: `
    CREATE TABLE anomalies (
      id text COLLATE "C" NOT NULL,
      kind text NOT NULL,
      subject_kind text NOT NULL CHECK (subject_kind IN ('terminal', 'station')),
      subject_id text COLLATE "C" NOT NULL,
      tenant_id text COLLATE "C",
      score double precision NOT NULL,
      evidence text NOT NULL,
      observed_at bigint NOT NULL,
      detected_at bigint NOT NULL,
      response text NOT NULL CHECK (response IN ('record', 'alert', 'suspend')),
      CONSTRAINT anomalies_pkey PRIMARY KEY (id)
    );
    CREATE INDEX anomalies_detected_idx ON anomalies (detected_at, id);
    CREATE INDEX anomalies_tenant_idx ON anomalies (tenant_id, detected_at, id);
    CREATE INDEX anomalies_subject_idx ON anomalies (subject_id, detected_at);
  `,
};
