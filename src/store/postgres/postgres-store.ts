import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { PoolClient } from 'pg';
import { CounterConflictError, type IngestWrite } from '../../core/ports/store.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { checkIngestWrite } from '../ingest-checks.js';
import { KyselyStore } from '../kysely-store.js';
import { asBuffer } from '../row-mapping.js';
import type { ConstraintViolation, StoreCapabilities, UniqueKey } from '../store-capabilities.js';
import type { StoreDatabase } from '../store-schema.js';
import { migratePostgres } from './migrations.js';

export const POSTGRES_CAPABILITIES: StoreCapabilities = { nativeBooleans: true };

export interface PostgresStoreOptions {
  /** Schema for satiot's tables (created by migrate()); the server's default search_path when absent. */
  readonly schema?: string;
  /** Pool size; 10 by default. */
  readonly maxConnections?: number;
}

/** Unquoted PostgreSQL identifiers that need no quoting anywhere (search_path, DDL). */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Named constraints of postgres/migrations.ts, in the schema's terms. */
const UNIQUE_CONSTRAINTS: Readonly<Record<string, UniqueKey>> = {
  tenants_pkey: 'tenants.id',
  terminals_pkey: 'terminals.id',
  terminals_dev_eui_key: 'terminals.dev_eui',
  ground_stations_pkey: 'ground_stations.id',
  ground_stations_token_hash_key: 'ground_stations.token_hash',
};

/** SQLSTATEs: a concurrent writer won (retrying with fresh counters is the answer, as for a version conflict). */
const DEADLOCK_DETECTED = '40P01';
const SERIALIZATION_FAILURE = '40001';

/**
 * The scale-out store: a `pg` pool shared by Kysely (normal queries) and the ingest path, which
 * writes each batch in one transaction with multi-row `unnest` statements, prepared once per
 * connection (named statements).
 */
export class PostgresStore extends KyselyStore {
  readonly backend = 'postgres' as const;
  private readonly pool: pg.Pool;
  private closed = false;

  constructor(connectionString: string, readonly options: PostgresStoreOptions = {}) {
    const schema = options.schema;
    if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
      throw new SatiotError('INVALID_ARGUMENT', 'A PostgreSQL schema name is lowercase letters, digits and underscores.', { schema });
    }
    const pool = new pg.Pool({
      ...withSearchPath(connectionString, schema),
      max: options.maxConnections ?? 10,
      // int8 (bigint, count(*)) as JS numbers: every stored value fits in 2^53.
      types: { getTypeParser: (oid, format) => (oid === pg.types.builtins.INT8 ? parseInt8 : pg.types.getTypeParser(oid, format)) },
    });
    // An idle connection that breaks (server restart) is dropped by the pool; without a listener
    // the 'error' event would end the process.
    pool.on('error', () => undefined);
    super(new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) }), POSTGRES_CAPABILITIES);
    this.pool = pool;
  }

  async migrate(): Promise<void> {
    await migratePostgres(this.pool, this.options.schema);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.destroy(); // ends the pool
  }

  async commitIngest(w: IngestWrite): Promise<void> {
    checkIngestWrite(w);
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const conflicts = await writeCounters(client, w.counters);
      if (conflicts.length > 0) throw new CounterConflictError(conflicts);
      await insertMessages(client, w.newMessages);
      await insertReceptions(client, w.receptions);
      await lowerTimes(client, w.earlierTimes);
      await addRejections(client, w.rejections);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => { broken = true; });
      const code = sqlState(e);
      if (code === DEADLOCK_DETECTED || code === SERIALIZATION_FAILURE) {
        throw new CounterConflictError(w.counters.map((c) => c.state.terminalId));
      }
      throw e;
    } finally {
      client.release(broken);
    }
  }

  protected constraintViolation(e: unknown): ConstraintViolation | undefined {
    const code = sqlState(e);
    if (code === '23503') return { kind: 'foreign-key' };
    if (code === '23505') {
      const constraint = (e as { constraint?: unknown }).constraint;
      return { kind: 'unique', key: typeof constraint === 'string' ? UNIQUE_CONSTRAINTS[constraint] : undefined };
    }
    return undefined;
  }
}

