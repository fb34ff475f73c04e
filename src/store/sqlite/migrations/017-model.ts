import type { Migration } from '../../migration.js';

/**
 * Migration 17 in SQLite's dialect: learned models, versioned per series (tenant, subject, kind,
 * field) with their parameters and training window (docs/intelligence.md), and the model each
 * decision names. PostgreSQL's 017-model.ts is the same schema.
 */
export const SQLITE_MODEL_MIGRATION: Migration = {
  version: 17,
  name: 'learned models: versioned, with parameters and training window; the model behind each decision',
  sql: `
    CREATE TABLE learned_models (
      id TEXT PRIMARY KEY,
      tenant_id TEXT NOT NULL REFERENCES tenants (id),
      subject TEXT NOT NULL,
      kind TEXT NOT NULL,
      field TEXT NOT NULL,
      version INTEGER NOT NULL,
      params TEXT NOT NULL,
      trained_from INTEGER NOT NULL,
      trained_to INTEGER NOT NULL,
      observations INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      UNIQUE (tenant_id, subject, kind, field, version)
    ) STRICT;
    CREATE INDEX learned_models_tenant_created_idx ON learned_models (tenant_id, created_at DESC, id DESC);
    CREATE INDEX learned_models_created_idx ON learned_models (created_at DESC, id DESC);
    ALTER TABLE decisions ADD COLUMN model_id TEXT;
  `,
};
