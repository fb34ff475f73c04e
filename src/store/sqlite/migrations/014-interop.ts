import type { Migration } from '../../migration.js';

/**
 * Migration 14 in SQLite's dialect: terrestrial LoRa gateways beside the satellite ground stations
 * (docs/interop.md). A gateway is a row of `ground_stations` with its EUI — receptions keep one
 * reference to where a copy came in, whichever the path — and the radio facts a gateway reports
 * with each copy; a gateway's last datagram and its latest `stat` report (JSON). PostgreSQL's 014-interop.ts
 * is the same schema.
 */
export const SQLITE_INTEROP_MIGRATION: Migration = {
  version: 14,
  name: 'interop: terrestrial gateways, radio facts of a reception',
  sql: `
    ALTER TABLE ground_stations ADD COLUMN gateway_eui TEXT;
    ALTER TABLE ground_stations ADD COLUMN tenant_id TEXT REFERENCES tenants (id);
    ALTER TABLE ground_stations ADD COLUMN last_seen_at INTEGER;
    ALTER TABLE ground_stations ADD COLUMN gateway_stat TEXT;
    CREATE UNIQUE INDEX ground_stations_gateway_eui_idx ON ground_stations (gateway_eui) WHERE gateway_eui IS NOT NULL;
    ALTER TABLE receptions ADD COLUMN frequency_mhz REAL;
    ALTER TABLE receptions ADD COLUMN data_rate TEXT;
  `,
};
