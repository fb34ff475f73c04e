import type { Migration } from '../../migration.js';

/**
 * Migration 2 in PostgreSQL's dialect: the schema of SQLite's 002-satellites.ts (see there),
 * with named constraints and "C"-collated keys.
 */
export const POSTGRES_SATELLITES_MIGRATION: Migration = {
  version: 2,
  name: 'satellites',
  sql: `
      CREATE TABLE satellites (
        norad_id bigint NOT NULL,
        name text NOT NULL,
        format text NOT NULL CHECK (format IN ('tle', 'omm')),
        element_set text NOT NULL,
        epoch bigint NOT NULL,
        updated_at bigint NOT NULL,
        CONSTRAINT satellites_pkey PRIMARY KEY (norad_id)
      );
    `,
};
