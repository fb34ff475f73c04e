import type { Migration } from '../../migration.js';

/**
 * Migration 4 in SQLite's dialect: rules (the JSON the rules engine parses), each rule's state per
 * terminal, and alarms.
 */
export const SQLITE_RULES_AND_ALARMS_MIGRATION: Migration = {
  version: 4,
  name: 'rules, rule states and alarms',
  sql: `
      -- A rule is kept as the JSON the rules engine parses (src/rules/rule.ts), with its keys beside it.
      CREATE TABLE rules (
        id TEXT NOT NULL PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants (id),
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX rules_tenant_idx ON rules (tenant_id);

      CREATE TABLE rule_states (
        rule_id TEXT NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
        terminal_id TEXT NOT NULL,
        state TEXT NOT NULL,
        PRIMARY KEY (rule_id, terminal_id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE alarms (
        id TEXT NOT NULL PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants (id),
        rule_id TEXT NOT NULL,
        terminal_id TEXT NOT NULL,
        dev_eui TEXT NOT NULL,
        severity TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('raised', 'acknowledged', 'cleared')),
        raised_at INTEGER NOT NULL,
        body TEXT NOT NULL
      ) STRICT;
      -- At most one open alarm per rule and terminal (a firing while open is counted on it).
      CREATE UNIQUE INDEX alarms_open_idx ON alarms (rule_id, terminal_id) WHERE state <> 'cleared';
      CREATE INDEX alarms_tenant_raised_idx ON alarms (tenant_id, raised_at DESC, id DESC);
    `,
};
