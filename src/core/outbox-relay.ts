import type { Bus } from './ports/bus.js';
import type { OutboxStore, PendingEvent } from './ports/outbox-store.js';

export interface OutboxRelayOptions {
  /** Events read per query. Default 1,000. */
  readonly batch?: number;
  /**
   * Publishes awaiting their confirmation at most (NATS: the PubAck; the in-process bus: every
   * durable consumer done). Default 5,000.
   */
  readonly maxInFlight?: number;
  /** How often an idle relay looks for events written by other nodes, ms. Default 100. */
  readonly pollMs?: number;
  /**
   * How often the relay reads the outbox from its oldest unpublished event rather than after the
   * last one it took, ms (default 2 s): an event whose transaction committed after a later one's
   * (two writers at once) is not left behind.
   */
  readonly rescanMs?: number;
  /**
   * Backoff while the bus refuses publishes (NATS down): from minBackoffMs doubling to maxBackoffMs. Defaults 100 ms, 5
   * s.
   */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Failures to read or mark the outbox, or to publish (logged by the edge). */
  readonly onError?: (e: unknown) => void;
  /** Each event published, with how long it waited in the outbox (ms). */
  readonly onPublished?: (waitedMs: number) => void;
  /**
   * Asked before each event is issued: false stops the round (the relay's lease ran out on this
   * node's clock — a process paused past its lease learns it here before it publishes again).
   */
  readonly mayPublish?: () => boolean;
}

/**
 * The outbox relay (docs/cluster.md): publishes what transactions wrote to the outbox, in outbox
 * order, with the event id as the bus's de-duplication id, and marks each event published once the
 * bus confirms it (`untilHandled`: stored by NATS, or handled by every in-process consumer). Nothing
 * ever waits for it: ingest and consumers only write to the outbox and wake it.
 *
 * One relay runs per cluster (under the `outbox-relay` lease, src/core/lease-keeper.ts), so each
 * subject's events reach the bus in commit order. A relay that dies between a publish and its mark
 * leaves the event unpublished: the next holder publishes it again, the bus drops the repeat within
 * its duplicate window, and consumers' inboxes drop what is older. While the bus refuses publishes
 * the relay backs off and starts over from the oldest unpublished event; events wait in the outbox
 * meanwhile, durable, and ingest goes on.
 */
export class OutboxRelay {
  private readonly batch: number;
  private readonly maxInFlight: number;
  private readonly pollMs: number;
  private readonly rescanMs: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly inFlight = new Map<number, Promise<void>>();
  private done: number[] = [];
  private cursor = 0;
  private lastScan = 0;
  /** Publishes the bus refused since the last round that backed off. */
  private failures = 0;
  /** Rounds in a row that ended in a refusal (the backoff's exponent; 0 once a publish goes through). */
  private streak = 0;
  private loop: Promise<void> | undefined;
  private stopping = false;
  /** start() was asked while the loop was still stopping. */
  private restart = false;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  /** Events published since start. */
  published = 0;

  constructor(
    private readonly outbox: OutboxStore,
    private readonly bus: Bus,
    private readonly opts: OutboxRelayOptions = {},
  ) {
    this.batch = opts.batch ?? 1_000;
    this.maxInFlight = opts.maxInFlight ?? 5_000;
    this.pollMs = opts.pollMs ?? 100;
    this.rescanMs = opts.rescanMs ?? 2_000;
    this.minBackoffMs = opts.minBackoffMs ?? 100;
    this.maxBackoffMs = opts.maxBackoffMs ?? 5_000;
  }

  get running(): boolean {
    return this.loop !== undefined;
  }

  /**
   * Starts relaying (idempotent). Asked while a stop is still winding down (its grace ran out before
   * the last mark), it starts again as soon as that loop has ended.
   */
  start(): void {
    if (this.loop) {
      if (this.stopping) this.restart = true;
      return;
    }
    this.stopping = false;
    this.cursor = 0;
    this.lastScan = 0;
    this.loop = this.run().finally(() => {
      this.loop = undefined;
      if (this.restart) {
        this.restart = false;
        this.start();
      }
    });
  }

