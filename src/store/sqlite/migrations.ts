import type { Database } from 'better-sqlite3';
import { SQLITE_DOWNLINK_MIGRATION } from './downlink-migration.js';
import { SQLITE_DELIVERY_MIGRATION } from './delivery-migration.js';
import { SQLITE_AUDIT_MIGRATION, SQLITE_ANOMALY_MIGRATION } from './audit-migration.js';
import { SQLITE_REGISTRATION_MIGRATION } from './registration-migration.js';
import { SQLITE_CLUSTER_MIGRATION, SQLITE_OUTBOX_UPLINK_IDS_MIGRATION } from './cluster-migration.js';
import { SQLITE_INTEROP_MIGRATION } from './interop-migration.js';
import { SQLITE_IRIDIUM_MIGRATION } from './iridium-migration.js';
import { SQLITE_DECISION_MIGRATION } from './decision-migration.js';
import { SQLITE_MODEL_MIGRATION } from './model-migration.js';
import { SQLITE_TERMINAL_NAME_MIGRATION } from './terminal-name-migration.js';
import { SQLITE_TRAFFIC_MIGRATION } from './traffic-migration.js';
import { SQLITE_COUNTER_EPOCH_MIGRATION } from './counter-epoch-migration.js';
import { latestVersion, newerSchemaError, type Migration } from '../migration.js';

/**
 * SQLite's schema history (the DDL of store-schema.ts in SQLite's dialect). STRICT tables;
 * booleans are 0/1 integers; rejection_tallies (keyed by a composite text key) is WITHOUT ROWID.
 * Nothing was released before the integer keys: migration 1 was rewritten in place for them.
 */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
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
  },
  {
    version: 2,
    name: 'satellites',
    sql: `
      CREATE TABLE satellites (
        norad_id INTEGER NOT NULL PRIMARY KEY,
        name TEXT NOT NULL,
        format TEXT NOT NULL CHECK (format IN ('tle', 'omm')),
        element_set TEXT NOT NULL,
        epoch INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 3,
    name: 'payload codecs and decoded messages',
    sql: `
      ALTER TABLE terminals ADD COLUMN codec TEXT;

      -- Kept apart from messages: the ingest insert stays as narrow as it was, and a decode
      -- (after ingest, possibly again on redelivery) is an upsert of its own row.
      CREATE TABLE message_decodes (
        message_seq INTEGER NOT NULL PRIMARY KEY REFERENCES messages (seq),
        codec TEXT NOT NULL,
        decoded TEXT,
        error_code TEXT,
        error_message TEXT,
        decoded_at INTEGER NOT NULL,
        CHECK ((decoded IS NULL) <> (error_code IS NULL))
      ) STRICT;

      CREATE TABLE user_codecs (
        id TEXT NOT NULL PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants (id),
        name TEXT NOT NULL,
        script TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (tenant_id, name)
      ) STRICT;
    `,
  },
  {
    version: 4,
    name: 'rules, rule states and alarms',
    sql: `
      -- A rule is kept as the JSON the rules engine parses (src/rules/rule.ts), with its keys beside it.
      CREATE TABLE rules (
        id TEXT NOT NULL PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants (id),
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX rules_tenant_idx ON rules (tenant_id);

      CREATE TABLE rule_states (
        rule_id TEXT NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
        terminal_id TEXT NOT NULL,
        state TEXT NOT NULL,
        PRIMARY KEY (rule_id, terminal_id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE alarms (
        id TEXT NOT NULL PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants (id),
        rule_id TEXT NOT NULL,
        terminal_id TEXT NOT NULL,
        dev_eui TEXT NOT NULL,
        severity TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('raised', 'acknowledged', 'cleared')),
        raised_at INTEGER NOT NULL,
        body TEXT NOT NULL
      ) STRICT;
      -- At most one open alarm per rule and terminal (a firing while open is counted on it).
      CREATE UNIQUE INDEX alarms_open_idx ON alarms (rule_id, terminal_id) WHERE state <> 'cleared';
      CREATE INDEX alarms_tenant_raised_idx ON alarms (tenant_id, raised_at DESC, id DESC);
    `,
  },
  {
    version: 5,
    name: 'api keys',
    sql: `
      CREATE TABLE api_keys (
        id TEXT NOT NULL PRIMARY KEY,
        tenant_id TEXT REFERENCES tenants (id),
        role TEXT NOT NULL CHECK (role IN ('operator', 'tenant-admin', 'tenant-user', 'regulator')),
        name TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        revoked_at INTEGER,
        CHECK ((tenant_id IS NULL) = (role IN ('operator', 'regulator')))
      ) STRICT;
      CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at);
    `,
  },
  SQLITE_DOWNLINK_MIGRATION,
  SQLITE_DELIVERY_MIGRATION,
  {
    version: 8,
    name: 'tenant quotas',
    sql: `
      CREATE TABLE tenant_quotas (
        tenant_id TEXT NOT NULL PRIMARY KEY REFERENCES tenants (id),
        monthly_uplink_messages INTEGER,
        monthly_downlinks INTEGER,
        action TEXT NOT NULL CHECK (action IN ('warn', 'refuse-downlinks')),
        updated_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  SQLITE_REGISTRATION_MIGRATION,
  SQLITE_AUDIT_MIGRATION,
  SQLITE_ANOMALY_MIGRATION,
  SQLITE_CLUSTER_MIGRATION,
  SQLITE_OUTBOX_UPLINK_IDS_MIGRATION,
  SQLITE_INTEROP_MIGRATION,
  SQLITE_IRIDIUM_MIGRATION,
  SQLITE_DECISION_MIGRATION,
  SQLITE_MODEL_MIGRATION,
  SQLITE_TERMINAL_NAME_MIGRATION,
  SQLITE_TRAFFIC_MIGRATION,
  SQLITE_COUNTER_EPOCH_MIGRATION,
];

/**
 * Applies the missing migrations in one IMMEDIATE transaction (a second process migrating at the
 * same time waits on the write lock, then finds nothing to do).
 */
export function migrateSqlite(db: Database, migrations: readonly Migration[] = SQLITE_MIGRATIONS): void {
  const known = latestVersion(migrations);
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER NOT NULL PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    ) STRICT`);
    const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
    const found = Math.max(0, ...applied);
    if (found > known) throw newerSchemaError('SQLite', found, known);
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      db.exec(m.sql);
      record.run(m.version, m.name, Date.now());
    }
  }).immediate();
}
