import type { Database } from 'better-sqlite3';
import { SQLITE_NETWORK_CORE_MIGRATION } from './migrations/001-network-core.js';
import { SQLITE_SATELLITES_MIGRATION } from './migrations/002-satellites.js';
import { SQLITE_PAYLOAD_CODECS_MIGRATION } from './migrations/003-payload-codecs.js';
import { SQLITE_RULES_AND_ALARMS_MIGRATION } from './migrations/004-rules-and-alarms.js';
import { SQLITE_API_KEYS_MIGRATION } from './migrations/005-api-keys.js';
import { SQLITE_DOWNLINK_MIGRATION } from './migrations/006-downlink.js';
import { SQLITE_DELIVERY_MIGRATION } from './migrations/007-delivery.js';
import { SQLITE_TENANT_QUOTAS_MIGRATION } from './migrations/008-tenant-quotas.js';
import { SQLITE_REGISTRATION_MIGRATION } from './migrations/009-registration.js';
import { SQLITE_AUDIT_MIGRATION } from './migrations/010-audit.js';
import { SQLITE_ANOMALY_MIGRATION } from './migrations/011-anomaly.js';
import { SQLITE_CLUSTER_MIGRATION } from './migrations/012-cluster.js';
import { SQLITE_OUTBOX_UPLINK_IDS_MIGRATION } from './migrations/013-outbox-uplink-ids.js';
import { SQLITE_INTEROP_MIGRATION } from './migrations/014-interop.js';
import { SQLITE_IRIDIUM_MIGRATION } from './migrations/015-iridium.js';
import { SQLITE_DECISION_MIGRATION } from './migrations/016-decision.js';
import { SQLITE_MODEL_MIGRATION } from './migrations/017-model.js';
import { SQLITE_TERMINAL_NAME_MIGRATION } from './migrations/018-terminal-name.js';
import { SQLITE_TRAFFIC_MIGRATION } from './migrations/019-traffic.js';
import { SQLITE_COUNTER_EPOCH_MIGRATION } from './migrations/020-counter-epoch.js';
import { latestVersion, newerSchemaError, type Migration } from '../migration.js';

/**
 * SQLite's schema history (the DDL of store-schema.ts in SQLite's dialect). STRICT tables;
 * booleans are 0/1 integers; rejection_tallies (keyed by a composite text key) is WITHOUT ROWID.
 * Nothing was released before the integer keys: migration 1 was rewritten in place for them.
 * One file per version in migrations/ (`NNN-<what>.ts`), named as in postgres/migrations/; a new
 * version gets a file in both folders and a line here (test/store/migration-files.test.ts checks).
 */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  SQLITE_NETWORK_CORE_MIGRATION,
  SQLITE_SATELLITES_MIGRATION,
  SQLITE_PAYLOAD_CODECS_MIGRATION,
  SQLITE_RULES_AND_ALARMS_MIGRATION,
  SQLITE_API_KEYS_MIGRATION,
  SQLITE_DOWNLINK_MIGRATION,
  SQLITE_DELIVERY_MIGRATION,
  SQLITE_TENANT_QUOTAS_MIGRATION,
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
