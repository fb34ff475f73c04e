import type { Database } from 'better-sqlite3';

/** How long a writer waits for another connection's write lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;
/**
 * Page cache per connection (KiB; SQLite's default is 2 MiB). Ingest inserts land on every
 * terminal's part of the (terminal_seq, …) message indexes, so a larger cache saves reads.
 */
const CACHE_KIB = 65_536;
/**
 * Checkpoint the WAL once it holds this many pages (16,384 × 4 KiB = 64 MiB; SQLite's default is
 * 1,000). A batch of 1,000 frames dirties hundreds to thousands of scattered pages, so the default
 * checkpointed every few batches, inside the ingest commit; fewer, larger checkpoints write each hot
 * page once. Measured: +30–60 % ingest throughput (test/store/ingest-throughput.bench.ts).
 */
const WAL_CHECKPOINT_PAGES = 16_384;

/**
 * Every connection to a store file, on any thread: WAL with `synchronous = FULL` (a committed
 * transaction survives a crash or power loss), foreign keys on, and the cache and checkpoint sizes
 * above.
 */
export function configureSqlite(db: Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma(`cache_size = -${CACHE_KIB}`);
  db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
}
