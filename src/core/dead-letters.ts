import { createHash } from 'node:crypto';
import { SatiotError } from '../errors/satiot-error.js';
import type { BusMessage, DeadLetterReport, DeadLetterSink } from './ports/bus.js';
import type { DeadLetterQuery, DeadLetterRecord, DeadLetterStore } from './ports/dead-letter-store.js';
import type { Page } from './ports/page.js';
import { eventIdOf } from './events/event-id.js';

/** A durable consumer's handler, as the bus calls it. */
export type ConsumerHandler = (m: BusMessage) => Promise<void>;

/**
 * Dead letters (docs/cluster.md): what durable consumers gave up on after their retries, recorded
 * in the store by the bus's sink, listed for operators and replayed on demand. A replay runs the
 * same consumer's handler on this node with the stored event — consumers are idempotent by event
 * id, so a replay of something that did get through changes nothing — and records the outcome.
 */
export class DeadLetters {
  private readonly handlers = new Map<string, ConsumerHandler>();

  constructor(private readonly store: DeadLetterStore) {}

  /** The sink a bus records dead letters through. */
  get sink(): DeadLetterSink {
    return deadLetterSink(this.store);
  }

  /** Makes a consumer's handler available for replays (the core registers each durable consumer). */
  register(consumer: string, handler: ConsumerHandler): void {
    this.handlers.set(consumer, handler);
  }

  /** Consumers whose dead letters can be replayed here. */
  consumers(): string[] {
    return [...this.handlers.keys()].sort();
  }

  list(q: DeadLetterQuery): Promise<Page<DeadLetterRecord>> {
    return this.store.list(q);
  }

  async get(id: string): Promise<DeadLetterRecord> {
    const d = await this.store.get(id);
    if (!d) throw new SatiotError('DEAD_LETTER_NOT_FOUND', `no dead letter ${id}`, { id });
    return d;
  }

  countOpen(): Promise<number> {
    return this.store.countOpen();
  }

  /**
   * Runs the dead letter through its consumer again. Resolved: the record is marked resolved.
   * Failed: the error is recorded and thrown as REPLAY_FAILED (the record stays open).
   */
  async replay(id: string): Promise<DeadLetterRecord> {
    const d = await this.get(id);
    const handler = this.handlers.get(d.consumer);
    if (!handler)
      throw new SatiotError('INVALID_ARGUMENT', `no consumer ${d.consumer} runs here to replay it`, {
        consumer: d.consumer,
      });
    try {
      await handler({ subject: d.subject, data: d.data, ...(d.eventId !== null ? { msgId: d.eventId } : {}) });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      await this.store.recordReplay(id, Date.now(), message);
      throw new SatiotError('REPLAY_FAILED', `the consumer failed again: ${message.slice(0, 300)}`, {
        id,
        consumer: d.consumer,
      });
    }
    await this.store.recordReplay(id, Date.now(), null);
    return this.get(id);
  }
}

/** The sink that records a bus's dead letters in the store (give it to openBus). */
export function deadLetterSink(store: DeadLetterStore): DeadLetterSink {
  return async (d: DeadLetterReport) => {
    await store.add({
      id: deadLetterId(
        d.consumer,
        eventIdOf({ subject: d.subject, data: d.data, ...(d.msgId !== undefined ? { msgId: d.msgId } : {}) }),
      ),
      consumer: d.consumer,
      subject: d.subject,
      eventId: d.msgId ?? null,
      data: d.data,
      attempts: d.attempts,
      error: d.error,
      failedAt: Date.now(),
    });
  };
}

/** A dead letter's id: the same event failing in the same consumer again is the same record. */
export function deadLetterId(consumer: string, eventId: string): string {
  return createHash('sha256').update(consumer).update('\n').update(eventId).digest('hex').slice(0, 32);
}
