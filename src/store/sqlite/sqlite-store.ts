import BetterSqlite3 from 'better-sqlite3';
import type { Database, Transaction } from 'better-sqlite3';
import { Kysely, sql, SqliteDialect } from 'kysely';
import { CounterConflictError, StaleTerminalError, type IngestWrite } from '../../core/ports/store.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { checkIngestWrite } from '../ingest-checks.js';
import { KyselyStore } from '../kysely-store.js';
import { parseMessageId } from '../message-key.js';
import { asBuffer } from '../row-mapping.js';
import type { ConstraintViolation, StoreCapabilities, UniqueKey } from '../store-capabilities.js';
import type { StoreDatabase } from '../store-schema.js';
import { migrateSqlite } from './migrations.js';
import { SqliteAuditStore } from './audit-store-sqlite.js';
import { TransactionStore } from '../transaction-store.js';
import { withStatementCache } from './statement-cache.js';

export const SQLITE_CAPABILITIES: StoreCapabilities = { nativeBooleans: false, serverClock: false };

/** How long a writer waits for another process's write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;
/**
 * Page cache per connection (KiB; SQLite's default is 2 MiB). Ingest inserts land on every
 * terminal's part of the (terminal_seq, …) message indexes, so a larger cache saves reads.
 */
const CACHE_KIB = 65_536;
/**
 * Checkpoint the WAL once it holds this many pages (16,384 × 4 KiB = 64 MiB; SQLite's default is
 * 1,000). A batch of 1,000 frames dirties hundreds to thousands of scattered pages, so the default
 * checkpointed every few batches, inside commitIngest; fewer, larger checkpoints write each hot page
 * once. Measured: +30–60 % ingest throughput (test/store/ingest-throughput.bench.ts).
 */
const WAL_CHECKPOINT_PAGES = 16_384;

const UNIQUE_KEYS: ReadonlySet<string> = new Set<UniqueKey>(['tenants.id', 'terminals.id', 'terminals.dev_eui', 'ground_stations.id', 'ground_stations.token_hash']);

/**
 * The embedded store: one SQLite file (better-sqlite3) in WAL mode with `synchronous = FULL`, so a
 * committed transaction survives a crash or power loss. Normal queries go through Kysely; the
 * ingest path runs prepared statements in one IMMEDIATE transaction.
 *
 * One connection serves everything, guarded by Kysely's connection mutex: a transaction of
 * `atomically()` holds it from BEGIN IMMEDIATE to COMMIT, and the synchronous raw transactions
 * (ingest, audit) take it too (`exclusive`), so none of them ever runs inside another's BEGIN.
 */
export class SqliteStore extends KyselyStore {
  readonly backend = 'sqlite' as const;
  private readonly sqlite: Database;
  private ingestTx: Transaction<(w: IngestWrite) => void> | undefined;
  private closed = false;
  readonly audit: SqliteAuditStore;

