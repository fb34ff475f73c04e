/** A message on the bus: subject, payload bytes, and the publisher's de-duplication id. */
export interface BusMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly msgId?: string;
}

export interface Subscription {
  /** Stops delivery; already delivered messages still finish. */
  close(): Promise<void>;
}

export interface PublishOptions {
  /**
   * De-duplication id (JetStream `Nats-Msg-Id`): a second publish with the same id inside the
   * stream's duplicate window is dropped by the bus.
   */
  readonly msgId?: string;
  /**
   * Resolve only once the message is safe from a crash of this process. A bus that stores messages
   * (NATS JetStream) resolves when it stored them, as always; the in-process bus, which keeps
   * nothing across a crash, resolves once every durable consumer whose pattern matches has finished
   * with the message (handled it, or recorded it as a dead letter), and rejects if it closes first.
   * The outbox relay publishes this way and marks an event published only then.
   */
  readonly untilHandled?: boolean;
}

export interface SubscribeOptions {
  /**
   * Durable consumer name: deliveries survive restarts and continue where they stopped; several
   * subscribers with the same name share the work (work queue). Without it, a transient subscription.
   */
  readonly durable?: string;
  /**
   * The pattern takes terminal events of one kind in every partition (`satiot.<kind>.>`, see
   * src/core/events/subjects.ts; `satiot.*.>` for every kind). A bus that needs it to run
   * partitions side by side consumes each partition as its own durable (`<durable>-p<n>`), in order
   * within it; one terminal's events, always in one partition, keep their order.
   */
  readonly partitioned?: boolean;
  /**
   * Deliveries (of different subjects) this subscriber may have in flight at once, where the bus
   * has such a limit (the in-process bus; default 64). A consumer that handles what arrives
   * together as one batch (src/core/batch-coalescer.ts) asks for as many as a batch holds. NATS
   * hands a partitioned durable one message per partition at a time, whatever this says.
   */
  readonly maxInFlight?: number;
}

/** A message a durable consumer gave up on after its last allowed delivery failed. */
export interface DeadLetterReport {
  /** The durable's name (a partitioned durable's, without the partition). */
  readonly consumer: string;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly msgId?: string;
  readonly attempts: number;
  /** The last failure's message. */
  readonly error: string;
}

/**
 * Where a bus records dead letters durably (the store's dead-letter list). A message is given up
 * only once this resolved; while it throws the message is kept and retried.
 */
export type DeadLetterSink = (d: DeadLetterReport) => Promise<void>;

/** How far one durable consumer is behind. */
export interface ConsumerLag {
  /** The durable's name (a partitioned durable's, without the partition). */
  readonly consumer: string;
  /** Messages not yet delivered. */
  readonly pending: number;
  /** Delivered, not yet acknowledged (in flight or waiting for a redelivery). */
  readonly unacknowledged: number;
}

/**
 * The bus port: in-process (default) or NATS JetStream. Subjects are dot-separated tokens; patterns
 * use `*` (one token) and `>` (the rest), as NATS does. A handler that resolves acknowledges its
 * message (the acknowledgement is awaited); one that throws gets it redelivered with backoff
 * (src/bus/retry-policy.ts: over about 18 minutes by default), after which the message goes to the
 * dead-letter sink. Messages of one subject are delivered to a durable consumer in publish order.
 */
export interface Bus {
  readonly kind: 'memory' | 'nats';
  publish(subject: string, data: Uint8Array, opts?: PublishOptions): Promise<void>;
  subscribe(pattern: string, handler: (m: BusMessage) => Promise<void>, opts?: SubscribeOptions): Promise<Subscription>;
  /** Whether the bus can take publishes now (readiness; a NATS client reconnecting is not). */
  readonly connected: boolean;
  /** Every durable consumer's backlog, by name. */
  consumerLag(): Promise<ConsumerLag[]>;
  close(): Promise<void>;
}
