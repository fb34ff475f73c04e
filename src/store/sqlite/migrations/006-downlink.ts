import type { Migration } from '../../migration.js';

/**
 * SQLite migration 6: the downlink queue (src/store/kysely/downlink-store.ts). Same columns and
 * queries as PostgreSQL's: `confirmed` is a 0/1 integer on both backends so that one query text
 * serves both; plan and history are JSON text. Terminals are referenced by their text id, as
 * alarms are (a few rows per terminal, never on the ingest path).
 */
export const SQLITE_DOWNLINK_MIGRATION: Migration = {
  version: 6,
  name: 'downlinks',
  sql: `
    CREATE TABLE downlinks (
      id TEXT NOT NULL PRIMARY KEY,
      tenant_id TEXT NOT NULL,
      terminal_id TEXT NOT NULL,
      dev_eui TEXT NOT NULL,
      f_port INTEGER NOT NULL CHECK (f_port BETWEEN 1 AND 223),
      payload BLOB NOT NULL,
      confirmed INTEGER NOT NULL CHECK (confirmed IN (0, 1)),
      priority TEXT NOT NULL CHECK (priority IN ('normal', 'emergency')),
      alarm_id TEXT UNIQUE,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('queued', 'scheduled', 'uploaded', 'transmitted', 'acknowledged', 'expired', 'failed')),
      -- The downlink's own frame counter (terminal_counters.f_cnt_down belongs to the ingest path).
      f_cnt_down INTEGER,
      phy_payload BLOB,
      -- The current route's upload contact, as columns: a station's schedule is a range query on them.
      station_id TEXT,
      contact_start INTEGER,
      contact_end INTEGER,
      plan TEXT,
      eta INTEGER,
      history TEXT NOT NULL,
      version INTEGER NOT NULL,
      UNIQUE (terminal_id, f_cnt_down)
    ) STRICT;
    CREATE INDEX downlinks_terminal_created_idx ON downlinks (terminal_id, created_at DESC, id DESC);
    CREATE INDEX downlinks_open_idx ON downlinks (created_at, id) WHERE state IN ('queued', 'scheduled', 'uploaded', 'transmitted');
    CREATE INDEX downlinks_station_contact_idx ON downlinks (station_id, contact_start) WHERE state = 'scheduled';
  `,
};
