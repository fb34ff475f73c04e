import type { LeaseStore } from './ports/lease-store.js';

/** Work that runs only while this node holds its lease. */
export interface LeasedWork {
  start(): void | Promise<void>;
  stop(): Promise<void>;
}

export interface LeaseKeeperOptions {
  /** How long a lease lasts without renewal, ms (default 6 s): a dead node's work moves within it plus renewMs. */
  readonly ttlMs?: number;
  /** How often leases are renewed and free ones taken, ms (default 1 s). */
  readonly renewMs?: number;
  readonly onError?: (e: unknown, what: string) => void;
  /** A lease was taken or lost (logged by the edge). */
  readonly onChange?: (name: string, held: boolean) => void;
}

interface Entry {
  readonly work: LeasedWork;
  /** Until when (this process's monotonic clock, ms) the lease is ours without another renewal. */
  heldUntil: number;
  running: boolean;
  epoch: number;
}

/**
 * Singleton work across the cluster (docs/cluster.md, "Singleton work"): for each named piece of
 * work, every node asks the store's lease table on every round; the node that holds the lease
 * runs the work, renews it each round, and gives it up on a clean stop. When a node dies its leases
 * expire after ttlMs and the next round of a survivor takes them — within ttlMs + renewMs.
 *
 * A holder that cannot reach the store keeps its work only until its lease would have expired
 * (measured on its own monotonic clock, with a margin), then stops it: two nodes never run the same
 * work on purpose. Work under a lease must still tolerate a short overlap (a paused process), as
 * the outbox relay and the sweeps do: their writes are idempotent or conditional.
 */
export class LeaseKeeper {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly renewMs: number;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private stopped = false;
  private readonly listeners: Array<(name: string, held: boolean) => void> = [];

  constructor(
    private readonly leases: LeaseStore,
    readonly holder: string,
    private readonly opts: LeaseKeeperOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 6_000;
    this.renewMs = opts.renewMs ?? 1_000;
  }

  /** Registers work under lease `name` (before start()). */
  hold(name: string, work: LeasedWork = NO_WORK): void {
    this.entries.set(name, { work, heldUntil: 0, running: false, epoch: 0 });
  }

  /** Hears every lease this node takes or gives up (the edge logs them). */
  onChange(fn: (name: string, held: boolean) => void): void {
    this.listeners.push(fn);
  }

  private changed(name: string, held: boolean): void {
    this.opts.onChange?.(name, held);
    for (const fn of this.listeners) fn(name, held);
  }

  /** Whether this node holds `name` now. */
  holds(name: string): boolean {
    const e = this.entries.get(name);
    return e !== undefined && e.running && performance.now() < e.heldUntil;
  }

  /** The leases this node holds, by name. */
  held(): string[] {
    return [...this.entries]
      .filter(([n]) => this.holds(n))
      .map(([n]) => n)
      .sort();
  }

  /** Takes what is free now (awaited), then renews every renewMs. */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => {
      void this.tick();
    }, this.renewMs);
    this.timer.unref();
  }

  /** One round: renew or take every lease, start or stop the work accordingly. */
  tick(): Promise<void> {
    this.round ??= this.runRound().finally(() => {
      this.round = undefined;
    });
    return this.round;
  }

  /** Stops every piece of work and gives its lease up, so that another node takes it at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.round;
    for (const [name, e] of this.entries) {
      if (!e.running) continue;
      e.running = false;
      await e.work.stop().catch((err: unknown) => this.opts.onError?.(err, `stopping ${name}`));
      await this.leases
        .release(name, this.holder)
        .catch((err: unknown) => this.opts.onError?.(err, `releasing ${name}`));
      this.changed(name, false);
    }
  }

  private async runRound(): Promise<void> {
    for (const [name, e] of this.entries) {
      if (this.stopped) return;
      const asked = performance.now();
      let held: boolean;
      try {
        // A request that hangs (a half-open connection) counts as failed once the lease would be
        // due for renewal: the round goes on, and work whose lease runs out is stopped in time.
        const lease = await within(
          this.leases.acquire(name, this.holder, this.ttlMs),
          this.ttlMs / 2,
          `lease ${name}: the store did not answer in ${this.ttlMs / 2} ms`,
        );
        held = lease !== undefined;
        if (lease) {
          // Counted from before the request, less a margin for clock drift: never longer than the store's view.
          e.heldUntil = asked + this.ttlMs - Math.min(1_000, this.ttlMs / 4);
          e.epoch = lease.epoch;
        }
      } catch (err) {
        this.opts.onError?.(err, `lease ${name}`);
        held = e.running && performance.now() < e.heldUntil;
      }
      if (held && !e.running) {
        e.running = true;
        this.changed(name, true);
        try {
          await e.work.start();
        } catch (err) {
          // Work that did not start gives its lease up (after undoing what it did start), so that
          // the next round — here or on another node — tries again rather than hold it idle.
          this.opts.onError?.(err, `starting ${name}`);
          e.running = false;
          e.heldUntil = 0;
          await e.work.stop().catch((err2: unknown) => this.opts.onError?.(err2, `stopping ${name}`));
          await this.leases
            .release(name, this.holder)
            .catch((err2: unknown) => this.opts.onError?.(err2, `releasing ${name}`));
          this.changed(name, false);
        }
      } else if (!held && e.running) {
        e.running = false;
        this.changed(name, false);
        await e.work.stop().catch((err: unknown) => this.opts.onError?.(err, `stopping ${name}`));
      }
    }
  }
}

/** `p`, or a rejection once `ms` have passed without it settling. */
function within<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

const NO_WORK: LeasedWork = { start: () => undefined, stop: async () => undefined };