/**
 * Every connection starts with `search_path` set to the schema (a startup option, so no query runs
 * before it). An `options` parameter already in the URL would override the pool's; it is kept and
 * the search path appended to it.
 */
function withSearchPath(connectionString: string, schema: string | undefined): { connectionString: string; options?: string } {
  if (schema === undefined) return { connectionString };
  const searchPath = `-c search_path=${schema}`;
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return { connectionString, options: searchPath };
  }
  const given = url.searchParams.get('options');
  url.searchParams.delete('options');
  return { connectionString: url.toString(), options: given ? `${given} ${searchPath}` : searchPath };
}

function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} is beyond 2^53`);
  return n;
}

function sqlState(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

// ---- the ingest statements (named: each connection prepares them once) ------------------------

/**
 * Locks the batch's counter rows in terminal order (two writers never wait on each other in a
 * cycle), then applies each state only where the stored version is the expected one; a new row only
 * where none exists (a concurrent insert makes ON CONFLICT do nothing). Returns the terminals whose
 * state had changed: the caller rolls back.
 */
async function writeCounters(client: PoolClient, counters: IngestWrite['counters']): Promise<string[]> {
  if (counters.length === 0) return [];
  const sorted = [...counters].sort((a, b) => compareIds(a.state.terminalId, b.state.terminalId));
  const ids = sorted.map((c) => c.state.terminalId);
  const locked = await client.query<{ terminal_id: string; version: number }>({
    name: 'satiot_lock_counters',
    text: 'SELECT terminal_id, version FROM terminal_counters WHERE terminal_id = ANY($1::text[]) ORDER BY terminal_id FOR UPDATE',
    values: [ids],
  });
  const stored = new Map(locked.rows.map((r) => [r.terminal_id, r.version]));
  const conflicts = sorted
    .filter((c) => (c.expectedVersion === -1 ? stored.has(c.state.terminalId) : stored.get(c.state.terminalId) !== c.expectedVersion))
    .map((c) => c.state.terminalId);
  if (conflicts.length > 0) return conflicts;

  const updates = sorted.filter((c) => c.expectedVersion !== -1);
  const inserts = sorted.filter((c) => c.expectedVersion === -1);
  const written = new Set<string>();
  if (updates.length > 0) {
    const r = await client.query<{ terminal_id: string }>({
      name: 'satiot_update_counters',
      text: `UPDATE terminal_counters AS c
        SET f_cnt_up_top = u.f_cnt_up_top, window_bits = u.window_bits, f_cnt_down = u.f_cnt_down, version = u.version
        FROM unnest($1::text[], $2::int8[], $3::text[], $4::int8[], $5::int8[], $6::int8[])
          AS u (terminal_id, f_cnt_up_top, window_bits, f_cnt_down, version, expected_version)
        WHERE c.terminal_id = u.terminal_id AND c.version = u.expected_version
        RETURNING c.terminal_id`,
      values: [
        updates.map((c) => c.state.terminalId), updates.map((c) => c.state.fCntUpTop), updates.map((c) => c.state.windowBits),
        updates.map((c) => c.state.fCntDown), updates.map((c) => c.state.version), updates.map((c) => c.expectedVersion),
      ],
    });
    for (const row of r.rows) written.add(row.terminal_id);
  }
  if (inserts.length > 0) {
    const r = await client.query<{ terminal_id: string }>({
      name: 'satiot_insert_counters',
      text: `INSERT INTO terminal_counters (terminal_id, f_cnt_up_top, window_bits, f_cnt_down, version)
        SELECT * FROM unnest($1::text[], $2::int8[], $3::text[], $4::int8[], $5::int8[])
        ON CONFLICT (terminal_id) DO NOTHING
        RETURNING terminal_id`,
      values: [
        inserts.map((c) => c.state.terminalId), inserts.map((c) => c.state.fCntUpTop), inserts.map((c) => c.state.windowBits),
        inserts.map((c) => c.state.fCntDown), inserts.map((c) => c.state.version),
      ],
    });
    for (const row of r.rows) written.add(row.terminal_id);
  }
  return ids.filter((id) => !written.has(id));
}

async function insertMessages(client: PoolClient, messages: IngestWrite['newMessages']): Promise<void> {
  if (messages.length === 0) return;
  const m = [...messages].sort((a, b) => compareIds(a.id, b.id));
  await client.query({
    name: 'satiot_insert_messages',
    text: `INSERT INTO messages (id, tenant_id, terminal_id, dev_eui, f_cnt, f_port, payload, confirmed, ack,
        captured_at, downlinked_at, ingested_at)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::int4[], $7::bytea[],
        $8::bool[], $9::bool[], $10::int8[], $11::int8[], $12::int8[])
      ON CONFLICT (id) DO NOTHING`,
    values: [
      m.map((x) => x.id), m.map((x) => x.tenantId), m.map((x) => x.terminalId), m.map((x) => x.devEui),
      m.map((x) => x.fCnt), m.map((x) => x.fPort), m.map((x) => asBuffer(x.payload)),
      m.map((x) => x.confirmed), m.map((x) => x.ack),
      m.map((x) => x.capturedAt), m.map((x) => x.downlinkedAt), m.map((x) => x.ingestedAt),
    ],
  });
}

async function insertReceptions(client: PoolClient, receptions: IngestWrite['receptions']): Promise<void> {
  if (receptions.length === 0) return;
  const r = [...receptions].sort((a, b) => compareIds(a.messageId, b.messageId) || compareIds(a.stationId, b.stationId)
    || compareIds(a.satelliteId, b.satelliteId) || a.capturedAt - b.capturedAt);
  await client.query({
    name: 'satiot_insert_receptions',
    text: `INSERT INTO receptions (message_id, station_id, satellite_id, captured_at, downlinked_at, received_at,
        rssi, snr, frequency_offset_hz)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::int8[], $6::int8[],
        $7::float8[], $8::float8[], $9::float8[])
      ON CONFLICT DO NOTHING`,
    values: [
      r.map((x) => x.messageId), r.map((x) => x.stationId), r.map((x) => x.satelliteId),
      r.map((x) => x.capturedAt), r.map((x) => x.downlinkedAt), r.map((x) => x.receivedAt),
      r.map((x) => x.rssi), r.map((x) => x.snr), r.map((x) => x.frequencyOffsetHz),
    ],
  });
}

/** Several entries for one message fold into their minimum first (UPDATE … FROM applies one row per target). */
async function lowerTimes(client: PoolClient, times: IngestWrite['earlierTimes']): Promise<void> {
  if (times.length === 0) return;
  await client.query({
    name: 'satiot_lower_times',
    text: `UPDATE messages AS m
      SET captured_at = LEAST(m.captured_at, u.captured_at), downlinked_at = LEAST(m.downlinked_at, u.downlinked_at)
      FROM (SELECT id, min(captured_at) AS captured_at, min(downlinked_at) AS downlinked_at
            FROM unnest($1::text[], $2::int8[], $3::int8[]) AS t (id, captured_at, downlinked_at) GROUP BY id) AS u
      WHERE m.id = u.id AND (u.captured_at < m.captured_at OR u.downlinked_at < m.downlinked_at)`,
    values: [times.map((t) => t.messageId), times.map((t) => t.capturedAt), times.map((t) => t.downlinkedAt)],
  });
}

/** Summed per (station, code) first: ON CONFLICT DO UPDATE may touch a row once per statement. */
async function addRejections(client: PoolClient, rejections: IngestWrite['rejections']): Promise<void> {
  if (rejections.length === 0) return;
  await client.query({
    name: 'satiot_add_rejections',
    text: `INSERT INTO rejection_tallies (station_id, code, count)
      SELECT station_id, code, sum(count) FROM unnest($1::text[], $2::text[], $3::int8[]) AS t (station_id, code, count)
      GROUP BY station_id, code ORDER BY station_id, code
      ON CONFLICT (station_id, code) DO UPDATE SET count = rejection_tallies.count + excluded.count`,
    values: [rejections.map((j) => j.stationId), rejections.map((j) => j.code), rejections.map((j) => j.count)],
  });
}

/** One fixed order for every writer, so rows are written (and locked) in the same order. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
