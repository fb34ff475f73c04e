import type { Clock } from '../../core/ports/clock.js';

/**
 * The twin's simulated time, which the core is started with. Paced: simulated time runs `speed`
 * times faster than the wall clock from `startAt`. Batch runs (`speed` 'max') move it by hand with
 * `set`, as fast as the simulation goes. Never runs backwards.
 */
export class TwinClock implements Clock {
  private origin: number;
  private wall0: number;
  private manual: number;

  constructor(
    readonly speed: number | 'max',
    startAt: number,
  ) {
    this.origin = startAt;
    this.manual = startAt;
    this.wall0 = performance.now();
  }

  now(): number {
    if (this.speed === 'max') return this.manual;
    return Math.floor(this.origin + (performance.now() - this.wall0) * this.speed);
  }

  /** Moves a 'max' clock forward (ignored when it would go back); a paced clock jumps and keeps pacing. */
  set(t: number): void {
    if (t <= this.now()) return;
    if (this.speed === 'max') {
      this.manual = t;
      return;
    }
    this.origin = t;
    this.wall0 = performance.now();
  }
}

/** A clock for `Core.start({clock})` before `LiveTwin.start`: paced at `speed` from `startAt` (default now). */
export function createTwinClock(speed: number | 'max', startAt: number = Date.now()): TwinClock {
  return new TwinClock(speed, startAt);
}
