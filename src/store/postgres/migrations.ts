import type { Pool } from 'pg';
import { POSTGRES_DOWNLINK_MIGRATION } from './downlink-migration.js';
import { POSTGRES_DELIVERY_MIGRATION } from './delivery-migration.js';
import { POSTGRES_AUDIT_MIGRATION, POSTGRES_ANOMALY_MIGRATION } from './audit-migration.js';
import { POSTGRES_REGISTRATION_MIGRATION } from './registration-migration.js';
import { POSTGRES_CLUSTER_MIGRATION, POSTGRES_OUTBOX_UPLINK_IDS_MIGRATION } from './cluster-migration.js';
import { POSTGRES_INTEROP_MIGRATION } from './interop-migration.js';
import { POSTGRES_IRIDIUM_MIGRATION } from './iridium-migration.js';
import { POSTGRES_DECISION_MIGRATION } from './decision-migration.js';
import { POSTGRES_MODEL_MIGRATION } from './model-migration.js';
import { POSTGRES_TERMINAL_NAME_MIGRATION } from './terminal-name-migration.js';
import { POSTGRES_TRAFFIC_MIGRATION } from './traffic-migration.js';
import { POSTGRES_COUNTER_EPOCH_MIGRATION } from './counter-epoch-migration.js';
import { latestVersion, newerSchemaError, type Migration } from '../migration.js';

/**
 * PostgreSQL's schema history (the DDL of store-schema.ts in PostgreSQL's dialect). Key columns use
 * the "C" collation so ids sort bytewise, as in SQLite (pages come out in the same order on both
 * backends). Constraints are named: postgres-store.ts reads violations by these names. Nothing was
 * released before the integer keys: migration 1 was rewritten in place for them.
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
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
  },
  {
    version: 2,
    name: 'satellites',
    sql: `
      CREATE TABLE satellites (
        norad_id bigint NOT NULL,
        name text NOT NULL,
        format text NOT NULL CHECK (format IN ('tle', 'omm')),
        element_set text NOT NULL,
        epoch bigint NOT NULL,
        updated_at bigint NOT NULL,
        CONSTRAINT satellites_pkey PRIMARY KEY (norad_id)
      );
    `,
  },
  {
    version: 3,
    name: 'payload codecs and decoded messages',
    sql: `
      ALTER TABLE terminals ADD COLUMN codec text;

      CREATE TABLE message_decodes (
        message_seq bigint NOT NULL REFERENCES messages (seq),
        codec text NOT NULL,
        decoded text,
        error_code text,
        error_message text,
        decoded_at bigint NOT NULL,
        CONSTRAINT message_decodes_pkey PRIMARY KEY (message_seq),
        CHECK ((decoded IS NULL) <> (error_code IS NULL))
      );

      CREATE TABLE user_codecs (
        id text NOT NULL,
        tenant_id text NOT NULL REFERENCES tenants (id),
        name text NOT NULL,
        script text NOT NULL,
        created_at bigint NOT NULL,
        CONSTRAINT user_codecs_pkey PRIMARY KEY (id),
        CONSTRAINT user_codecs_tenant_name_key UNIQUE (tenant_id, name)
      );
    `,
  },
  {
    version: 4,
    name: 'rules, rule states and alarms',
    sql: `
      CREATE TABLE rules (
        id text NOT NULL,
        tenant_id text NOT NULL REFERENCES tenants (id),
        body text NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        CONSTRAINT rules_pkey PRIMARY KEY (id)
      );
      CREATE INDEX rules_tenant_idx ON rules (tenant_id);

      CREATE TABLE rule_states (
        rule_id text NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
        terminal_id text NOT NULL,
        state text NOT NULL,
        CONSTRAINT rule_states_pkey PRIMARY KEY (rule_id, terminal_id)
      );

      CREATE TABLE alarms (
        id text NOT NULL,
        tenant_id text NOT NULL REFERENCES tenants (id),
        rule_id text NOT NULL,
        terminal_id text NOT NULL,
        dev_eui text NOT NULL,
        severity text NOT NULL,
        state text NOT NULL CHECK (state IN ('raised', 'acknowledged', 'cleared')),
        raised_at bigint NOT NULL,
        body text NOT NULL,
        CONSTRAINT alarms_pkey PRIMARY KEY (id)
      );
      CREATE UNIQUE INDEX alarms_open_idx ON alarms (rule_id, terminal_id) WHERE state <> 'cleared';
      CREATE INDEX alarms_tenant_raised_idx ON alarms (tenant_id, raised_at DESC, id DESC);
    `,
  },
  {
    version: 5,
    name: 'api keys',
    sql: `
      CREATE TABLE api_keys (
        id text NOT NULL,
        tenant_id text REFERENCES tenants (id),
        role text NOT NULL CHECK (role IN ('operator', 'tenant-admin', 'tenant-user', 'regulator')),
        name text NOT NULL,
        key_hash text NOT NULL,
        prefix text NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint,
        revoked_at bigint,
        CONSTRAINT api_keys_pkey PRIMARY KEY (id),
        CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash),
        CHECK ((tenant_id IS NULL) = (role IN ('operator', 'regulator')))
      );
      CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at);
    `,
  },
  POSTGRES_DOWNLINK_MIGRATION,
  POSTGRES_DELIVERY_MIGRATION,
  {
    version: 8,
    name: 'tenant quotas',
    sql: `
      CREATE TABLE tenant_quotas (
        tenant_id text NOT NULL REFERENCES tenants (id),
        monthly_uplink_messages bigint,
        monthly_downlinks bigint,
        action text NOT NULL CHECK (action IN ('warn', 'refuse-downlinks')),
        updated_at bigint NOT NULL,
        CONSTRAINT tenant_quotas_pkey PRIMARY KEY (tenant_id)
      );
    `,
  },
  POSTGRES_REGISTRATION_MIGRATION,
  POSTGRES_AUDIT_MIGRATION,
  POSTGRES_ANOMALY_MIGRATION,
  POSTGRES_CLUSTER_MIGRATION,
  POSTGRES_OUTBOX_UPLINK_IDS_MIGRATION,
  POSTGRES_INTEROP_MIGRATION,
  POSTGRES_IRIDIUM_MIGRATION,
  POSTGRES_DECISION_MIGRATION,
  POSTGRES_MODEL_MIGRATION,
  POSTGRES_TERMINAL_NAME_MIGRATION,
  POSTGRES_TRAFFIC_MIGRATION,
  POSTGRES_COUNTER_EPOCH_MIGRATION,
];

/**
 * Applies the missing migrations in one transaction under an advisory lock (several core nodes
 * starting together migrate one at a time; the later ones find nothing to do). Creates `schema`
 * first when one is given (the pool's connections have it as their search_path).
 */
export async function migratePostgres(pool: Pool, schema: string | undefined,
  migrations: readonly Migration[] = POSTGRES_MIGRATIONS): Promise<void> {
  const known = latestVersion(migrations);
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`satiot-migrate:${schema ?? ''}`]);
    if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer NOT NULL PRIMARY KEY,
      name text NOT NULL,
      applied_at bigint NOT NULL
    )`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => Number(r.version)));
    const found = Math.max(0, ...applied);
    if (found > known) throw newerSchemaError('PostgreSQL', found, known);
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => { broken = true; });
    throw e;
  } finally {
    client.release(broken);
  }
}
