import type { Migration } from '../../migration.js';

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
