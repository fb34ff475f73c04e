import type { Migration } from '../../migration.js';

/** Migration 15 in PostgreSQL's dialect: the schema of SQLite's 015-iridium.ts (see there). */
export const POSTGRES_IRIDIUM_MIGRATION: Migration = {
  version: 15,
  name: 'iridium: terminal transport and IMEI, the DirectIP gateway, reported positions',
  sql: `
    ALTER TABLE terminals ADD COLUMN transport text COLLATE "C" NOT NULL DEFAULT 'lorawan';
    ALTER TABLE terminals ADD COLUMN imei text COLLATE "C";
    CREATE UNIQUE INDEX terminals_imei_idx ON terminals (imei) WHERE imei IS NOT NULL;
    ALTER TABLE ground_stations ADD COLUMN network text COLLATE "C";
    CREATE TABLE message_positions (
      message_seq bigint PRIMARY KEY REFERENCES messages (seq),
      lat double precision NOT NULL,
      lon double precision NOT NULL,
      cep_km double precision NOT NULL,
      source text NOT NULL
    );
  `,
};
