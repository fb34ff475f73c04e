import type { Worker } from 'node:worker_threads';
import { CounterConflictError, StaleTerminalError } from '../../core/ports/store.js';
import type { ErrorCode } from '../../errors/error-codes.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { startWorkerModule } from '../../plan/worker-module.js';
import { transferablesOf, type IngestBatch, type IngestSeqsFound } from './ingest-batch.js';

/** What the writer thread is started with. */
export interface WriterSetup {
  readonly path: string;
}
/** A batch to commit, or the request to close the connection and end. */
export interface WriterRequest {
  readonly id: number;
  readonly batch?: IngestBatch;
  readonly close?: true;
}
/** The outcome of one batch: the seqs it looked up, or why it was not written (it was rolled back). */
export interface WriterReply {
  readonly id: number;
  readonly found?: IngestSeqsFound;
  readonly error?:
    | { kind: 'counter-conflict' | 'stale'; terminalIds: string[] }
    | { kind: 'satiot'; code: ErrorCode; message: string; details: Readonly<Record<string, unknown>> }
    | { kind: 'error'; message: string; code?: string };
}

function errorOf(e: NonNullable<WriterReply['error']>): Error {
  switch (e.kind) {
    case 'counter-conflict': return new CounterConflictError(e.terminalIds);
    case 'stale': return new StaleTerminalError(e.terminalIds);
    case 'satiot': return new SatiotError(e.code, e.message, e.details);
    default: return Object.assign(new Error(`SQLite ingest writer: ${e.message}`), e.code ? { code: e.code } : {});
  }
}

/**
 * The ingest transaction on a thread of its own (ingest-writer-worker.ts), with its own connection
 * to the store's file: inserting a group's messages, receptions and events and the fsync of its
 * commit run there while the main thread decides the next group, answers HTTP and runs the event
 * path. Batches are committed one at a time in the order given; a promise resolves once its batch
 * is durable (`synchronous = FULL` on that connection too). The caller keeps other writers off the
 * file meanwhile (SqliteStore holds its connection's lock), so the main thread never waits on
 * SQLite's busy handler.
 */
export class SqliteIngestWriter {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (f: IngestSeqsFound) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private failed: Error | undefined;
  private closing: Promise<void> | undefined;
  private exited = false;

  constructor(path: string) {
    this.worker = startWorkerModule(import.meta.url, 'ingest-writer-worker', { workerData: { path } satisfies WriterSetup });
    this.worker.unref();
    this.worker.on('message', (r: WriterReply) => {
      const w = this.waiting.get(r.id);
      if (!w) return;
      this.waiting.delete(r.id);
      if (this.waiting.size === 0) this.worker.unref(); // an idle writer keeps no process alive
      if (r.error) w.reject(errorOf(r.error));
      else w.resolve(r.found!);
    });
    const fail = (e: Error): void => {
      this.failed = e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    this.worker.on('error', (e) => fail(Object.assign(new Error(`SQLite ingest writer stopped: ${e.message}`), { cause: e })));
    this.worker.on('exit', (code) => {
      this.exited = true;
      if (!this.closing) fail(new Error(`SQLite ingest writer exited (code ${code})`));
    });
  }

  /** The thread stopped (crashed or was ended): it takes no more batches. */
  get broken(): boolean {
    return this.failed !== undefined;
  }

  /** Commits `batch` (its buffers move to the writer thread: do not touch them after). */
  commit(batch: IngestBatch): Promise<IngestSeqsFound> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.closing) return Promise.reject(new Error('SQLite ingest writer is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, batch } satisfies WriterRequest, transferablesOf(batch));
    });
  }

  /** Lets committed batches finish, closes the writer's connection and ends the thread. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      this.worker.once('exit', () => resolve());
      this.worker.ref();
      this.worker.postMessage({ id: 0, close: true } satisfies WriterRequest);
    });
    return this.closing;
  }
}
