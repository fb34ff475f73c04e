const WINDOW_MS = 120_000;

/**
 * The core's clock as seen from the browser: the one clock every view shows. The core may run on
 * simulated, accelerated time (the twin), so "now" is estimated from the `at` of successive answers:
 * offset from the last one, rate across the last two minutes' answers (1 until two are half a
 * second apart), so one slow answer hardly moves it. The map places
 * satellites by it and the feed stamps events with it.
 */
export class ServerClock {
  /**
   * Observations of the last two minutes, oldest first: the rate is measured across them, so an answer's latency hardly
   * moves it.
   */
  private seen: Array<{ local: number; server: number }> = [];
  private last: { local: number; server: number } | undefined;
  private rate = 1;

  observe(serverIso: string, local = performance.now()): void {
    const server = Date.parse(serverIso);
    if (!Number.isFinite(server)) return;
    this.last = { local, server };
    this.seen.push(this.last);
    while (this.seen.length > 2 && local - this.seen[1]!.local > WINDOW_MS) this.seen.shift();
    const from = this.seen[0]!;
    if (local - from.local > 500) {
      const r = (server - from.server) / (local - from.local);
      // A paused or wildly jumping clock is not extrapolated beyond 10,000× real time.
      this.rate = Number.isFinite(r) ? Math.max(0, Math.min(10_000, r)) : 1;
    }
  }

  now(local = performance.now()): number | undefined {
    return this.last ? this.last.server + (local - this.last.local) * this.rate : undefined;
  }

  /** How many times faster than the wall clock the core's runs (1: real time). */
  speed(): number {
    return this.rate;
  }
}

/** `YYYY-MM-DD HH:MM:SS` (UTC) of a time, as every view writes the core's times. */
export const utc = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
