import type { Pool } from 'pg';
import { POSTGRES_NETWORK_CORE_MIGRATION } from './migrations/001-network-core.js';
import { POSTGRES_SATELLITES_MIGRATION } from './migrations/002-satellites.js';
import { POSTGRES_PAYLOAD_CODECS_MIGRATION } from './migrations/003-payload-codecs.js';
import { POSTGRES_RULES_AND_ALARMS_MIGRATION } from './migrations/004-rules-and-alarms.js';
import { POSTGRES_API_KEYS_MIGRATION } from './migrations/005-api-keys.js';
import { POSTGRES_DOWNLINK_MIGRATION } from './migrations/006-downlink.js';
import { POSTGRES_DELIVERY_MIGRATION } from './migrations/007-delivery.js';
import { POSTGRES_TENANT_QUOTAS_MIGRATION } from './migrations/008-tenant-quotas.js';
import { POSTGRES_REGISTRATION_MIGRATION } from './migrations/009-registration.js';
import { POSTGRES_AUDIT_MIGRATION } from './migrations/010-audit.js';
import { POSTGRES_ANOMALY_MIGRATION } from './migrations/011-anomaly.js';
import { POSTGRES_CLUSTER_MIGRATION } from './migrations/012-cluster.js';
import { POSTGRES_OUTBOX_UPLINK_IDS_MIGRATION } from './migrations/013-outbox-uplink-ids.js';
import { POSTGRES_INTEROP_MIGRATION } from './migrations/014-interop.js';
import { POSTGRES_IRIDIUM_MIGRATION } from './migrations/015-iridium.js';
import { POSTGRES_DECISION_MIGRATION } from './migrations/016-decision.js';
import { POSTGRES_MODEL_MIGRATION } from './migrations/017-model.js';
import { POSTGRES_TERMINAL_NAME_MIGRATION } from './migrations/018-terminal-name.js';
import { POSTGRES_TRAFFIC_MIGRATION } from './migrations/019-traffic.js';
import { POSTGRES_COUNTER_EPOCH_MIGRATION } from './migrations/020-counter-epoch.js';
import { latestVersion, newerSchemaError, type Migration } from '../migration.js';

/**
 * PostgreSQL's schema history (the DDL of store-schema.ts in PostgreSQL's dialect). Key columns use
 * the "C" collation so ids sort bytewise, as in SQLite (pages come out in the same order on both
 * backends). Constraints are named: postgres/store.ts reads violations by these names. Nothing was
 * released before the integer keys: migration 1 was rewritten in place for them.
 * One file per version in migrations/ (`NNN-<what>.ts`), named as in sqlite/migrations/; a new
 * version gets a file in both folders and a line here (test/store/migration-files.test.ts checks).
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  POSTGRES_NETWORK_CORE_MIGRATION,
  POSTGRES_SATELLITES_MIGRATION,
  POSTGRES_PAYLOAD_CODECS_MIGRATION,
  POSTGRES_RULES_AND_ALARMS_MIGRATION,
  POSTGRES_API_KEYS_MIGRATION,
  POSTGRES_DOWNLINK_MIGRATION,
  POSTGRES_DELIVERY_MIGRATION,
  POSTGRES_TENANT_QUOTAS_MIGRATION,
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
export async function migratePostgres(
  pool: Pool,
  schema: string | undefined,
  migrations: readonly Migration[] = POSTGRES_MIGRATIONS,
): Promise<void> {
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
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        Date.now(),
      ]);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw e;
  } finally {
    client.release(broken);
  }
}
