import { randomUUID } from 'node:crypto';
import type { OutboxEvent } from './ports/outbox-store.js';
import type { Store, StoreTx } from './ports/store.js';
import { registrySubject } from './events/subjects.js';
import type { RegistryEntity, RegistryEvent } from './events/registry-event.js';

/** Adds an event to the transaction's outbox. */
export type Emit = (e: OutboxEvent) => void;

/**
 * How the core changes state and says so: `run` opens one store transaction, and the events the
 * work emits are written to the outbox in that same transaction — an event exists exactly when its
 * change does (docs/cluster.md). After the commit the relay is woken; nothing waits for the bus.
 */
export class EventWriter {
  private wake: () => void = () => undefined;

  constructor(private readonly store: Store, readonly nodeId: string) {}

  /** The relay's wake-up (set once the relay exists). */
  onEvents(wake: () => void): void {
    this.wake = wake;
  }

  /** Tells the relay that a transaction of someone else's (the ingest batch) wrote events. */
  written(): void {
    this.wake();
  }

  /** Runs `fn` in one transaction; what it emits is written to the outbox before the commit. */
  async run<T>(fn: (tx: StoreTx, emit: Emit) => Promise<T>): Promise<T> {
    const events: OutboxEvent[] = [];
    const out = await this.store.atomically(async (tx) => {
      const r = await fn(tx, (e) => { events.push(e); });
      if (events.length > 0) await tx.outbox.append(events, Date.now());
      return r;
    });
    if (events.length > 0) this.wake();
    return out;
  }

  /** A registry change for every node's caches (registry-sync.ts), to emit with the change. */
  registryChange(entity: RegistryEntity, key?: string): OutboxEvent {
    const e: RegistryEvent = { kind: 'registry', entity, ...(key !== undefined ? { key } : {}), node: this.nodeId, at: Date.now() };
    return { id: `registry:${randomUUID()}`, subject: registrySubject(entity), data: Buffer.from(JSON.stringify(e)) };
  }
}
