import BetterSqlite3 from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { CounterConflictError, StaleTerminalError } from '../../core/ports/store.js';
import { SatiotError } from '../../errors/satiot-error.js';
import type { IngestBatch } from './ingest-batch.js';
import { ingestTransaction } from './ingest-transaction.js';
import { configureSqlite } from './pragmas.js';
import type { WriterReply, WriterRequest, WriterSetup } from './ingest-writer.js';

/**
 * The SQLite ingest writer thread (ingest-writer.ts starts it): its own connection to the store's
 * file, the same durability settings, and the ingest transaction; one batch at a time, in order.
 */
const { path } = workerData as WriterSetup;
const db = new BetterSqlite3(path);
configureSqlite(db);
const commit = ingestTransaction(db);

function failure(e: unknown): WriterReply['error'] {
  if (e instanceof CounterConflictError) return { kind: 'counter-conflict', terminalIds: [...e.terminalIds] };
  if (e instanceof StaleTerminalError) return { kind: 'stale', terminalIds: [...e.terminalIds] };
  if (e instanceof SatiotError) return { kind: 'satiot', code: e.code, message: e.message, details: e.details };
  const err = e as { message?: unknown; code?: unknown };
  return {
    kind: 'error',
    message: String(err?.message ?? e),
    ...(typeof err?.code === 'string' ? { code: err.code } : {}),
  };
}

/**
 * After a failed batch, the batches already sent behind it were decided on top of it: they fail
 * unwritten until the main thread, having heard of the failure, says to go on.
 */
let poisoned = false;

parentPort!.on('message', (req: WriterRequest) => {
  if (req.close) {
    db.close();
    parentPort!.close();
    return;
  }
  if (req.reset) {
    poisoned = false;
    return;
  }
  let reply: WriterReply;
  if (poisoned) {
    reply = { id: req.id, error: { kind: 'predecessor' } };
  } else {
    try {
      reply = { id: req.id, found: commit.immediate(req.batch as IngestBatch) };
    } catch (e) {
      poisoned = true;
      reply = { id: req.id, error: failure(e) };
    }
  }
  parentPort!.postMessage(reply);
});
