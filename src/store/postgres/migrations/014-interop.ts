import type { Migration } from '../../migration.js';

/** Migration 14 in PostgreSQL's dialect: the schema of SQLite's 014-interop.ts (see there). */
export const POSTGRES_INTEROP_MIGRATION: Migration = {
  version: 14,
  name: 'interop: terrestrial gateways, radio facts of a reception',
  sql: `
    ALTER TABLE ground_stations ADD COLUMN gateway_eui text COLLATE "C";
    ALTER TABLE ground_stations ADD COLUMN tenant_id text COLLATE "C" REFERENCES tenants (id);
    ALTER TABLE ground_stations ADD COLUMN last_seen_at bigint;
    ALTER TABLE ground_stations ADD COLUMN gateway_stat text;
    CREATE UNIQUE INDEX ground_stations_gateway_eui_idx ON ground_stations (gateway_eui) WHERE gateway_eui IS NOT NULL;
    ALTER TABLE receptions ADD COLUMN frequency_mhz double precision;
    ALTER TABLE receptions ADD COLUMN data_rate text;
  `,
};
