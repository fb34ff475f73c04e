import type { BusMessage } from '../core/ports/bus.js';

/** A message given up after its last allowed delivery failed (see retry-policy.ts). */
export interface DeadLetter {
  /** The durable name, or `(transient)`. */
  readonly consumer: string;
  readonly message: BusMessage;
  readonly attempts: number;
  /** The last failure's message. */
  readonly error: string;
  /** Unix ms when it was given up. */
  readonly at: number;
}

export const TRANSIENT_CONSUMER = '(transient)';

/** The most recent dead letters of one bus, oldest first; the oldest fall off past `capacity`. */
export class DeadLetterList {
  private readonly items: DeadLetter[] = [];

  constructor(readonly capacity = 1_000) {}

  add(consumer: string, message: BusMessage, attempts: number, error: unknown): void {
    const text = error instanceof Error ? error.message : String(error);
    this.items.push({ consumer, message, attempts, error: text, at: Date.now() });
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  list(): readonly DeadLetter[] {
    return [...this.items];
  }
}
