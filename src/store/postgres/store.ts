import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { PoolClient } from 'pg';
import { CounterConflictError, StaleTerminalError, type IngestWrite } from '../../core/ports/store.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { checkIngestWrite } from '../ingest-checks.js';
import { KyselyStore } from '../kysely/store.js';
import { parseMessageId } from '../message-key.js';
import { asBuffer } from '../row-mapping.js';
import type { ConstraintViolation, StoreCapabilities, UniqueKey } from '../store-capabilities.js';
import type { StoreDatabase } from '../store-schema.js';
import { migratePostgres } from './migrations.js';
import { PostgresAuditStore } from './audit-store.js';
import { TransactionStore } from '../kysely/transaction-store.js';
import { uplinkOutboxEvent, type UplinkVia } from '../../core/events/uplink-event.js';
import { UNIQUE_EVENT_ID_PREDICATE } from '../outbox-unique-ids.js';

export const POSTGRES_CAPABILITIES: StoreCapabilities = { nativeBooleans: true, serverClock: true };

export interface PostgresStoreOptions {
  /** Schema for satiot's tables (created by migrate()); the server's default search_path when absent. */
  readonly schema?: string;
  /** Pool size; 10 by default. */
  readonly maxConnections?: number;
  /** How long a query waits for a connection before failing (the server unreachable), ms; 5 s by default. */
  readonly connectTimeoutMs?: number;
}

/** Unquoted PostgreSQL identifiers that need no quoting anywhere (search_path, DDL). */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Named constraints of postgres/migrations.ts, in the schema's terms. */
const UNIQUE_CONSTRAINTS: Readonly<Record<string, UniqueKey>> = {
  tenants_pkey: 'tenants.id',
  terminals_id_key: 'terminals.id',
  terminals_dev_eui_key: 'terminals.dev_eui',
  terminals_imei_idx: 'terminals.imei',
  ground_stations_id_key: 'ground_stations.id',
  ground_stations_token_hash_key: 'ground_stations.token_hash',
  ground_stations_gateway_eui_idx: 'ground_stations.gateway_eui',
  user_codecs_tenant_name_key: 'user_codecs.tenant_id+name',
};

