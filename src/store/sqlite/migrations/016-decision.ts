import type { Migration } from '../../migration.js';

/**
 * Migration 16 in SQLite's dialect: automated decisions (docs/intelligence.md) — one per alarm whose
 * rule has an action, with its inputs, model, confidence, policy and who decided — and each tenant's
 * policy. PostgreSQL's 016-decision.ts is the same schema.
 */
export const SQLITE_DECISION_MIGRATION: Migration = {
  version: 16,
  name: 'decisions: automated decisions and the tenants policies',
  sql: `
    CREATE TABLE decisions (
      id TEXT PRIMARY KEY,
      tenant_id TEXT NOT NULL REFERENCES tenants (id),
      terminal_id TEXT NOT NULL,
      dev_eui TEXT NOT NULL,
      rule_id TEXT NOT NULL,
      alarm_id TEXT NOT NULL UNIQUE,
      action TEXT NOT NULL,
      inputs TEXT NOT NULL,
      model TEXT NOT NULL,
      confidence REAL NOT NULL,
      policy TEXT NOT NULL CHECK (policy IN ('auto', 'suggest')),
      state TEXT NOT NULL CHECK (state IN ('proposed', 'executed', 'rejected', 'undone', 'failed')),
      created_at INTEGER NOT NULL,
      decided_by TEXT,
      decided_at INTEGER,
      reason TEXT,
      undone_by TEXT,
      undone_at INTEGER,
      version INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX decisions_tenant_created_idx ON decisions (tenant_id, created_at DESC, id DESC);
    CREATE INDEX decisions_created_idx ON decisions (created_at DESC, id DESC);
    CREATE TABLE decision_policies (
      tenant_id TEXT PRIMARY KEY REFERENCES tenants (id),
      policy TEXT NOT NULL CHECK (policy IN ('auto', 'suggest')),
      updated_at INTEGER NOT NULL
    ) STRICT;
  `,
};
