import type {
  Bus,
  BusMessage,
  ConsumerLag,
  DeadLetterSink,
  PublishOptions,
  SubscribeOptions,
  Subscription,
} from '../../core/ports/bus.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { DeadLetterList, type DeadLetter } from '../dead-letter.js';
import { MsgIdWindow } from '../msg-id-window.js';
import { retryPolicy, type RetryPolicy } from '../retry-policy.js';
import { checkConsumerName, patternTokens, subjectTokens } from '../subject-pattern.js';
import { MemoryConsumer, type MemorySubscriber } from './consumer.js';

export interface MemoryBusOptions {
  /** Publisher de-duplication window for `msgId` (JetStream's default: 2 minutes). */
  readonly duplicateWindowMs?: number;
  /** Redelivery of failed messages; default 5 deliveries in all, 50 ms doubling to 5 s. */
  readonly retry?: Partial<RetryPolicy>;
  /** Deliveries (of different subjects) one subscriber may have in flight at once. Default 64. */
  readonly maxInFlightPerSubscriber?: number;
  /** How many dead letters are kept (the oldest fall off). Default 1,000. */
  readonly deadLetterCapacity?: number;
  /** Clock for the de-duplication window (tests). */
  readonly now?: () => number;
  /** Where durable consumers' dead letters are recorded durably (the store's list); in memory only without it. */
  readonly deadLetterSink?: DeadLetterSink;
}

/**
 * The in-process bus: the Bus port with JetStream's semantics and no server, for a single node and
 * for tests. Nothing survives the process.
 *
 * - publish resolves once the message is queued for every consumer whose pattern matches it; a
 *   message no consumer matches is not kept. A `msgId` seen within the duplicate window is dropped.
 * - A durable consumer is created by its first subscribe and starts with the messages published
 *   after that (JetStream's DeliverPolicy.New); it then keeps queuing while no subscriber is
 *   attached, so a re-subscribe continues after the last acknowledged message (a durable nobody
 *   comes back to grows without bound: there are no stream limits here). Subscribers of one
 *   durable share its messages, each message going to one of them.
 * - Per consumer, one subject has at most one delivery in flight, in publish order; different
 *   subjects are delivered concurrently (up to maxInFlightPerSubscriber per subscriber, or the
 *   subscription's own maxInFlight).
 * - A handler that throws gets its message again after a delay (retry-policy.ts: 5 deliveries in
 *   all by default); after the last one fails the message is dropped to `deadLetters()`.
 * - A subscription's close() waits for its handlers in flight, so a handler must not await the
 *   close() of its own subscription (call it without awaiting).
 */
export class MemoryBus implements Bus {
  readonly kind = 'memory' as const;
  private readonly consumers = new Set<MemoryConsumer>();
  private readonly durables = new Map<string, MemoryConsumer>();
  private readonly subscriptions = new Set<MemorySubscriber>();
  private readonly dedup: MsgIdWindow;
  private readonly retry: RetryPolicy;
  private readonly dead: DeadLetterList;
  private readonly maxInFlight: number;
  private readonly deadLetterSink: DeadLetterSink | undefined;
  private closing: Promise<void> | undefined;

  constructor(opts: MemoryBusOptions = {}) {
    const windowMs = opts.duplicateWindowMs ?? 120_000;
    const maxInFlight = opts.maxInFlightPerSubscriber ?? 64;
    if (!(windowMs >= 0) || !Number.isInteger(maxInFlight) || maxInFlight < 1) {
      throw new SatiotError('INVALID_ARGUMENT', 'memory bus: duplicateWindowMs ≥ 0 and maxInFlightPerSubscriber ≥ 1', {
        windowMs,
        maxInFlight,
      });
    }
    this.dedup = new MsgIdWindow(windowMs, opts.now);
    this.retry = retryPolicy(opts.retry);
    this.dead = new DeadLetterList(opts.deadLetterCapacity);
    this.maxInFlight = maxInFlight;
    this.deadLetterSink = opts.deadLetterSink;
  }

  get connected(): boolean {
    return this.closing === undefined;
  }

