/**
 * A token bucket per source address: `perSecond` datagrams a second, bursts up to twice that. UDP
 * sources can be spoofed, so this bounds work, not identity; buckets idle for a minute are dropped
 * so a scan over many addresses cannot grow the map without bound (at most `maxSources`).
 */
export class SourceRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly perSecond: number, private readonly maxSources = 100_000) {}

  /** Whether a datagram from `source` at `now` (ms) may be handled. */
  take(source: string, now: number): boolean {
    const burst = this.perSecond * 2;
    let b = this.buckets.get(source);
    if (!b) {
      if (this.buckets.size >= this.maxSources) this.sweep(now);
      if (this.buckets.size >= this.maxSources) return false;
      b = { tokens: burst, at: now };
      this.buckets.set(source, b);
    }
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private sweep(now: number): void {
    for (const [k, b] of this.buckets) if (now - b.at > 60_000) this.buckets.delete(k);
  }
}
