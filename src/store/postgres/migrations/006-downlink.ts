import type { Migration } from '../../migration.js';

/**
 * PostgreSQL migration 6: the downlink queue (src/store/kysely/downlink-store.ts). Same columns and
 * queries as SQLite's: `confirmed` is a 0/1 smallint on both backends so that one query text serves
 * both; plan and history are JSON text. Constraints are named, as in 001-network-core.ts.
 */
export const POSTGRES_DOWNLINK_MIGRATION: Migration = {
  version: 6,
  name: 'downlinks',
  sql: `
    CREATE TABLE downlinks (
      id text COLLATE "C" NOT NULL,
      tenant_id text COLLATE "C" NOT NULL,
      terminal_id text COLLATE "C" NOT NULL,
      dev_eui text COLLATE "C" NOT NULL,
      f_port integer NOT NULL CHECK (f_port BETWEEN 1 AND 223),
      payload bytea NOT NULL,
      confirmed smallint NOT NULL CHECK (confirmed IN (0, 1)),
      priority text NOT NULL CHECK (priority IN ('normal', 'emergency')),
      alarm_id text COLLATE "C",
      created_at bigint NOT NULL,
      expires_at bigint NOT NULL,
      state text NOT NULL CHECK (state IN ('queued', 'scheduled', 'uploaded', 'transmitted', 'acknowledged', 'expired', 'failed')),
      -- The downlink's own frame counter (terminal_counters.f_cnt_down belongs to the ingest path).
      f_cnt_down bigint,
      phy_payload bytea,
      -- The current route's upload contact, as columns: a station's schedule is a range query on them.
      station_id text COLLATE "C",
      contact_start bigint,
      contact_end bigint,
      plan text,
      eta bigint,
      history text NOT NULL,
      version bigint NOT NULL,
      CONSTRAINT downlinks_pkey PRIMARY KEY (id),
      CONSTRAINT downlinks_alarm_id_key UNIQUE (alarm_id),
      CONSTRAINT downlinks_terminal_f_cnt_down_key UNIQUE (terminal_id, f_cnt_down)
    );
    CREATE INDEX downlinks_terminal_created_idx ON downlinks (terminal_id, created_at DESC, id DESC);
    CREATE INDEX downlinks_open_idx ON downlinks (created_at, id) WHERE state IN ('queued', 'scheduled', 'uploaded', 'transmitted');
    CREATE INDEX downlinks_station_contact_idx ON downlinks (station_id, contact_start) WHERE state = 'scheduled';
  `,
};