  /** `path` is the database file (its directory must exist), or ':memory:'. */
  constructor(readonly path: string) {
    const sqlite = new BetterSqlite3(path, { timeout: BUSY_TIMEOUT_MS });
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    sqlite.pragma(`cache_size = -${CACHE_KIB}`);
    sqlite.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
    super(new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) }), SQLITE_CAPABILITIES);
    this.sqlite = sqlite;
    this.audit = new SqliteAuditStore(this.db, sqlite, (fn) => this.exclusive(fn));
  }

  /** Runs a synchronous raw transaction while no Kysely transaction holds the connection. */
  private exclusive<T>(fn: () => T): Promise<T> {
    return this.db.connection().execute(async () => fn());
  }

  protected transaction<T>(fn: (trx: Kysely<StoreDatabase>) => Promise<T>): Promise<T> {
    return this.db.connection().execute(async (conn) => {
      await sql`BEGIN IMMEDIATE`.execute(conn);
      let out: T;
      try {
        out = await fn(conn);
      } catch (e) {
        // A failed statement may already have ended the transaction; then there is nothing to undo.
        if (this.sqlite.inTransaction) await sql`ROLLBACK`.execute(conn);
        throw e;
      }
      await sql`COMMIT`.execute(conn);
      return out;
    });
  }

  protected bind(trx: Kysely<StoreDatabase>): TransactionStore {
    return new TransactionStore(trx, SQLITE_CAPABILITIES, { backend: 'sqlite', violation: (e) => this.constraintViolation(e) });
  }

  async migrate(): Promise<void> {
    migrateSqlite(this.sqlite);
    this.ingestTx = undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.destroy();
  }

  async commitIngest(w: IngestWrite): Promise<void> {
    checkIngestWrite(w);
    this.ingestTx ??= ingestTransaction(this.sqlite, this.terminalSeqs, this.stationSeqs);
    const tx = this.ingestTx;
    await this.exclusive(() => tx.immediate(w));
  }

  protected constraintViolation(e: unknown): ConstraintViolation | undefined {
    if (!(e instanceof BetterSqlite3.SqliteError)) return undefined;
    if (e.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return { kind: 'foreign-key' };
    if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      // "UNIQUE constraint failed: terminals.dev_eui"
      const key = /constraint failed: (\S+)$/.exec(e.message)?.[1];
      if (/user_codecs\.tenant_id, user_codecs\.name$/.test(e.message)) return { kind: 'unique', key: 'user_codecs.tenant_id+name' };
      return { kind: 'unique', key: key !== undefined && UNIQUE_KEYS.has(key) ? key as UniqueKey : undefined };
    }
    return undefined;
  }
}

/**
 * The ingest write as one transaction over statements prepared once (the schema must exist).
 * Counters go first: on a version mismatch the transaction throws before anything else is written,
 * and better-sqlite3 rolls it back. Terminal and station ids resolve to their seqs through the
 * store's caches (a miss is one indexed lookup, then cached); message ids resolve to message seqs
 * by (terminal_seq, f_cnt), from the batch's own inserts first.
 */
