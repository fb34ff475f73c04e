import type { Migration } from '../../migration.js';

/** Migration 17 in PostgreSQL's dialect: the schema of SQLite's 017-model.ts (see there). */
export const POSTGRES_MODEL_MIGRATION: Migration = {
  version: 17,
  name: 'learned models: versioned, with parameters and training window; the model behind each decision',
  sql: `
    CREATE TABLE learned_models (
      id text COLLATE "C" PRIMARY KEY,
      tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id),
      subject text COLLATE "C" NOT NULL,
      kind text COLLATE "C" NOT NULL,
      field text COLLATE "C" NOT NULL,
      version integer NOT NULL,
      params text NOT NULL,
      trained_from bigint NOT NULL,
      trained_to bigint NOT NULL,
      observations integer NOT NULL,
      created_at bigint NOT NULL,
      UNIQUE (tenant_id, subject, kind, field, version)
    );
    CREATE INDEX learned_models_tenant_created_idx ON learned_models (tenant_id, created_at DESC, id DESC);
    CREATE INDEX learned_models_created_idx ON learned_models (created_at DESC, id DESC);
    ALTER TABLE decisions ADD COLUMN model_id text COLLATE "C";
  `,
};
