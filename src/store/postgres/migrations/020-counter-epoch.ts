import type { Migration } from '../../migration.js';

/** Migration 20 in PostgreSQL's dialect (SQLite's 020-counter-epoch.ts says why). */
export const POSTGRES_COUNTER_EPOCH_MIGRATION: Migration = {
  version: 20,
  name: 'uplink counter resets',
  sql: `
    ALTER TABLE terminal_counters ADD COLUMN up_epoch bigint NOT NULL DEFAULT 0;
  `,
};
