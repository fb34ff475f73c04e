import BetterSqlite3 from 'better-sqlite3';
import type { Database, Transaction } from 'better-sqlite3';
import { Kysely, sql, SqliteDialect } from 'kysely';
import type { IngestWrite } from '../../core/ports/store.js';
import { checkIngestWrite } from '../ingest-checks.js';
import { KyselyStore } from '../kysely/store.js';
import type { ConstraintViolation, StoreCapabilities, UniqueKey } from '../store-capabilities.js';
import type { StoreDatabase } from '../store-schema.js';
import { migrateSqlite } from './migrations.js';
import { SqliteAuditStore } from './audit-store.js';
import { TransactionStore } from '../kysely/transaction-store.js';
import { withStatementCache } from './statement-cache.js';
import { packIngestWrite, type IngestBatch, type IngestSeqsFound } from './ingest-batch.js';
import { ingestTransaction } from './ingest-transaction.js';
import { SqliteIngestWriter } from './ingest-writer.js';
import { BUSY_TIMEOUT_MS, configureSqlite } from './pragmas.js';

export const SQLITE_CAPABILITIES: StoreCapabilities = { nativeBooleans: false, serverClock: false };

const UNIQUE_KEYS: ReadonlySet<string> = new Set<UniqueKey>([
  'tenants.id',
  'terminals.id',
  'terminals.dev_eui',
  'terminals.imei',
  'ground_stations.id',
  'ground_stations.token_hash',
  'ground_stations.gateway_eui',
]);

/**
 * The embedded store: one SQLite file (better-sqlite3) in WAL mode with `synchronous = FULL`, so a
 * committed transaction survives a crash or power loss. Normal queries go through Kysely; the
 * ingest path runs prepared statements in one IMMEDIATE transaction, on a writer thread with its
 * own connection when the store is a file.
 *
 * One connection serves everything, guarded by Kysely's connection mutex: a transaction of
 * `atomically()` holds it from BEGIN IMMEDIATE to COMMIT, and the synchronous raw transactions
 * (ingest, audit) take it too (`exclusive`), so none of them ever runs inside another's BEGIN.
 */
export class SqliteStore extends KyselyStore {
  readonly backend = 'sqlite' as const;
  private readonly sqlite: Database;
  private ingestTx: Transaction<(b: IngestBatch) => IngestSeqsFound> | undefined;
  private writer: SqliteIngestWriter | undefined;
  private readonly useWriterThread: boolean;
  private closed = false;
  readonly audit: SqliteAuditStore;

  /** `path` is the database file (its directory must exist), or ':memory:'. */
  constructor(readonly path: string) {
    const sqlite = new BetterSqlite3(path, { timeout: BUSY_TIMEOUT_MS });
    configureSqlite(sqlite);
    super(
      new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) }),
      SQLITE_CAPABILITIES,
    );
    this.sqlite = sqlite;
    // Another connection cannot open ':memory:': an in-memory store writes on the calling thread.
    this.useWriterThread = !sqlite.memory;
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
    return new TransactionStore(trx, SQLITE_CAPABILITIES, {
      backend: 'sqlite',
      violation: (e) => this.constraintViolation(e),
    });
  }

  async migrate(): Promise<void> {
    // A writer thread prepared its statements on the schema before: start a new one when next needed.
    await this.writer?.close();
    this.writer = undefined;
    migrateSqlite(this.sqlite);
    this.ingestTx = undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writer?.close();
    await this.db.destroy();
  }

  /** With the writer thread, batches may be handed over before the previous one is durable (SqliteIngestWriter). */
  get ingestInOrder(): boolean {
    return this.useWriterThread;
  }

  async commitIngest(w: IngestWrite): Promise<void> {
    checkIngestWrite(w);
    const batch = packIngestWrite(
      w,
      (id) => this.keys.terminals.get(id),
      (id) => this.keys.stations.get(id),
    );
    let found: IngestSeqsFound;
    if (this.useWriterThread) {
      // A writer thread that died failed its batches (rolled back: nothing of them is durable); the next batch gets a
      // new one.
      if (this.writer?.broken) this.writer = undefined;
      this.writer ??= new SqliteIngestWriter(this.path, (hold) => this.exclusive(hold));
      found = await this.writer.commit(batch);
    } else {
      const tx = (this.ingestTx ??= ingestTransaction(this.sqlite));
      found = await this.exclusive(() => tx.immediate(batch));
    }
    for (const [id, seq] of found.terminals) this.keys.terminals.set(id, seq);
    for (const [id, seq] of found.stations) this.keys.stations.set(id, seq);
  }

  protected constraintViolation(e: unknown): ConstraintViolation | undefined {
    if (!(e instanceof BetterSqlite3.SqliteError)) return undefined;
    if (e.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return { kind: 'foreign-key' };
    if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      // "UNIQUE constraint failed: terminals.dev_eui"
      const key = /constraint failed: (\S+)$/.exec(e.message)?.[1];
      if (/user_codecs\.tenant_id, user_codecs\.name$/.test(e.message))
        return { kind: 'unique', key: 'user_codecs.tenant_id+name' };
      return { kind: 'unique', key: key !== undefined && UNIQUE_KEYS.has(key) ? (key as UniqueKey) : undefined };
    }
    return undefined;
  }
}
