import type { BusMessage, DeadLetterSink, Subscription } from '../../core/ports/bus.js';
import { TRANSIENT_CONSUMER, type DeadLetterList } from '../dead-letter.js';
import { Fifo } from '../fifo.js';
import { retryDelayMs, type RetryPolicy } from '../retry-policy.js';
import { subjectMatches } from '../subject-pattern.js';

type Handler = (m: BusMessage) => Promise<void>;

interface Entry {
  readonly message: BusMessage;
  deliveries: number;
  /** Told once the consumer is done with the message (true), or dropped it unhandled (false). */
  readonly settled?: (handled: boolean) => void;
}

/** The messages of one subject waiting for one consumer, in publish order. */
class Lane {
  readonly entries = new Fifo<Entry>();
  /** A delivery of the head entry is in flight, or the head waits for its redelivery. */
  busy = false;
  /** The lane is in its consumer's ready queue. */
  queued = false;

  constructor(readonly subject: string) {}
}

/** One subscriber of a consumer: its handler, its deliveries in flight, and close(). */
export class MemorySubscriber implements Subscription {
  inFlight = 0;
  closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly consumer: MemoryConsumer,
    readonly handler: Handler,
    /** Deliveries this subscriber may have in flight at once (over different subjects). */
    readonly maxInFlight: number,
  ) {}

  /** Stops delivery to this subscriber; resolves when its deliveries in flight have finished. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.consumer.detach(this);
    }
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  settle(): void {
    this.inFlight--;
    if (this.inFlight === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}

export interface MemoryConsumerOptions {
  /** Durable name; undefined for a transient consumer (one subscriber, gone when it closes). */
  readonly name: string | undefined;
  readonly pattern: string;
  readonly patternTokens: readonly string[];
  readonly retry: RetryPolicy;
  readonly deadLetters: DeadLetterList;
  /** Where a given-up message is recorded durably first (kept and retried while it fails). */
  readonly deadLetterSink?: DeadLetterSink;
  /**
   * Deliveries one subscriber may have in flight at once (over different subjects), unless it asks for its own limit.
   */
  readonly maxInFlightPerSubscriber: number;
  /** Called when a transient consumer's subscriber has closed. */
  readonly onDisposed: (c: MemoryConsumer) => void;
}

/**
 * A consumer in memory (JetStream's consumer, without the server): the messages matching its
 * pattern queue in one lane per subject; a lane delivers its head to one subscriber at a time
 * (round robin over the subscribers with room) and moves on only when the handler resolved, or
 * when the message was given up after its last attempt. So one subject is never in flight twice
 * and stays in publish order, while different subjects run concurrently. A durable consumer keeps
 * queuing while it has no subscriber and outlives its subscriptions (for the life of the bus).
 * Delivery is driven by microtasks; the only timers are redelivery delays.
 */
export class MemoryConsumer {
  private readonly lanes = new Map<string, Lane>();
  private readonly ready = new Fifo<Lane>();
  private readonly subscribers: MemorySubscriber[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextSubscriber = 0;
  private scheduled = false;
  private disposed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: MemoryConsumerOptions) {}

  get name(): string | undefined {
    return this.opts.name;
  }

  get pattern(): string {
    return this.opts.pattern;
  }

  /** Messages queued (including any in flight or waiting for redelivery). */
  get pending(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.entries.size;
    return n;
  }

  /** Messages delivered and not yet done with (in a handler, or waiting for their redelivery). */
  get inFlight(): number {
    let n = 0;
    for (const lane of this.lanes.values()) if (lane.busy) n++;
    return n;
  }

  /**
   * Whether the consumer has work it will do by itself: a subscriber is attached and a message is
   * queued, in a handler, or waiting for its redelivery. A durable without subscribers is parked,
   * not busy: nothing happens until one attaches.
   */
  get busy(): boolean {
    return !this.disposed && this.subscribers.length > 0 && this.lanes.size > 0;
  }

  /** Resolves once the consumer is not busy (at once when it is not now). */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  matches(subjectTokens: readonly string[]): boolean {
    return subjectMatches(this.opts.patternTokens, subjectTokens);
  }

  /** Queues a message; `settled` hears when the consumer is done with it (see Entry). */
  enqueue(message: BusMessage, settled?: (handled: boolean) => void): void {
    if (this.disposed) {
      settled?.(false);
      return;
    }
    let lane = this.lanes.get(message.subject);
    if (lane === undefined) {
      lane = new Lane(message.subject);
      this.lanes.set(message.subject, lane);
    }
    lane.entries.push(settled ? { message, deliveries: 0, settled } : { message, deliveries: 0 });
    if (!lane.busy && !lane.queued) {
      lane.queued = true;
      this.ready.push(lane);
    }
    this.schedule();
  }