  async publish(subject: string, data: Uint8Array, opts?: PublishOptions): Promise<void> {
    this.assertOpen();
    const tokens = subjectTokens(subject);
    const msgId = opts?.msgId;
    if (msgId !== undefined && !this.dedup.admit(msgId)) return;
    // One copy, as a broker would store it: the publisher may reuse its buffer. (Not data.slice():
    // on a Buffer that is a view.) Every consumer gets this same copy: handlers must not modify it.
    const copy = new Uint8Array(data);
    const message: BusMessage = msgId === undefined ? { subject, data: copy } : { subject, data: copy, msgId };
    if (!opts?.untilHandled) {
      for (const c of this.consumers) {
        if (c.matches(tokens)) c.enqueue(message);
      }
      return;
    }
    // Resolve once every durable consumer is done with it; reject when one drops it (the bus closed).
    const waits: Promise<void>[] = [];
    for (const c of this.consumers) {
      if (!c.matches(tokens)) continue;
      if (c.name === undefined) {
        c.enqueue(message);
        continue;
      }
      waits.push(
        new Promise<void>((resolve, reject) =>
          c.enqueue(message, (handled) =>
            handled ? resolve() : reject(new SatiotError('INTERNAL', 'the bus closed before the message was handled')),
          ),
        ),
      );
    }
    await Promise.all(waits);
  }

  /** Partitions need no durables of their own here: lanes already run subjects side by side. */
  async subscribe(
    pattern: string,
    handler: (m: BusMessage) => Promise<void>,
    opts?: SubscribeOptions,
  ): Promise<Subscription> {
    this.assertOpen();
    const tokens = patternTokens(pattern);
    const durable = opts?.durable;
    let consumer: MemoryConsumer | undefined;
    if (durable !== undefined) {
      checkConsumerName(durable);
      consumer = this.durables.get(durable);
      if (consumer !== undefined && consumer.pattern !== pattern) {
        throw new SatiotError(
          'INVALID_ARGUMENT',
          `durable "${durable}" is bound to "${consumer.pattern}", not "${pattern}"`,
          { durable, pattern },
        );
      }
    }
    if (consumer === undefined) {
      consumer = new MemoryConsumer({
        name: durable,
        pattern,
        patternTokens: tokens,
        retry: this.retry,
        deadLetters: this.dead,
        ...(this.deadLetterSink ? { deadLetterSink: this.deadLetterSink } : {}),
        maxInFlightPerSubscriber: this.maxInFlight,
        onDisposed: (c) => this.consumers.delete(c),
      });
      this.consumers.add(consumer);
      if (durable !== undefined) this.durables.set(durable, consumer);
    }
    const maxInFlight = opts?.maxInFlight;
    if (maxInFlight !== undefined && (!Number.isInteger(maxInFlight) || maxInFlight < 1)) {
      throw new SatiotError('INVALID_ARGUMENT', 'maxInFlight must be a positive integer', { maxInFlight });
    }
    const sub = consumer.attach(handler, maxInFlight);
    this.subscriptions.add(sub);
    return {
      close: async () => {
        this.subscriptions.delete(sub);
        await sub.close();
      },
    };
  }

  /** Closes every subscription (waiting for deliveries in flight) and drops what is queued. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((s) => s.close()));
      this.subscriptions.clear();
      for (const c of this.consumers) c.dispose();
      this.consumers.clear();
      this.durables.clear();
    })();
    return this.closing;
  }

  /** Messages given up after their last delivery failed, oldest first. */
  deadLetters(): readonly DeadLetter[] {
    return this.dead.list();
  }

  /**
   * Resolves once no consumer has work it will do by itself: nothing queued, in a handler, or
   * waiting for a redelivery, for every consumer with a subscriber (a durable nobody is attached to
   * keeps its queue and is not waited for). Handlers that publish more are waited for too. What
   * arrives from outside afterwards (the outbox relay's next publish) is not: tests wait for the
   * core with Core.flush() as well.
   */
  async idle(): Promise<void> {
    for (;;) {
      const busy = [...this.consumers].filter((c) => c.busy);
      if (busy.length === 0) return;
      await Promise.all(busy.map((c) => c.idle()));
    }
  }

  /** Messages queued for a durable consumer (in flight and awaiting redelivery included). */
  pendingFor(durable: string): number {
    return this.durables.get(durable)?.pending ?? 0;
  }

  async consumerLag(): Promise<ConsumerLag[]> {
    return [...this.durables]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([consumer, c]) => ({ consumer, pending: c.pending - c.inFlight, unacknowledged: c.inFlight }));
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw new SatiotError('INTERNAL', 'the bus is closed');
  }
}
