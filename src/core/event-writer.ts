import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { OutboxEvent } from './ports/outbox-store.js';
import type { Store, StoreTx } from './ports/store.js';
import { registrySubject } from './events/subjects.js';
import type { RegistryEntity, RegistryEvent } from './events/registry-event.js';

/** Adds an event to the transaction's outbox. */
export type Emit = (e: OutboxEvent) => void;

type Work<T> = (tx: StoreTx, emit: Emit) => Promise<T>;

interface Job {
  readonly work: Work<unknown>;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
}

export interface EventWriterOptions {
  /** Pieces of work committed together at most (default 256). */
  readonly maxGroup?: number;
  /** Groups committed at once (default 1; more on a database with concurrent writers). */
  readonly concurrency?: number;
  /**
   * Work added to a group until it has run this long, ms (default 5): the rest waits for the next
   * commit. A group of consumers' batches is then a few of them, not hundreds, and work that needs
   * the store between two commits (ingest, on SQLite's one connection) waits tens of milliseconds
   * rather than seconds.
   */
  readonly maxGroupMs?: number;
}

/**
 * How the core changes state and says so: `run` gives its work a store transaction, and the events
 * the work emits are written to the outbox in that same transaction — an event exists exactly when
 * its change does (docs/cluster.md). After the commit the relay is woken; nothing waits for the bus.
 *
 * Group commit: work that arrives while a transaction is being committed — the consumers' events,
 * handled side by side — is committed together in the next one, each piece after the other inside
 * it, so a thousand events cost a few durable commits instead of a thousand. When one piece of a
 * group fails the group is rolled back and every piece is run again on its own, so a failure stays
 * its own. Work must therefore touch nothing but `tx` and `emit` (it may run twice); work that runs
 * inside another's `run` joins that transaction.
 */
export class EventWriter {
  private wake: () => void = () => undefined;
  private readonly queue: Job[] = [];
  private active = 0;
  private readonly maxGroup: number;
  private readonly maxGroupMs: number;
  private readonly concurrency: number;
  private readonly inside = new AsyncLocalStorage<{ tx: StoreTx; emit: Emit }>();

  constructor(
    private readonly store: Store,
    readonly nodeId: string,
    opts: EventWriterOptions = {},
  ) {
    this.maxGroup = opts.maxGroup ?? 256;
    this.maxGroupMs = opts.maxGroupMs ?? 5;
    this.concurrency = opts.concurrency ?? 1;
  }

  /** The relay's wake-up (set once the relay exists). */
  onEvents(wake: () => void): void {
    this.wake = wake;
  }

  /** Tells the relay that a transaction of someone else's (the ingest batch) wrote events. */
  written(): void {
    this.wake();
  }

  /**
   * Runs `work` in a transaction (shared with other work: group commit); what it emits is written to the outbox before
   * the commit.
   */
  run<T>(work: Work<T>): Promise<T> {
    const within = this.inside.getStore();
    if (within) return work(within.tx, within.emit);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work: work as Work<unknown>, resolve: resolve as (v: unknown) => void, reject });
      if (this.active < this.concurrency) void this.drain();
    });
  }

  /** A registry change for every node's caches (registry-sync.ts), to emit with the change. */
  registryChange(entity: RegistryEntity, key?: string): OutboxEvent {
    return this.registryEvent({
      kind: 'registry',
      entity,
      ...(key !== undefined ? { key } : {}),
      node: this.nodeId,
      at: Date.now(),
    });
  }

  /** One registry change for several of an entity (a bulk registration's transaction). */
  registryChanges(entity: RegistryEntity, keys: readonly string[]): OutboxEvent {
    return this.registryEvent({ kind: 'registry', entity, keys, node: this.nodeId, at: Date.now() });
  }

  private registryEvent(e: RegistryEvent): OutboxEvent {
    return { id: `registry:${randomUUID()}`, subject: registrySubject(e.entity), data: Buffer.from(JSON.stringify(e)) };
  }

  private async drain(): Promise<void> {
    this.active++;
    try {
      while (this.queue.length > 0) {
        // Let work that arrives in this tick join the group.
        await new Promise<void>((r) => setImmediate(r));
        const group = this.queue.splice(0, this.maxGroup);
        if (group.length === 0) continue;
        try {
          const out = await this.commit(group);
          group.slice(0, out.length).forEach((j, i) => j.resolve(out[i]));
          // What the group had no time for goes first into the next one.
          this.queue.unshift(...group.slice(out.length));
        } catch (e) {
          if (group.length === 1) {
            group[0]!.reject(e);
            continue;
          }
          for (const j of group) {
            try {
              j.resolve((await this.commit([j]))[0]);
            } catch (e1) {
              j.reject(e1);
            }
          }
        }
      }
    } finally {
      this.active--;
    }
  }

  /**
   * Runs the group's work in one transaction, in order, until maxGroupMs has passed (the first piece always); the
   * results of the pieces run.
   */
  private async commit(group: readonly Job[]): Promise<unknown[]> {
    const events: OutboxEvent[] = [];
    const out = await this.store.atomically(async (tx) => {
      events.length = 0;
      const results: unknown[] = [];
      const t0 = performance.now();
      for (const j of group) {
        if (results.length > 0 && performance.now() - t0 > this.maxGroupMs) break;
        const mine: OutboxEvent[] = [];
        const emit: Emit = (e) => {
          mine.push(e);
        };
        results.push(await this.inside.run({ tx, emit }, () => j.work(tx, emit)));
        events.push(...mine);
      }
      if (events.length > 0) await tx.outbox.append(events, Date.now());
      return results;
    });
    if (events.length > 0) this.wake();
    return out;
  }
}
