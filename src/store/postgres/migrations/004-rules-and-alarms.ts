import type { Migration } from '../../migration.js';

/**
 * Migration 4 in PostgreSQL's dialect: the schema of SQLite's 004-rules-and-alarms.ts (see there),
 * with named constraints and "C"-collated keys.
 */
export const POSTGRES_RULES_AND_ALARMS_MIGRATION: Migration = {
  version: 4,
  name: 'rules, rule states and alarms',
  sql: `
      CREATE TABLE rules (
        id text NOT NULL,
        tenant_id text NOT NULL REFERENCES tenants (id),
        body text NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        CONSTRAINT rules_pkey PRIMARY KEY (id)
      );
      CREATE INDEX rules_tenant_idx ON rules (tenant_id);

      CREATE TABLE rule_states (
        rule_id text NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
        terminal_id text NOT NULL,
        state text NOT NULL,
        CONSTRAINT rule_states_pkey PRIMARY KEY (rule_id, terminal_id)
      );

      CREATE TABLE alarms (
        id text NOT NULL,
        tenant_id text NOT NULL REFERENCES tenants (id),
        rule_id text NOT NULL,
        terminal_id text NOT NULL,
        dev_eui text NOT NULL,
        severity text NOT NULL,
        state text NOT NULL CHECK (state IN ('raised', 'acknowledged', 'cleared')),
        raised_at bigint NOT NULL,
        body text NOT NULL,
        CONSTRAINT alarms_pkey PRIMARY KEY (id)
      );
      CREATE UNIQUE INDEX alarms_open_idx ON alarms (rule_id, terminal_id) WHERE state <> 'cleared';
      CREATE INDEX alarms_tenant_raised_idx ON alarms (tenant_id, raised_at DESC, id DESC);
    `,
};