function ingestTransaction(db: Database, terminalSeqs: Map<string, number>, stationSeqs: Map<string, number>): Transaction<(w: IngestWrite) => void> {
  const s = {
    terminalSeq: db.prepare<[string], number>('SELECT seq FROM terminals WHERE id = ?').pluck(),
    stationSeq: db.prepare<[string], number>('SELECT seq FROM ground_stations WHERE id = ?').pluck(),
    insertCounter: db.prepare<[number, number, string, number, number]>(`INSERT INTO terminal_counters (terminal_seq, f_cnt_up_top, window_bits, f_cnt_down, version)
      VALUES (?, ?, ?, ?, ?) ON CONFLICT (terminal_seq) DO NOTHING`),
    updateCounter: db.prepare<[number, string, number, number, number, number]>(`UPDATE terminal_counters SET f_cnt_up_top = ?, window_bits = ?, f_cnt_down = ?, version = ?
      WHERE terminal_seq = ? AND version = ?`),
    insertMessage: db.prepare<[string, number, string, number, number | null, Buffer, 0 | 1, 0 | 1, number, number, number], number>(`INSERT INTO messages (tenant_id, terminal_seq, dev_eui, f_cnt, f_port, payload, confirmed, ack,
      captured_at, downlinked_at, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (terminal_seq, f_cnt) DO NOTHING RETURNING seq`).pluck(),
    messageSeq: db.prepare<[number, number], number>('SELECT seq FROM messages WHERE terminal_seq = ? AND f_cnt = ?').pluck(),
    insertReception: db.prepare<[number, number, string, number, number, number, number | null, number | null, number | null]>(`INSERT INTO receptions (message_seq, station_seq, satellite_id, captured_at, downlinked_at,
      received_at, rssi, snr, frequency_offset_hz) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    lowerTimes: db.prepare<[number, number, number, number]>(`UPDATE messages SET captured_at = min(captured_at, ?), downlinked_at = min(downlinked_at, ?)
      WHERE terminal_seq = ? AND f_cnt = ?`),
    addRejections: db.prepare<[string, string, number]>(`INSERT INTO rejection_tallies (station_id, code, count) VALUES (?, ?, ?)
      ON CONFLICT (station_id, code) DO UPDATE SET count = count + excluded.count`),
    insertEvent: db.prepare<[string, string, Buffer, number]>(`INSERT INTO outbox (event_id, subject, data, created_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (event_id) DO NOTHING`),
  };

  function seqOf(cache: Map<string, number>, lookup: typeof s.terminalSeq, id: string): number | undefined {
    let seq = cache.get(id);
    if (seq === undefined) {
      seq = lookup.get(id);
      if (seq !== undefined) cache.set(id, seq);
    }
    return seq;
  }
  function terminalSeq(id: string): number {
    const seq = seqOf(terminalSeqs, s.terminalSeq, id);
    if (seq === undefined) throw new SatiotError('INVALID_ARGUMENT', `No terminal ${id}.`, { terminalId: id });
    return seq;
  }

  return db.transaction((w: IngestWrite) => {
    // Terminals deleted meanwhile (through another process on the file) change nothing: the caller reloads them.
    const stale = new Set<string>();
    for (const id of [...w.counters.map((c) => c.state.terminalId), ...w.newMessages.map((m) => m.terminalId)]) {
      if (seqOf(terminalSeqs, s.terminalSeq, id) === undefined) stale.add(id);
    }
    if (stale.size > 0) throw new StaleTerminalError([...stale]);
    const conflicts: string[] = [];
    for (const { state: c, expectedVersion } of w.counters) {
      const seq = terminalSeq(c.terminalId);
      const r = expectedVersion === -1
        ? s.insertCounter.run(seq, c.fCntUpTop, c.windowBits, c.fCntDown, c.version)
        : s.updateCounter.run(c.fCntUpTop, c.windowBits, c.fCntDown, c.version, seq, expectedVersion);
      if (r.changes !== 1) conflicts.push(c.terminalId);
    }
    if (conflicts.length > 0) throw new CounterConflictError(conflicts);

    const messageSeqs = new Map<string, number>();
    for (const m of w.newMessages) {
      const tSeq = terminalSeq(m.terminalId);
      const seq = s.insertMessage.get(m.tenantId, tSeq, m.devEui, m.fCnt, m.fPort, asBuffer(m.payload),
        m.confirmed ? 1 : 0, m.ack ? 1 : 0, m.capturedAt, m.downlinkedAt, m.ingestedAt) ?? s.messageSeq.get(tSeq, m.fCnt);
      if (seq !== undefined) messageSeqs.set(m.id, seq);
    }
    for (const r of w.receptions) {
      let seq = messageSeqs.get(r.messageId);
      if (seq === undefined) {
        const key = parseMessageId(r.messageId);
        const tSeq = key && seqOf(terminalSeqs, s.terminalSeq, key.terminalId);
        seq = key && tSeq !== undefined ? s.messageSeq.get(tSeq, key.fCnt) : undefined;
        if (seq === undefined) throw new SatiotError('INVALID_ARGUMENT', `No message ${r.messageId} for a reception.`, { messageId: r.messageId });
        messageSeqs.set(r.messageId, seq);
      }
      const stationSeq = seqOf(stationSeqs, s.stationSeq, r.stationId);
      if (stationSeq === undefined) throw new SatiotError('INVALID_ARGUMENT', `No ground station ${r.stationId}.`, { stationId: r.stationId });
      s.insertReception.run(seq, stationSeq, r.satelliteId, r.capturedAt, r.downlinkedAt, r.receivedAt,
        r.rssi, r.snr, r.frequencyOffsetHz);
    }
    for (const t of w.earlierTimes) {
      const key = parseMessageId(t.messageId);
      const tSeq = key && seqOf(terminalSeqs, s.terminalSeq, key.terminalId);
      if (key && tSeq !== undefined) s.lowerTimes.run(t.capturedAt, t.downlinkedAt, tSeq, key.fCnt);
    }
    for (const j of w.rejections) s.addRejections.run(j.stationId, j.code, j.count);
    if (w.events?.length) {
      const at = w.eventsAt ?? Date.now();
      for (const e of w.events) s.insertEvent.run(e.id, e.subject, asBuffer(e.data), at);
    }
  });
}
