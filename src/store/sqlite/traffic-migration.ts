import type { Migration } from '../migration.js';

/**
 * Migration 19 in SQLite's dialect: the network's traffic by UTC hour (Unix ms / 3,600,000), counted
 * in the ingest transaction — copies received per ground station and satellite (by the core's
 * receivedAt), and frames rejected per station and code (by the core's clock at the batch) — so the
 * dashboard's Network view draws them over time without scanning the receptions.
 */
export const SQLITE_TRAFFIC_MIGRATION: Migration = {
  version: 19,
  name: 'traffic and rejections by hour',
  sql: `
    CREATE TABLE traffic_hours (
      hour INTEGER NOT NULL,
      station_seq INTEGER NOT NULL,
      satellite_id TEXT NOT NULL,
      receptions INTEGER NOT NULL,
      PRIMARY KEY (hour, station_seq, satellite_id)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE rejection_hours (
      hour INTEGER NOT NULL,
      station_id TEXT NOT NULL,
      code TEXT NOT NULL,
      count INTEGER NOT NULL,
      PRIMARY KEY (hour, station_id, code)
    ) STRICT, WITHOUT ROWID;
  `,
};
