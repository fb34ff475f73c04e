import type { Migration } from '../../migration.js';

/** Migration 18 in PostgreSQL's dialect: a terminal's name, what people call it (docs/dashboard.md). */
export const POSTGRES_TERMINAL_NAME_MIGRATION: Migration = {
  version: 18,
  name: 'terminal names',
  sql: 'ALTER TABLE terminals ADD COLUMN name text;',
};