  /** Something was written to the outbox: look now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /**
   * Stops taking events; waits up to `graceMs` for publishes in flight (those confirmed are marked,
   * the others stay in the outbox for the next relay).
   */
  async stop(graceMs = 1_000): Promise<void> {
    this.restart = false;
    if (!this.loop) return;
    this.stopping = true;
    this.wake();
    const loop = this.loop;
    await Promise.race([loop, new Promise((r) => setTimeout(r, graceMs).unref())]);
  }

  /** Resolves once every event in the outbox now is published (tests, benchmarks, clean stops). */
  async drained(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const lag = await this.outbox.lag();
      if (lag.pending === 0) return;
      if (Date.now() > until) throw new Error(`the outbox still holds ${lag.pending} event(s)`);
      this.wake();
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        const issued = await this.round();
        await this.mark();
        if (this.failures > 0) {
          // The bus refused a publish: let what is in flight settle, back off, start over from the oldest.
          await Promise.allSettled(this.inFlight.values());
          await this.mark();
          const delay = Math.min(this.minBackoffMs * 2 ** Math.min(this.streak++, 16), this.maxBackoffMs);
          this.failures = 0;
          this.cursor = 0;
          await this.pause(delay);
          continue;
        }
        if (issued === 0) await this.sleep(this.inFlight.size > 0 ? Math.min(this.pollMs, 10) : this.pollMs);
      } catch (e) {
        // The store is unreachable: try again later.
        this.opts.onError?.(e);
        this.cursor = 0;
        await this.sleep(this.maxBackoffMs);
      }
    }
    await Promise.race([Promise.allSettled(this.inFlight.values()), new Promise((r) => setTimeout(r, 1_000).unref())]);
    await this.mark().catch((e: unknown) => this.opts.onError?.(e));
  }

  /** Reads the next events and issues their publishes, in order; returns how many it issued. */
  private async round(): Promise<number> {
    const now = Date.now();
    const rescan = now - this.lastScan >= this.rescanMs || this.cursor === 0;
    if (rescan) this.lastScan = now;
    const rows = await this.outbox.pending(
      rescan ? this.batch + this.inFlight.size : this.batch,
      rescan ? undefined : this.cursor,
    );
    let issued = 0;
    for (const e of rows) {
      if (this.stopping || this.failures > 0 || this.opts.mayPublish?.() === false) break;
      if (this.inFlight.has(e.seq)) continue;
      while (this.inFlight.size >= this.maxInFlight && !this.stopping) {
        await Promise.race(this.inFlight.values());
        await this.mark();
      }
      this.issue(e);
      issued++;
      if (e.seq > this.cursor) this.cursor = e.seq;
    }
    return issued;
  }

  private issue(e: PendingEvent): void {
    const p = this.bus.publish(e.subject, e.data, { msgId: e.id, untilHandled: true }).then(
      () => {
        this.inFlight.delete(e.seq);
        this.done.push(e.seq);
        this.published++;
        this.streak = 0;
        this.opts.onPublished?.(Date.now() - e.createdAt);
        if (this.done.length >= this.batch) this.wake();
      },
      (err: unknown) => {
        this.inFlight.delete(e.seq);
        if (this.stopping) return; // the bus closing under a stopping relay: the event waits for the next one
        // Reported once per outage (the first refusal after a publish went through), not once per event.
        if (this.failures++ === 0 && this.streak === 0) this.opts.onError?.(err);
        this.wake();
      },
    );
    this.inFlight.set(e.seq, p);
  }

  /** Stamps the confirmed events published. */
  private async mark(): Promise<void> {
    if (this.done.length === 0) return;
    const seqs = this.done;
    this.done = [];
    try {
      await this.outbox.markPublished(seqs, Date.now());
    } catch (e) {
      this.done.push(...seqs); // marked at the next try; meanwhile a restart would only publish them again
      throw e;
    }
  }

  /** A backoff: only stop() cuts it short (new events do not). */
  private pause(ms: number): Promise<void> {
    this.woken = false;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = undefined;
        resolve();
      }, ms);
      timer.unref();
      this.wakeUp = () => {
        if (!this.stopping) return;
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
    });
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = undefined;
        resolve();
      }, ms);
      timer.unref();
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
    });
  }
}
