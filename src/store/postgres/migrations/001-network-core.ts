import type { Migration } from '../../migration.js';

/**
 * Migration 1 in PostgreSQL's dialect: the schema of SQLite's 001-network-core.ts (see there), with
 * named constraints (postgres/store.ts reads violations by these names) and "C"-collated keys.
 * Nothing was released before the integer keys: this migration was rewritten in place for them.
 */
export const POSTGRES_NETWORK_CORE_MIGRATION: Migration = {
  version: 1,
  name: 'initial',
  sql: `
      CREATE TABLE tenants (
        id text COLLATE "C" NOT NULL,
        name text NOT NULL,
        created_at bigint NOT NULL,
        CONSTRAINT tenants_pkey PRIMARY KEY (id)
      );

      -- Every table references terminals and stations by an integer surrogate key (seq), not by
      -- their text ids: an ingest batch then touches few, mostly sequential index pages.
      CREATE TABLE terminals (
        seq bigint GENERATED ALWAYS AS IDENTITY,
        id text COLLATE "C" NOT NULL,
        tenant_id text COLLATE "C" NOT NULL,
        dev_eui text COLLATE "C" NOT NULL,
        dev_addr text COLLATE "C" NOT NULL,
        suite text NOT NULL,
        profile text NOT NULL,
        expected_messages_per_day double precision NOT NULL,
        enabled boolean NOT NULL,
        location_lat double precision,
        location_lon double precision,
        location_alt_m double precision,
        nwk_s_key_sealed text NOT NULL,
        app_s_key_sealed text NOT NULL,
        created_at bigint NOT NULL,
        CONSTRAINT terminals_pkey PRIMARY KEY (seq),
        CONSTRAINT terminals_id_key UNIQUE (id),
        CONSTRAINT terminals_dev_eui_key UNIQUE (dev_eui),
        CONSTRAINT terminals_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id)
      );
      CREATE INDEX terminals_dev_addr_idx ON terminals (dev_addr);
      CREATE INDEX terminals_created_idx ON terminals (created_at, id);
      CREATE INDEX terminals_tenant_created_idx ON terminals (tenant_id, created_at, id);

      CREATE TABLE terminal_counters (
        terminal_seq bigint NOT NULL,
        f_cnt_up_top bigint NOT NULL,
        window_bits text NOT NULL,
        f_cnt_down bigint NOT NULL,
        version bigint NOT NULL,
        CONSTRAINT terminal_counters_pkey PRIMARY KEY (terminal_seq),
        CONSTRAINT terminal_counters_terminal_seq_fkey FOREIGN KEY (terminal_seq) REFERENCES terminals (seq)
      );

      CREATE TABLE ground_stations (
        seq bigint GENERATED ALWAYS AS IDENTITY,
        id text COLLATE "C" NOT NULL,
        name text NOT NULL,
        lat double precision NOT NULL,
        lon double precision NOT NULL,
        alt_m double precision NOT NULL,
        token_hash text COLLATE "C" NOT NULL,
        enabled boolean NOT NULL,
        created_at bigint NOT NULL,
        CONSTRAINT ground_stations_pkey PRIMARY KEY (seq),
        CONSTRAINT ground_stations_id_key UNIQUE (id),
        CONSTRAINT ground_stations_token_hash_key UNIQUE (token_hash)
      );

      -- No id column: a message id is "<terminal id>.<f_cnt>", unique as (terminal_seq, f_cnt).
      CREATE TABLE messages (
        seq bigint GENERATED ALWAYS AS IDENTITY,
        tenant_id text COLLATE "C" NOT NULL,
        terminal_seq bigint NOT NULL,
        dev_eui text COLLATE "C" NOT NULL,
        f_cnt bigint NOT NULL,
        f_port integer,
        payload bytea NOT NULL,
        confirmed boolean NOT NULL,
        ack boolean NOT NULL,
        captured_at bigint NOT NULL,
        downlinked_at bigint NOT NULL,
        ingested_at bigint NOT NULL,
        CONSTRAINT messages_pkey PRIMARY KEY (seq),
        CONSTRAINT messages_terminal_f_cnt_key UNIQUE (terminal_seq, f_cnt),
        CONSTRAINT messages_terminal_seq_fkey FOREIGN KEY (terminal_seq) REFERENCES terminals (seq)
      );
      CREATE INDEX messages_terminal_captured_idx ON messages (terminal_seq, captured_at DESC, f_cnt DESC);

      CREATE TABLE receptions (
        message_seq bigint NOT NULL,
        station_seq bigint NOT NULL,
        satellite_id text COLLATE "C" NOT NULL,
        captured_at bigint NOT NULL,
        downlinked_at bigint NOT NULL,
        received_at bigint NOT NULL,
        rssi double precision,
        snr double precision,
        frequency_offset_hz double precision,
        CONSTRAINT receptions_key UNIQUE (message_seq, station_seq, satellite_id, captured_at),
        CONSTRAINT receptions_message_seq_fkey FOREIGN KEY (message_seq) REFERENCES messages (seq),
        CONSTRAINT receptions_station_seq_fkey FOREIGN KEY (station_seq) REFERENCES ground_stations (seq)
      );

      CREATE TABLE rejection_tallies (
        station_id text COLLATE "C" NOT NULL,
        code text COLLATE "C" NOT NULL,
        count bigint NOT NULL,
        CONSTRAINT rejection_tallies_pkey PRIMARY KEY (station_id, code)
      );
    `,
};
