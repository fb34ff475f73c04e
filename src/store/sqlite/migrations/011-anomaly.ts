import type { Migration } from '../../migration.js';

/** SQLite migration 11: detected anomalies (src/store/kysely/anomaly-store.ts); evidence is JSON text. */
export const SQLITE_ANOMALY_MIGRATION: Migration = {
  version: 11,
  name: 'anomalies',
  sql: `
    CREATE TABLE anomalies (
      id TEXT NOT NULL PRIMARY KEY,
      kind TEXT NOT NULL,
      subject_kind TEXT NOT NULL CHECK (subject_kind IN ('terminal', 'station')),
      subject_id TEXT NOT NULL,
      tenant_id TEXT,
      score REAL NOT NULL,
      evidence TEXT NOT NULL,
      observed_at INTEGER NOT NULL,
      detected_at INTEGER NOT NULL,
      response TEXT NOT NULL CHECK (response IN ('record', 'alert', 'suspend'))
    ) STRICT;
    CREATE INDEX anomalies_detected_idx ON anomalies (detected_at, id);
    CREATE INDEX anomalies_tenant_idx ON anomalies (tenant_id, detected_at, id);
    CREATE INDEX anomalies_subject_idx ON anomalies (subject_id, detected_at);
  `,
};
