import type { Migration } from '../../migration.js';

/**
 * Migration 1 in SQLite's dialect: the network core — tenants, terminals and their frame counters,
 * ground stations, messages, their receptions and the rejection tallies. Nothing was released
 * before the integer keys: this migration was rewritten in place for them.
 */
export const SQLITE_NETWORK_CORE_MIGRATION: Migration = {
  version: 1,
  name: 'initial',
  sql: `
      CREATE TABLE tenants (
        id TEXT NOT NULL PRIMARY KEY,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      -- Every table references terminals and stations by an integer surrogate key (seq, the rowid),
      -- not by their text ids: an ingest batch then touches few, mostly sequential index pages.
      CREATE TABLE terminals (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        tenant_id TEXT NOT NULL REFERENCES tenants (id),
        dev_eui TEXT NOT NULL UNIQUE,
        dev_addr TEXT NOT NULL,
        suite TEXT NOT NULL,
        profile TEXT NOT NULL,
        expected_messages_per_day REAL NOT NULL,
        enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        location_lat REAL,
        location_lon REAL,
        location_alt_m REAL,
        nwk_s_key_sealed TEXT NOT NULL,
        app_s_key_sealed TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX terminals_dev_addr_idx ON terminals (dev_addr);
      CREATE INDEX terminals_created_idx ON terminals (created_at, id);
      CREATE INDEX terminals_tenant_created_idx ON terminals (tenant_id, created_at, id);

      CREATE TABLE terminal_counters (
        terminal_seq INTEGER PRIMARY KEY REFERENCES terminals (seq),
        f_cnt_up_top INTEGER NOT NULL,
        window_bits TEXT NOT NULL,
        f_cnt_down INTEGER NOT NULL,
        version INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE ground_stations (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        lat REAL NOT NULL,
        lon REAL NOT NULL,
        alt_m REAL NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        created_at INTEGER NOT NULL
      ) STRICT;

      -- No id column: a message id is "<terminal id>.<f_cnt>", unique as (terminal_seq, f_cnt).
      CREATE TABLE messages (
        seq INTEGER PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        terminal_seq INTEGER NOT NULL REFERENCES terminals (seq),
        dev_eui TEXT NOT NULL,
        f_cnt INTEGER NOT NULL,
        f_port INTEGER,
        payload BLOB NOT NULL,
        confirmed INTEGER NOT NULL CHECK (confirmed IN (0, 1)),
        ack INTEGER NOT NULL CHECK (ack IN (0, 1)),
        captured_at INTEGER NOT NULL,
        downlinked_at INTEGER NOT NULL,
        ingested_at INTEGER NOT NULL,
        UNIQUE (terminal_seq, f_cnt)
      ) STRICT;
      CREATE INDEX messages_terminal_captured_idx ON messages (terminal_seq, captured_at DESC, f_cnt DESC);

      -- A rowid table: its one index is the unique key, which also finds a message's receptions.
      CREATE TABLE receptions (
        message_seq INTEGER NOT NULL REFERENCES messages (seq),
        station_seq INTEGER NOT NULL REFERENCES ground_stations (seq),
        satellite_id TEXT NOT NULL,
        captured_at INTEGER NOT NULL,
        downlinked_at INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        rssi REAL,
        snr REAL,
        frequency_offset_hz REAL,
        UNIQUE (message_seq, station_seq, satellite_id, captured_at)
      ) STRICT;

      CREATE TABLE rejection_tallies (
        station_id TEXT NOT NULL,
        code TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (station_id, code)
      ) STRICT, WITHOUT ROWID;
    `,
};
