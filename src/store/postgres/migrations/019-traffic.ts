import type { Migration } from '../../migration.js';

/**
 * Migration 19 in PostgreSQL's dialect: the network's traffic by UTC hour (Unix ms / 3,600,000), counted
 * in the ingest transaction — copies received per ground station and satellite (by the core's
 * receivedAt), and frames rejected per station and code (by the core's clock at the batch) — so the
 * dashboard's Network view draws them over time without scanning the receptions. Copies are
 * counted in `shard`s summed on read: on PostgreSQL each connection writes its own (its backend pid
 * mod 8), so concurrent ingest transactions do not wait for one another on an hour's row; SQLite,
 * one writer, uses shard 0.
 */
export const POSTGRES_TRAFFIC_MIGRATION: Migration = {
  version: 19,
  name: 'traffic and rejections by hour',
  sql: `
    CREATE TABLE traffic_hours (
      hour bigint NOT NULL,
      station_seq bigint NOT NULL,
      satellite_id text COLLATE "C" NOT NULL,
      shard bigint NOT NULL,
      receptions bigint NOT NULL,
      PRIMARY KEY (hour, station_seq, satellite_id, shard)
    );
    CREATE TABLE rejection_hours (
      hour bigint NOT NULL,
      station_id text COLLATE "C" NOT NULL,
      code text COLLATE "C" NOT NULL,
      count bigint NOT NULL,
      PRIMARY KEY (hour, station_id, code)
    );
  `,
};
