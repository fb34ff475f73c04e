/**
 * The server's clock as seen from the browser. The core may run on simulated, accelerated time (the
 * twin), so the map places satellites at the server's "now", estimated from the `at` of successive
 * answers: offset from the last one, rate from the last two (1 until there are two).
 */
export class ServerClock {
  private last: { local: number; server: number } | undefined;
  private rate = 1;

  observe(serverIso: string, local = performance.now()): void {
    const server = Date.parse(serverIso);
    if (!Number.isFinite(server)) return;
    if (this.last && local - this.last.local > 500) {
      const r = (server - this.last.server) / (local - this.last.local);
      // A paused or wildly jumping clock is not extrapolated beyond 10,000× real time.
      this.rate = Number.isFinite(r) ? Math.max(0, Math.min(10_000, r)) : 1;
    }
    this.last = { local, server };
  }

  now(local = performance.now()): number | undefined {
    return this.last ? this.last.server + (local - this.last.local) * this.rate : undefined;
  }
}