/** SQLSTATEs: a concurrent writer won (retrying with fresh counters is the answer, as for a version conflict). */
const DEADLOCK_DETECTED = '40P01';
const FOREIGN_KEY_VIOLATION = '23503';
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
  readonly audit: PostgresAuditStore;

  constructor(
    connectionString: string,
    readonly options: PostgresStoreOptions = {},
  ) {
    const schema = options.schema;
    if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
      throw new SatiotError(
        'INVALID_ARGUMENT',
        'A PostgreSQL schema name is lowercase letters, digits and underscores.',
        { schema },
      );
    }
    const pool = new pg.Pool({
      ...withSearchPath(connectionString, schema),
      max: options.maxConnections ?? 10,
      // A server that is down fails a request within seconds (503 STORE_UNAVAILABLE) instead of hanging it.
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      // int8 (bigint, count(*)) as JS numbers: every stored value fits in 2^53.
      types: {
        getTypeParser: (oid, format) =>
          oid === pg.types.builtins.INT8 ? parseInt8 : pg.types.getTypeParser(oid, format),
      },
    });
    // A connection that breaks (a server restart, a failover) must never end the process: an idle
    // one is dropped by the pool (its 'error'), and one checked out — between two statements of a
    // transaction — emits 'error' on its own client, which then fails its next query instead.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => {
      client.on('error', () => undefined);
    });
    super(new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) }), POSTGRES_CAPABILITIES);
    this.pool = pool;
    this.audit = new PostgresAuditStore(this.db);
  }

  async migrate(): Promise<void> {
    await migratePostgres(this.pool, this.options.schema);
  }

  protected transaction<T>(fn: (trx: Kysely<StoreDatabase>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  protected bind(trx: Kysely<StoreDatabase>): TransactionStore {
    return new TransactionStore(trx, POSTGRES_CAPABILITIES, {
      backend: 'postgres',
      violation: (e) => this.constraintViolation(e),
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.destroy(); // ends the pool
  }

  async commitIngest(w: IngestWrite): Promise<void> {
    checkIngestWrite(w);
    const seqs = await this.resolveSeqs(w);
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const conflicts = await writeCounters(client, w.counters, seqs.terminals);
      if (conflicts.length > 0) throw new CounterConflictError(conflicts);
      const messageSeqs = await insertMessages(client, w.newMessages, seqs.terminals);
      const inserted = new Set(messageSeqs.keys()); // insertReceptions adds the seqs of messages stored before
      await insertReceptions(client, w.receptions, messageSeqs, seqs);
      await lowerTimes(client, w.earlierTimes, seqs.terminals);
      await addRejections(client, w.rejections, w.at ?? Date.now());
      await appendEvents(client, w, inserted);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      const code = sqlState(e);
      if (code === DEADLOCK_DETECTED || code === SERIALIZATION_FAILURE) {
        throw new CounterConflictError(w.counters.map((c) => c.state.terminalId));
      }
      if (code === FOREIGN_KEY_VIOLATION) {
        // A terminal this node still knew was deleted through another one: say which, forget them.
        const gone = await this.goneTerminals(w);
        if (gone.length > 0) throw new StaleTerminalError(gone);
      }
      throw e;
    } finally {
      client.release(broken);
    }
  }

  /**
   * The seqs of every terminal and station the write names (from the caches: a query only for
   * misses). A counter state, new message or reception of an unknown terminal or station is refused;
   * earlierTimes of an unknown message are ignored, as for a known terminal.
   */
  private async resolveSeqs(w: IngestWrite): Promise<IngestSeqs> {
    const terminalIds = new Set<string>();
    for (const c of w.counters) terminalIds.add(c.state.terminalId);
    for (const m of w.newMessages) terminalIds.add(m.terminalId);
    for (const r of w.receptions) {
      const k = parseMessageId(r.messageId);
      if (k) terminalIds.add(k.terminalId);
    }
    for (const t of w.earlierTimes) {
      const k = parseMessageId(t.messageId);
      if (k) terminalIds.add(k.terminalId);
    }
    const terminals = await this.keys.terminalSeqsOf(terminalIds);
    const stale = new Set<string>();
    for (const id of [...w.counters.map((c) => c.state.terminalId), ...w.newMessages.map((m) => m.terminalId)]) {
      if (!terminals.has(id)) stale.add(id);
    }
    if (stale.size > 0) throw new StaleTerminalError([...stale]);
    const stations = await this.keys.stationSeqsOf(w.receptions.map((r) => r.stationId));
    for (const r of w.receptions) {
      if (!stations.has(r.stationId))
        throw new SatiotError('INVALID_ARGUMENT', `No ground station ${r.stationId}.`, { stationId: r.stationId });
    }
    return { terminals, stations };
  }

  /** Terminals of `w` whose rows are gone; forgotten by the seq cache. */
  private async goneTerminals(w: IngestWrite): Promise<string[]> {
    const ids = [...new Set([...w.counters.map((c) => c.state.terminalId), ...w.newMessages.map((m) => m.terminalId)])];
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM terminals WHERE id = ANY($1::text[])', [
      ids,
    ]);
    const present = new Set(rows.map((r) => r.id));
    const gone = ids.filter((id) => !present.has(id));
    for (const id of gone) this.keys.terminals.delete(id);
    return gone;
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
function withSearchPath(
  connectionString: string,
  schema: string | undefined,
): { connectionString: string; options?: string } {
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

interface IngestSeqs {
  readonly terminals: ReadonlyMap<string, number>;
  readonly stations: ReadonlyMap<string, number>;
}

/**
 * Locks the batch's counter rows in terminal_seq order (two writers never wait on each other in a
 * cycle), then applies each state only where the stored version is the expected one; a new row only
 * where none exists (a concurrent insert makes ON CONFLICT do nothing). Returns the terminals whose
 * state had changed (by id): the caller rolls back.
 */
async function writeCounters(
  client: PoolClient,
  counters: IngestWrite['counters'],
  terminalSeqs: ReadonlyMap<string, number>,
): Promise<string[]> {
  if (counters.length === 0) return [];
  const sorted = [...counters].sort((a, b) => compareIds(a.state.terminalId, b.state.terminalId));
  const seqOf = (c: IngestWrite['counters'][number]): number => terminalSeqs.get(c.state.terminalId)!;
  const locked = await client.query<{ terminal_seq: number; version: number }>({
    name: 'satiot_lock_counters',
    text:
      'SELECT terminal_seq, version FROM terminal_counters WHERE terminal_seq = ANY($1::int8[]) ORDER BY ' +
      'terminal_seq FOR UPDATE',
    values: [sorted.map(seqOf)],
  });
  const stored = new Map(locked.rows.map((r) => [r.terminal_seq, r.version]));
  const conflicts = sorted
    .filter((c) => (c.expectedVersion === -1 ? stored.has(seqOf(c)) : stored.get(seqOf(c)) !== c.expectedVersion))
    .map((c) => c.state.terminalId);
  if (conflicts.length > 0) return conflicts;

  const updates = sorted.filter((c) => c.expectedVersion !== -1);
  const inserts = sorted.filter((c) => c.expectedVersion === -1);
  const written = new Set<number>();
  if (updates.length > 0) {
    const r = await client.query<{ terminal_seq: number }>({
      name: 'satiot_update_counters',
      text: `UPDATE terminal_counters AS c
        SET f_cnt_up_top = u.f_cnt_up_top, window_bits = u.window_bits, f_cnt_down = u.f_cnt_down, version = u.version
        FROM unnest($1::int8[], $2::int8[], $3::text[], $4::int8[], $5::int8[], $6::int8[])
          AS u (terminal_seq, f_cnt_up_top, window_bits, f_cnt_down, version, expected_version)
        WHERE c.terminal_seq = u.terminal_seq AND c.version = u.expected_version
        RETURNING c.terminal_seq`,
      values: [
        updates.map(seqOf),
        updates.map((c) => c.state.fCntUpTop),
        updates.map((c) => c.state.windowBits),
        updates.map((c) => c.state.fCntDown),
        updates.map((c) => c.state.version),
        updates.map((c) => c.expectedVersion),
      ],
    });
    for (const row of r.rows) written.add(row.terminal_seq);
  }
  if (inserts.length > 0) {
    const r = await client.query<{ terminal_seq: number }>({
      name: 'satiot_insert_counters',
      text: `INSERT INTO terminal_counters (terminal_seq, f_cnt_up_top, window_bits, f_cnt_down, version)
        SELECT * FROM unnest($1::int8[], $2::int8[], $3::text[], $4::int8[], $5::int8[])
        ON CONFLICT (terminal_seq) DO NOTHING
        RETURNING terminal_seq`,
      values: [
        inserts.map(seqOf),
        inserts.map((c) => c.state.fCntUpTop),
        inserts.map((c) => c.state.windowBits),
        inserts.map((c) => c.state.fCntDown),
        inserts.map((c) => c.state.version),
      ],
    });
    for (const row of r.rows) written.add(row.terminal_seq);
  }
  return sorted.filter((c) => !written.has(seqOf(c))).map((c) => c.state.terminalId);
}

/** Inserts the new messages in (terminal_seq, f_cnt) order; returns the seqs of those it inserted, by message id. */
async function insertMessages(
  client: PoolClient,
  messages: IngestWrite['newMessages'],
  terminalSeqs: ReadonlyMap<string, number>,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (messages.length === 0) return out;
  const m = messages
    .map((x) => ({ x, seq: terminalSeqs.get(x.terminalId)! }))
    .sort((a, b) => a.seq - b.seq || a.x.fCnt - b.x.fCnt);
  const r = await client.query<{ seq: number; terminal_seq: number; f_cnt: number }>({
    name: 'satiot_insert_messages',
    text: `INSERT INTO messages (tenant_id, terminal_seq, dev_eui, f_cnt, f_port, payload, confirmed, ack,
        captured_at, downlinked_at, ingested_at)
      SELECT * FROM unnest($1::text[], $2::int8[], $3::text[], $4::int8[], $5::int4[], $6::bytea[],
        $7::bool[], $8::bool[], $9::int8[], $10::int8[], $11::int8[])
      ON CONFLICT (terminal_seq, f_cnt) DO NOTHING
      RETURNING seq, terminal_seq, f_cnt`,
    values: [
      m.map((e) => e.x.tenantId),
      m.map((e) => e.seq),
      m.map((e) => e.x.devEui),
      m.map((e) => e.x.fCnt),
      m.map((e) => e.x.fPort),
      m.map((e) => asBuffer(e.x.payload)),
      m.map((e) => e.x.confirmed),
      m.map((e) => e.x.ack),
      m.map((e) => e.x.capturedAt),
      m.map((e) => e.x.downlinkedAt),
      m.map((e) => e.x.ingestedAt),
    ],
  });
  const idOf = new Map(m.map((e) => [`${e.seq}:${e.x.fCnt}`, e.x.id]));
  for (const row of r.rows) out.set(idOf.get(`${row.terminal_seq}:${row.f_cnt}`)!, row.seq);
  return out;
}

/**
 * Receptions of the batch's new messages use the seqs the insert returned; the others (duplicates,
 * and new messages a concurrent writer inserted first) are looked up by (terminal_seq, f_cnt) in
 * one query. A reception of a message that is not stored fails the write.
 */
async function insertReceptions(
  client: PoolClient,
  receptions: IngestWrite['receptions'],
  messageSeqs: Map<string, number>,
  seqs: IngestSeqs,
): Promise<void> {
  if (receptions.length === 0) return;
  const missing = new Map<string, { terminalSeq: number; fCnt: number }>();
  for (const r of receptions) {
    if (messageSeqs.has(r.messageId) || missing.has(r.messageId)) continue;
    const k = parseMessageId(r.messageId);
    const terminalSeq = k && seqs.terminals.get(k.terminalId);
    if (!k || terminalSeq === undefined) throw unknownMessage(r.messageId);
    missing.set(r.messageId, { terminalSeq, fCnt: k.fCnt });
  }
  if (missing.size > 0) {
    const keys = [...missing];
    const found = await client.query<{ seq: number; terminal_seq: number; f_cnt: number }>({
      name: 'satiot_message_seqs',
      text: `SELECT m.seq, m.terminal_seq, m.f_cnt
        FROM unnest($1::int8[], $2::int8[]) AS k (terminal_seq, f_cnt)
        JOIN messages AS m ON m.terminal_seq = k.terminal_seq AND m.f_cnt = k.f_cnt`,
      values: [keys.map(([, k]) => k.terminalSeq), keys.map(([, k]) => k.fCnt)],
    });
    const idOf = new Map(keys.map(([id, k]) => [`${k.terminalSeq}:${k.fCnt}`, id]));
    for (const row of found.rows) messageSeqs.set(idOf.get(`${row.terminal_seq}:${row.f_cnt}`)!, row.seq);
  }
  const r = receptions
    .map((x) => {
      const messageSeq = messageSeqs.get(x.messageId);
      if (messageSeq === undefined) throw unknownMessage(x.messageId);
      return { x, messageSeq, stationSeq: seqs.stations.get(x.stationId)! };
    })
    .sort(
      (a, b) =>
        a.messageSeq - b.messageSeq ||
        a.stationSeq - b.stationSeq ||
        compareIds(a.x.satelliteId, b.x.satelliteId) ||
        a.x.capturedAt - b.x.capturedAt,
    );
  // The copies stored for the first time count in their hour's traffic (one written again by a retry does
  // not), in this connection's shard of the hour's row, so that concurrent ingests do not queue on it.
  await client.query({
    name: 'satiot_insert_receptions',
    text: `WITH added AS (
        INSERT INTO receptions (message_seq, station_seq, satellite_id, captured_at, downlinked_at, received_at,
          rssi, snr, frequency_offset_hz, frequency_mhz, data_rate)
        SELECT * FROM unnest($1::int8[], $2::int8[], $3::text[], $4::int8[], $5::int8[], $6::int8[],
          $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::text[])
        ON CONFLICT DO NOTHING
        RETURNING station_seq, satellite_id, received_at)
      INSERT INTO traffic_hours (hour, station_seq, satellite_id, shard, receptions)
      SELECT received_at / 3600000, station_seq, satellite_id, pg_backend_pid() % 8, count(*) FROM added
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT (hour, station_seq, satellite_id, shard) DO UPDATE SET receptions = traffic_hours.receptions + excluded.receptions`,
    values: [
      r.map((e) => e.messageSeq),
      r.map((e) => e.stationSeq),
      r.map((e) => e.x.satelliteId),
      r.map((e) => e.x.capturedAt),
      r.map((e) => e.x.downlinkedAt),
      r.map((e) => e.x.receivedAt),
      r.map((e) => e.x.rssi),
      r.map((e) => e.x.snr),
      r.map((e) => e.x.frequencyOffsetHz),
      r.map((e) => e.x.frequencyMHz ?? null),
      r.map((e) => e.x.dataRate ?? null),
    ],
  });
}

function unknownMessage(messageId: string): SatiotError {
  return new SatiotError('INVALID_ARGUMENT', `No message ${messageId} for a reception.`, { messageId });
}

/**
 * Several entries for one message fold into their minimum first (UPDATE … FROM applies one row per
 * target); entries of unknown messages are ignored.
 */
async function lowerTimes(
  client: PoolClient,
  times: IngestWrite['earlierTimes'],
  terminalSeqs: ReadonlyMap<string, number>,
): Promise<void> {
  const t = times.flatMap((x) => {
    const k = parseMessageId(x.messageId);
    const terminalSeq = k && terminalSeqs.get(k.terminalId);
    return k && terminalSeq !== undefined
      ? [{ terminalSeq, fCnt: k.fCnt, capturedAt: x.capturedAt, downlinkedAt: x.downlinkedAt }]
      : [];
  });
  if (t.length === 0) return;
  await client.query({
    name: 'satiot_lower_times',
    text: `UPDATE messages AS m
      SET captured_at = LEAST(m.captured_at, u.captured_at), downlinked_at = LEAST(m.downlinked_at, u.downlinked_at)
      FROM (SELECT terminal_seq, f_cnt, min(captured_at) AS captured_at, min(downlinked_at) AS downlinked_at
            FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::int8[]) AS t (terminal_seq, f_cnt, captured_at, downlinked_at)
            GROUP BY terminal_seq, f_cnt) AS u
      WHERE m.terminal_seq = u.terminal_seq AND m.f_cnt = u.f_cnt
        AND (u.captured_at < m.captured_at OR u.downlinked_at < m.downlinked_at)`,
    values: [
      t.map((x) => x.terminalSeq),
      t.map((x) => x.fCnt),
      t.map((x) => x.capturedAt),
      t.map((x) => x.downlinkedAt),
    ],
  });
}
/** Summed per (station, code) first: ON CONFLICT DO UPDATE may touch a row once per statement. */
async function addRejections(client: PoolClient, rejections: IngestWrite['rejections'], at: number): Promise<void> {
  if (rejections.length === 0) return;
  await client.query({
    name: 'satiot_add_rejections',
    text: `INSERT INTO rejection_tallies (station_id, code, count)
      SELECT station_id, code, sum(count) FROM unnest($1::text[], $2::text[], $3::int8[]) AS t (station_id, code, count)
      GROUP BY station_id, code ORDER BY station_id, code
      ON CONFLICT (station_id, code) DO UPDATE SET count = rejection_tallies.count + excluded.count`,
    values: [rejections.map((j) => j.stationId), rejections.map((j) => j.code), rejections.map((j) => j.count)],
  });
  await client.query({
    name: 'satiot_add_rejection_hours',
    text: `INSERT INTO rejection_hours (hour, station_id, code, count)
      SELECT $4::int8, station_id, code, sum(count) FROM unnest($1::text[], $2::text[], $3::int8[]) AS t (station_id, code, count)
      GROUP BY station_id, code ORDER BY station_id, code
      ON CONFLICT (hour, station_id, code) DO UPDATE SET count = rejection_hours.count + excluded.count`,
    values: [
      rejections.map((j) => j.stationId),
      rejections.map((j) => j.code),
      rejections.map((j) => j.count),
      Math.floor(at / 3_600_000),
    ],
  });
}

/**
 * The batch's events into the outbox, in their order: the uplink events of the messages this write
 * inserted (`inserted`: a message another writer stored first has its event already), then the
 * others (an id already there is left as it is).
 */
async function appendEvents(client: PoolClient, w: IngestWrite, inserted: ReadonlySet<string>): Promise<void> {
  const via = new Map<string, UplinkVia>();
  for (const r of w.receptions)
    if (!via.has(r.messageId)) via.set(r.messageId, { stationId: r.stationId, satelliteId: r.satelliteId });
  const uplinks = w.uplinkEvents
    ? w.newMessages.filter((m) => inserted.has(m.id)).map((m) => uplinkOutboxEvent(m, via.get(m.id)))
    : [];
  const events = [...uplinks, ...(w.events ?? [])];
  if (events.length === 0) return;
  const at = w.eventsAt ?? Date.now();
  await client.query({
    name: 'satiot_append_events',
    text: `INSERT INTO outbox (event_id, subject, data, created_at)
      SELECT e.event_id, e.subject, e.data, $4 FROM unnest($1::text[], $2::text[], $3::bytea[]) WITH ORDINALITY AS e (event_id, subject, data, n)
      ORDER BY e.n
      ON CONFLICT (event_id) WHERE ${UNIQUE_EVENT_ID_PREDICATE} DO NOTHING`,
    values: [events.map((e) => e.id), events.map((e) => e.subject), events.map((e) => asBuffer(e.data)), at],
  });
}

/** One fixed order for every writer, so rows are written (and locked) in the same order. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
