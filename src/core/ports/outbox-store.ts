/**
 * An event on its way to the bus (docs/cluster.md, "Nothing published is ever lost"). `id` is the
 * event's identity everywhere after: the outbox's unique key, the bus's de-duplication id
 * (`Nats-Msg-Id`) and the key consumers remember it by.
 */
export interface OutboxEvent {
  readonly id: string;
  readonly subject: string;
  readonly data: Uint8Array;
}

/** An event the relay has yet to publish. */
export interface PendingEvent extends OutboxEvent {
  /** Order of the outbox: the relay publishes in it. */
  readonly seq: number;
  /** Unix ms when it was written. */
  readonly createdAt: number;
}

/**
 * The transactional outbox. `append` belongs inside `Store.atomically()`, with the change that
 * caused the events, so an event exists exactly when its change does; the relay (src/core/outbox-
 * relay.ts) reads `pending` in order, publishes, and marks what the bus took.
 */
export interface OutboxStore {
  /**
   * Adds events; an id already in the outbox is left as it is (the same event written twice is one).
   * Messages' `uplink` events are not among them: ingest writes those with their messages
   * (IngestWrite.uplinkEvents), which is what keeps each one unique.
   */
  append(events: readonly OutboxEvent[], at: number): Promise<void>;
  /** Unpublished events, oldest first (by seq), at most `limit`; only those after `afterSeq` when given. */
  pending(limit: number, afterSeq?: number): Promise<PendingEvent[]>;
  /** Stamps events as published at `at`. */
  markPublished(seqs: readonly number[], at: number): Promise<void>;
  /** How many events wait, and since when (null: none). */
  lag(): Promise<{ readonly pending: number; readonly oldestAt: number | null }>;
  /** Deletes events published before `before`; returns how many. */
  prune(before: number): Promise<number>;
}
