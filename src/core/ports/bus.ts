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
}

export interface SubscribeOptions {
  /**
   * Durable consumer name: deliveries survive restarts and continue where they stopped; several
   * subscribers with the same name share the work (work queue). Without it, a transient subscription.
   */
  readonly durable?: string;
}

/**
 * The bus port: in-process (default) or NATS JetStream. Subjects are dot-separated tokens; patterns
 * use `*` (one token) and `>` (the rest), as NATS does. A handler that resolves acknowledges its
 * message; one that throws gets it redelivered with backoff, up to 5 deliveries in all, after which
 * the message goes to the adapter's dead-letter list. Messages of one subject are
 * delivered to a durable consumer in publish order.
 */
export interface Bus {
  readonly kind: 'memory' | 'nats';
  publish(subject: string, data: Uint8Array, opts?: PublishOptions): Promise<void>;
  subscribe(pattern: string, handler: (m: BusMessage) => Promise<void>, opts?: SubscribeOptions): Promise<Subscription>;
  close(): Promise<void>;
}
