import type { Worker } from 'node:worker_threads';
import { CounterConflictError, PredecessorFailedError, StaleTerminalError } from '../../core/ports/store.js';
import type { ErrorCode } from '../../errors/error-codes.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { startWorkerModule } from '../../plan/worker-module.js';
import { transferablesOf, type IngestBatch, type IngestSeqsFound } from './ingest-batch.js';

/** What the writer thread is started with. */
export interface WriterSetup {
  readonly path: string;
}
/** A batch to commit; or, after a failed one, the word to go on; or the request to close the connection and end. */
export interface WriterRequest {
  readonly id: number;
  readonly batch?: IngestBatch;
  readonly reset?: true;
  readonly close?: true;
}
/** The outcome of one batch: the seqs it looked up, or why it was not written (it was rolled back). */
export interface WriterReply {
  readonly id: number;
  readonly found?: IngestSeqsFound;
  readonly error?:
    | { kind: 'predecessor' }
    | { kind: 'counter-conflict' | 'stale'; terminalIds: string[] }
    | { kind: 'satiot'; code: ErrorCode; message: string; details: Readonly<Record<string, unknown>> }
    | { kind: 'error'; message: string; code?: string };
}

function errorOf(e: NonNullable<WriterReply['error']>): Error {
  switch (e.kind) {
    case 'predecessor':
      return new PredecessorFailedError();
    case 'counter-conflict':
      return new CounterConflictError(e.terminalIds);
    case 'stale':
      return new StaleTerminalError(e.terminalIds);
    case 'satiot':
      return new SatiotError(e.code, e.message, e.details);
    default:
      return Object.assign(new Error(`SQLite ingest writer: ${e.message}`), e.code ? { code: e.code } : {});
  }
}

/** Batches one hold of the connection carries at most before the other work waiting for it gets a turn. */
const SESSION_BATCHES = 8;

/** A hold of the store's connection lock while batches are with the writer thread. */
interface Session {
  posted: number;
  inFlight: number;
  readonly release: () => void;
}

/**
 * The ingest transaction on a thread of its own (ingest-writer-worker.ts), with its own connection
 * to the store's file: inserting a group's messages, receptions and events and the fsync of its
 * commit run there while the main thread decides the next group, answers HTTP and runs the event
 * path. Batches are committed one at a time in the order given, and one given while an earlier one
 * was still pending fails unwritten (PredecessorFailedError) when that one fails; a promise resolves
 * once its batch is durable (`synchronous = FULL` on that connection too).
 *
 * Other writers stay off the file meanwhile: the store's connection lock (`lock`) is held from the
 * first batch handed over until none is with the thread (at most SESSION_BATCHES batches a hold),
 * so batches follow each other on the thread without a round trip to the main thread in between,
 * and the main thread's own writes wait their turn asynchronously, never in SQLite's busy handler.
 */
export class SqliteIngestWriter {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (f: IngestSeqsFound) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private failed: Error | undefined;
  private closing: Promise<void> | undefined;
  private exited = false;
  /** Grows with every failed batch (not counting those failed behind it). */
  private failures = 0;
  /** Batches given to commit() and not answered yet. */
  private pending = 0;
  private session: Session | undefined;
  private opening: Promise<void> | undefined;

  constructor(
    path: string,
    private readonly lock: (hold: () => Promise<void>) => Promise<unknown>,
  ) {
    this.worker = startWorkerModule(import.meta.url, 'ingest-writer-worker', {
      workerData: { path } satisfies WriterSetup,
    });
    this.worker.unref();
    this.worker.on('message', (r: WriterReply) => {
      const w = this.waiting.get(r.id);
      if (!w) return;
      this.waiting.delete(r.id);
      if (this.waiting.size === 0) this.worker.unref(); // an idle writer keeps no process alive
      if (!r.error) return w.resolve(r.found!);
      if (r.error.kind !== 'predecessor') {
        this.failures++;
        // Batches sent from now on were decided knowing of this failure: the writer may go on.
        this.worker.postMessage({ id: 0, reset: true } satisfies WriterRequest);
      }
      w.reject(errorOf(r.error));
    });
    const fail = (e: Error): void => {
      this.failed = e;
      this.failures++;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    this.worker.on('error', (e) =>
      fail(Object.assign(new Error(`SQLite ingest writer stopped: ${e.message}`), { cause: e })),
    );
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
  async commit(batch: IngestBatch): Promise<IngestSeqsFound> {
    const failuresAtCall = this.failures,
      behind = this.pending > 0;
    this.pending++;
    try {
      while (!this.session || this.session.posted >= SESSION_BATCHES) await this.hold();
      // Decided on top of a batch that failed since: not written.
      if (behind && this.failures !== failuresAtCall) throw new PredecessorFailedError();
      const s = this.session;
      s.posted++;
      s.inFlight++;
      try {
        return await this.post(batch);
      } finally {
        if (--s.inFlight === 0) {
          if (this.session === s) this.session = undefined;
          s.release();
        }
      }
    } finally {
      this.pending--;
    }
  }

  /** Waits for the connection lock and holds it as the current session. */
  private hold(): Promise<void> {
    this.opening ??= new Promise<void>((entered, failed) => {
      this.lock(
        () =>
          new Promise<void>((release) => {
            this.session = { posted: 0, inFlight: 0, release };
            this.opening = undefined;
            entered();
          }),
      ).catch((e: unknown) => {
        this.opening = undefined;
        failed(e);
      });
    });
    return this.opening;
  }

  private post(batch: IngestBatch): Promise<IngestSeqsFound> {
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
