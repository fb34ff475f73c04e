import type { Worker } from 'node:worker_threads';
import { CodecError, type JsonObject } from '../codecs/codec.js';
import type { UserCodecLimits } from '../codecs/user/user-codec.js';
import { startWorkerModule } from '../plan/worker-module.js';
import type { UserCodecJob } from './user-codec-worker.js';

export interface UserCodecPoolOptions {
  /** Worker threads (default 2). */
  readonly threads?: number;
  /** Calls one tenant may have running at once (default 1): a tenant's slow codec holds one thread, never all. */
  readonly perTenant?: number;
  /** Each call's CPU time, sandbox heap and stack (user-codec.ts defaults: 100 ms, 16 MiB, 512 KiB). */
  readonly limits?: UserCodecLimits;
  /** Heap of a worker thread, MiB (default 256): the backstop behind the sandboxes' own limits. */
  readonly threadHeapMb?: number;
}

interface Pending {
  readonly tenantId: string;
  readonly job: Omit<UserCodecJob, 'id' | 'limits'>;
  readonly resolve: (v: JsonObject) => void;
  readonly reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker | undefined;
  busy: boolean;
}

/**
 * Tenants' own codecs off the event loop (docs/cluster.md): each `decodeUplink` runs in a QuickJS
 * sandbox inside a worker thread, with its CPU-time and memory limits, so a slow or runaway script
 * holds one thread for at most its budget and never the node. Calls queue per tenant and threads
 * take tenants in turn, one call of a tenant at a time (`perTenant`): a tenant whose codec is slow,
 * or who sends a flood, waits behind itself while the other tenants' messages go on.
 */
export class UserCodecPool {
  private readonly slots: Slot[];
  private readonly queues = new Map<string, Pending[]>();
  /** Tenants with work queued, in the order threads serve them. */
  private readonly turn: string[] = [];
  private readonly running = new Map<string, number>();
  private readonly perTenant: number;
  private readonly limits: UserCodecLimits;
  private readonly threadHeapMb: number;
  private nextId = 0;
  private closed = false;

  constructor(opts: UserCodecPoolOptions = {}) {
    this.slots = Array.from({ length: Math.max(1, opts.threads ?? 2) }, () => ({ worker: undefined, busy: false }));
    this.perTenant = Math.max(1, opts.perTenant ?? 1);
    this.limits = opts.limits ?? {};
    this.threadHeapMb = opts.threadHeapMb ?? 256;
  }

  /** Decodes with a tenant's codec in a worker thread; a CodecError as the sandbox reports it. */
  decode(tenantId: string, job: Omit<UserCodecJob, 'id' | 'limits'>): Promise<JsonObject> {
    if (this.closed) return Promise.reject(new CodecError('CODEC_FAILED', 'the codec pool is stopping'));
    return new Promise<JsonObject>((resolve, reject) => {
      let q = this.queues.get(tenantId);
      if (!q) {
        this.queues.set(tenantId, (q = []));
        this.turn.push(tenantId);
      }
      q.push({ tenantId, job, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queues.values())
      for (const p of q.splice(0)) p.reject(new CodecError('CODEC_FAILED', 'the codec pool is stopping'));
    await Promise.all(
      this.slots.map(async (s) => {
        await s.worker?.terminate();
        s.worker = undefined;
      }),
    );
  }

  /** Gives free threads the next call of the next tenant whose turn it is and who is under its limit. */
  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const next = this.take();
      if (!next) return;
      slot.busy = true;
      this.running.set(next.tenantId, (this.running.get(next.tenantId) ?? 0) + 1);
      void this.execute(slot, next).finally(() => {
        slot.busy = false;
        const n = (this.running.get(next.tenantId) ?? 1) - 1;
        if (n > 0) this.running.set(next.tenantId, n);
        else this.running.delete(next.tenantId);
        this.pump();
      });
    }
  }

  private take(): Pending | undefined {
    for (let k = 0; k < this.turn.length; k++) {
      const tenant = this.turn[k]!;
      if ((this.running.get(tenant) ?? 0) >= this.perTenant) continue;
      const q = this.queues.get(tenant)!;
      const p = q.shift()!;
      // This tenant goes to the back of the line; gone from it when nothing of it waits.
      this.turn.splice(k, 1);
      if (q.length > 0) this.turn.push(tenant);
      else this.queues.delete(tenant);
      return p;
    }
    return undefined;
  }

  private execute(slot: Slot, p: Pending): Promise<void> {
    const worker = (slot.worker ??= startWorkerModule(import.meta.url, 'user-codec-worker', {
      resourceLimits: { maxOldGenerationSizeMb: this.threadHeapMb },
    }));
    const id = ++this.nextId;
    return new Promise<void>((done) => {
      const finish = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        done();
      };
      const lost = (why: string): void => {
        finish();
        if (slot.worker === worker) slot.worker = undefined;
        void worker.terminate();
        p.reject(new CodecError('CODEC_FAILED', why));
      };
      const onMessage = (m: { id: number; decoded?: JsonObject; error?: { code: string; message: string } }): void => {
        if (m.id !== id) return;
        finish();
        if (m.error)
          p.reject(new CodecError(m.error.code as ConstructorParameters<typeof CodecError>[0], m.error.message));
        else p.resolve(m.decoded!);
      };
      const onError = (e: unknown): void =>
        lost(`the codec's thread failed: ${String((e as Error)?.message ?? e).slice(0, 200)}`);
      const onExit = (): void => lost("the codec's thread stopped");
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ ...p.job, id, limits: this.limits } satisfies UserCodecJob);
    });
  }
}
