import type { Worker } from 'node:worker_threads';
import { startWorkerModule } from '../../plan/worker-module.js';
import { SatiotError } from '../../errors/satiot-error.js';
import type { ErrorCode } from '../../errors/error-codes.js';
import type { PlannerJob } from './planner-jobs.js';

export interface PlannerPoolOptions {
  /** Jobs run at once, each in its own worker thread (default 1: a plan already keeps a core busy). */
  readonly concurrency?: number;
  /** Jobs that may wait for a thread; beyond that a request is refused with PLANNER_BUSY (default 8). */
  readonly maxQueued?: number;
  /** A job running longer is stopped (its thread terminated) with PLANNER_TIMEOUT, ms (default 120 s). */
  readonly timeoutMs?: number;
  /** Heap of one worker thread, MiB (default 2,048: a China plan at resolution 5 needs ~450). */
  readonly maxHeapMb?: number;
  /** Unexpected failures inside a worker (logged by the edge, masked to the caller). */
  readonly onError?: (e: unknown) => void;
}

interface Queued {
  readonly job: PlannerJob;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker | undefined;
  busy: boolean;
}

/**
 * The API's planning jobs (passes, coverage, latency) in worker threads, never on the event loop:
 * a heavy plan cannot hold up ingest, the bus's acknowledgements or health checks. Jobs queue in
 * arrival order up to `maxQueued` (then PLANNER_BUSY, 503 with Retry-After); each runs at most
 * `timeoutMs` (then its thread is terminated and replaced: PLANNER_TIMEOUT). Threads are started on
 * first use and kept.
 */
export class PlannerPool {
  private readonly slots: Slot[];
  private readonly queue: Queued[] = [];
  private readonly maxQueued: number;
  private readonly timeoutMs: number;
  private readonly maxHeapMb: number;
  private nextId = 0;
  private closed = false;

  constructor(private readonly opts: PlannerPoolOptions = {}) {
    this.slots = Array.from({ length: Math.max(1, opts.concurrency ?? 1) }, () => ({ worker: undefined, busy: false }));
    this.maxQueued = opts.maxQueued ?? 8;
    this.timeoutMs = opts.timeoutMs ?? 120_000;
    this.maxHeapMb = opts.maxHeapMb ?? 2_048;
  }

  /** Jobs waiting for a thread, and running. */
  get load(): { readonly queued: number; readonly running: number } {
    return { queued: this.queue.length, running: this.slots.filter((s) => s.busy).length };
  }

  /** Runs a job in a worker thread; its JSON answer, or its SatiotError. */
  run(job: PlannerJob): Promise<unknown> {
    if (this.closed) return Promise.reject(new SatiotError('NOT_READY', 'the planner is stopping'));
    if (this.queue.length >= this.maxQueued && this.slots.every((s) => s.busy)) {
      return Promise.reject(
        new SatiotError('PLANNER_BUSY', `the planner has ${this.queue.length} jobs waiting; retry shortly`, {
          queued: this.queue.length,
        }),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.pump();
    });
  }

  /** Stops the threads; queued jobs are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queue.splice(0)) q.reject(new SatiotError('NOT_READY', 'the planner is stopping'));
    await Promise.all(
      this.slots.map(async (s) => {
        await s.worker?.terminate();
        s.worker = undefined;
      }),
    );
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const next = this.queue.shift();
      if (!next) return;
      slot.busy = true;
      void this.execute(slot, next).finally(() => {
        slot.busy = false;
        this.pump();
      });
    }
  }

  private async execute(slot: Slot, q: Queued): Promise<void> {
    const worker = (slot.worker ??= startWorkerModule(import.meta.url, 'planner-worker', {
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb },
    }));
    const id = ++this.nextId;
    await new Promise<void>((done) => {
      const finish = (): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        done();
      };
      const replace = (): void => {
        if (slot.worker === worker) slot.worker = undefined;
        void worker.terminate();
      };
      const onMessage = (m: {
        id: number;
        result?: unknown;
        error?: { code: string; message: string; details?: Record<string, unknown> };
      }): void => {
        if (m.id !== id) return;
        finish();
        if (!m.error) return q.resolve(m.result);
        if (m.error.code === 'INTERNAL') {
          this.opts.onError?.(new Error(m.error.message));
          return q.reject(new SatiotError('INTERNAL', 'the planning job failed'));
        }
        q.reject(new SatiotError(m.error.code as ErrorCode, m.error.message, m.error.details ?? {}));
      };
      const onError = (e: unknown): void => {
        // Out of memory, or a crash: the thread is gone; the next job gets a new one.
        finish();
        replace();
        this.opts.onError?.(e);
        q.reject(
          new SatiotError(
            'PAYLOAD_TOO_LARGE',
            'the planning job ran out of memory; ask for a smaller region, resolution or window',
          ),
        );
      };
      const onExit = (): void => {
        finish();
        replace();
        q.reject(new SatiotError('INTERNAL', 'the planner thread stopped'));
      };
      const timer = setTimeout(() => {
        finish();
        replace();
        q.reject(
          new SatiotError(
            'PLANNER_TIMEOUT',
            `the planning job ran past ${Math.round(this.timeoutMs / 1000)} s and was stopped; ask for a ` +
              `smaller region, resolution or window`,
          ),
        );
      }, this.timeoutMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ id, job: q.job });
    });
  }
}