  /** `maxInFlight`: this subscriber's own limit (default: the consumer's maxInFlightPerSubscriber). */
  attach(handler: Handler, maxInFlight = this.opts.maxInFlightPerSubscriber): MemorySubscriber {
    const sub = new MemorySubscriber(this, handler, maxInFlight);
    this.subscribers.push(sub);
    this.schedule();
    return sub;
  }

  detach(sub: MemorySubscriber): void {
    const i = this.subscribers.indexOf(sub);
    if (i >= 0) this.subscribers.splice(i, 1);
    if (this.opts.name === undefined && this.subscribers.length === 0) {
      this.dispose();
      this.opts.onDisposed(this);
    }
    this.wakeIdle();
  }

  /** Drops everything queued and cancels pending redeliveries (their publishers hear they were not handled). */
  dispose(): void {
    this.disposed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const lane of this.lanes.values()) {
      for (let e = lane.entries.shift(); e !== undefined; e = lane.entries.shift()) e.settled?.(false);
    }
    this.lanes.clear();
    while (this.ready.shift() !== undefined) {
      /* drain */
    }
    this.wakeIdle();
  }

  /** Tells idle() waiters once the consumer is no longer busy. */
  private wakeIdle(): void {
    if (this.idleWaiters.length === 0 || this.busy) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private schedule(): void {
    if (this.scheduled || this.disposed || this.ready.size === 0 || this.subscribers.length === 0) return;
    this.scheduled = true;
    queueMicrotask(this.pump);
  }

  private readonly pump = (): void => {
    this.scheduled = false;
    while (this.ready.size > 0 && !this.disposed) {
      const sub = this.pickSubscriber();
      if (sub === undefined) return; // all busy: a settling delivery schedules the next pump
      const lane = this.ready.shift()!;
      lane.queued = false;
      this.deliver(sub, lane);
    }
  };

  private pickSubscriber(): MemorySubscriber | undefined {
    const n = this.subscribers.length;
    for (let k = 0; k < n; k++) {
      const i = (this.nextSubscriber + k) % n;
      const sub = this.subscribers[i]!;
      if (sub.inFlight < sub.maxInFlight) {
        this.nextSubscriber = (i + 1) % n;
        return sub;
      }
    }
    return undefined;
  }

  private deliver(sub: MemorySubscriber, lane: Lane): void {
    const entry = lane.entries.peek()!;
    lane.busy = true;
    entry.deliveries++;
    sub.inFlight++;
    let done: Promise<void>;
    try {
      done = Promise.resolve(sub.handler(entry.message));
    } catch (err) {
      done = Promise.reject(err);
    }
    done.then(
      () => {
        sub.settle();
        this.finish(lane, entry);
      },
      (err: unknown) => {
        sub.settle();
        if (entry.deliveries >= this.opts.retry.maxAttempts) {
          void this.giveUp(lane, entry, err);
          return;
        }
        this.retryLater(lane, retryDelayMs(this.opts.retry, entry.deliveries));
      },
    );
  }

  /** The head of `lane` is done with: next message. */
  private finish(lane: Lane, entry: Entry): void {
    if (this.disposed) return; // dispose() told its publisher already
    lane.entries.shift();
    lane.busy = false;
    entry.settled?.(true);
    this.release(lane);
  }

  /** The lane stays busy while it waits: later messages of this subject wait behind its head. */
  private retryLater(lane: Lane, delayMs: number): void {
    if (this.disposed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      lane.busy = false;
      this.release(lane);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  /**
   * Records the head as a dead letter (durably first, when a sink is set) and moves on; keeps it while the sink fails.
   */
  private async giveUp(lane: Lane, entry: Entry, err: unknown): Promise<void> {
    const consumer = this.opts.name ?? TRANSIENT_CONSUMER;
    if (this.opts.deadLetterSink && this.opts.name !== undefined) {
      try {
        await this.opts.deadLetterSink({
          consumer,
          subject: entry.message.subject,
          data: entry.message.data,
          ...(entry.message.msgId !== undefined ? { msgId: entry.message.msgId } : {}),
          attempts: entry.deliveries,
          error: err instanceof Error ? err.message : String(err),
        });
      } catch {
        this.retryLater(lane, this.opts.retry.maxDelayMs);
        return;
      }
    }
    this.opts.deadLetters.add(consumer, entry.message, entry.deliveries, err);
    this.finish(lane, entry);
  }

  /** A lane whose head is no longer in flight: queue it again, or forget it when empty; deliver more. */
  private release(lane: Lane): void {
    if (this.disposed) return;
    if (lane.entries.size > 0) {
      lane.queued = true;
      this.ready.push(lane);
    } else if (this.lanes.get(lane.subject) === lane) {
      this.lanes.delete(lane.subject);
      this.wakeIdle();
    }
    this.schedule(); // the subscriber has room again in any case
  }
}
