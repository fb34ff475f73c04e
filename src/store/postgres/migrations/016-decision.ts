import type { Migration } from '../../migration.js';

/** Migration 16 in PostgreSQL's dialect: the schema of SQLite's 016-decision.ts (see there). */
export const POSTGRES_DECISION_MIGRATION: Migration = {
  version: 16,
  name: 'decisions: automated decisions and the tenants policies',
  sql: `
    CREATE TABLE decisions (
      id text COLLATE "C" PRIMARY KEY,
      tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id),
      terminal_id text COLLATE "C" NOT NULL,
      dev_eui text COLLATE "C" NOT NULL,
      rule_id text COLLATE "C" NOT NULL,
      alarm_id text COLLATE "C" NOT NULL UNIQUE,
      action text NOT NULL,
      inputs text NOT NULL,
      model text NOT NULL,
      confidence double precision NOT NULL,
      policy text NOT NULL CHECK (policy IN ('auto', 'suggest')),
      state text NOT NULL CHECK (state IN ('proposed', 'executed', 'rejected', 'undone', 'failed')),
      created_at bigint NOT NULL,
      decided_by text,
      decided_at bigint,
      reason text,
      undone_by text,
      undone_at bigint,
      version integer NOT NULL
    );
    CREATE INDEX decisions_tenant_created_idx ON decisions (tenant_id, created_at DESC, id DESC);
    CREATE INDEX decisions_created_idx ON decisions (created_at DESC, id DESC);
    CREATE TABLE decision_policies (
      tenant_id text COLLATE "C" PRIMARY KEY REFERENCES tenants (id),
      policy text NOT NULL CHECK (policy IN ('auto', 'suggest')),
      updated_at bigint NOT NULL
    );
  `,
};
