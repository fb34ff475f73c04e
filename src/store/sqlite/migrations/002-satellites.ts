import type { Migration } from '../../migration.js';

/** Migration 2 in SQLite's dialect: the satellites' element sets (TLE or OMM text) by NORAD id. */
export const SQLITE_SATELLITES_MIGRATION: Migration = {
  version: 2,
  name: 'satellites',
  sql: `
      CREATE TABLE satellites (
        norad_id INTEGER NOT NULL PRIMARY KEY,
        name TEXT NOT NULL,
        format TEXT NOT NULL CHECK (format IN ('tle', 'omm')),
        element_set TEXT NOT NULL,
        epoch INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
    `,
};
