import type { Migration } from '../../migration.js';

/**
 * Migration 15 in SQLite's dialect: a second satellite operator, Iridium SBD over DirectIP
 * (docs/interop.md). A terminal names its transport (`lorawan` for every terminal before) and an
 * Iridium terminal its IMEI, unique where set; the Iridium gateway that hands in its sessions is a
 * `ground_stations` row of its own network (never planned as one of our ground stations); the
 * position the Iridium network reports for a session is kept per message. PostgreSQL's 015-iridium.ts
 * is the same schema.
 */
export const SQLITE_IRIDIUM_MIGRATION: Migration = {
  version: 15,
  name: 'iridium: terminal transport and IMEI, the DirectIP gateway, reported positions',
  sql: `
    ALTER TABLE terminals ADD COLUMN transport TEXT NOT NULL DEFAULT 'lorawan';
    ALTER TABLE terminals ADD COLUMN imei TEXT;
    CREATE UNIQUE INDEX terminals_imei_idx ON terminals (imei) WHERE imei IS NOT NULL;
    ALTER TABLE ground_stations ADD COLUMN network TEXT;
    CREATE TABLE message_positions (
      message_seq INTEGER PRIMARY KEY REFERENCES messages (seq),
      lat REAL NOT NULL,
      lon REAL NOT NULL,
      cep_km REAL NOT NULL,
      source TEXT NOT NULL
    ) STRICT;
  `,
};
