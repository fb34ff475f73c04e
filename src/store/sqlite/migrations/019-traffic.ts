import type { Migration } from '../../migration.js';

/**
 * Migration 19 in SQLite's dialect: the network's traffic by UTC hour (Unix ms / 3,600,000), counted
 * in the ingest transaction — copies received per ground station and satellite (by the core's
 * receivedAt), and frames rejected per station and code (by the core's clock at the batch) — so the
 * dashboard's Network view draws them over time without scanning the receptions. Copies are
 * counted in `shard`s summed on read: on PostgreSQL each connection writes its own (its backend pid
 * mod 8), so concurrent ingest transactions do not wait for one another on an hour's row; SQLite,
 * one writer, uses shard 0.
 */
export const SQLITE_TRAFFIC_MIGRATION: Migration = {
  version: 19,
  name: 'traffic and rejections by hour',
  sql: `
    CREATE TABLE traffic_hours (
      hour INTEGER NOT NULL,
      station_seq INTEGER NOT NULL,
      satellite_id TEXT NOT NULL,
      shard INTEGER NOT NULL,
      receptions INTEGER NOT NULL,
      PRIMARY KEY (hour, station_seq, satellite_id, shard)
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
