import type { Clock } from './ports/clock.js';

interface Task {
  readonly name: string;
  readonly everyMs: number;
  readonly run: () => Promise<unknown>;
  /** Runs only while this holds (a lease: singleton work). */
  readonly when: () => boolean;
  nextAt: number;
  running: Promise<void> | undefined;
}

export interface SchedulerOptions {
  /** How often (wall-clock ms) the scheduler looks at the clock. Default 1 s. */
  readonly tickMs?: number;
  readonly onError?: (e: unknown, task: string) => void;
}

/**
 * The core's periodic work on its Clock: the system clock in production, the twin's simulated one
 * in the demo (a 5-minute sweep runs every 5 s of wall time at ×60), a test's manual clock (tests
 * call tick()). A task is due `everyMs` after its last start on that clock; it never runs twice at
 * once; a failure is reported and the next period tries again. Singleton work passes `when` (this
 * node holds the task's lease).
 */
export class Scheduler {
  private readonly tasks: Task[] = [];
  private readonly tickMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly opts: SchedulerOptions = {},
  ) {
    this.tickMs = opts.tickMs ?? 1_000;
  }

  /** Runs `run` every `everyMs` of the clock, the first time after `firstAfterMs` (default one period). */
  every(
    name: string,
    everyMs: number,
    run: () => Promise<unknown>,
    o: { when?: () => boolean; firstAfterMs?: number } = {},
  ): void {
    this.tasks.push({
      name,
      everyMs,
      run,
      when: o.when ?? (() => true),
      nextAt: this.clock.now() + (o.firstAfterMs ?? everyMs),
      running: undefined,
    });
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.tick();
    }, this.tickMs);
    this.timer.unref();
  }

  /** Starts every task that is due (and allowed); resolves when those started have finished. */
  async tick(): Promise<void> {
    const now = this.clock.now();
    const started: Promise<void>[] = [];
    for (const t of this.tasks) {
      if (t.running || now < t.nextAt || !t.when()) continue;
      t.nextAt = now + t.everyMs;
      const run = t
        .run()
        .then(
          () => undefined,
          (e: unknown) => this.opts.onError?.(e, t.name),
        )
        .finally(() => {
          t.running = undefined;
        });
      t.running = run;
      started.push(run);
    }
    await Promise.all(started);
  }

  /** Stops scheduling; waits for the tasks running now. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all(this.tasks.map((t) => t.running));
  }
}
