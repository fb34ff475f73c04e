/**
 * A token bucket per source address: `perSecond` datagrams a second, bursts up to twice that. UDP
 * sources can be spoofed, so this bounds work, not identity. At most `maxSources` buckets are kept,
 * the least recently used one dropped for a new source (O(1): a Map keeps insertion order, and a
 * bucket is moved to the end on every use), so a scan over many addresses neither grows the map
 * nor costs a sweep per datagram. Times are monotonic milliseconds (`performance.now()`): a wall
 * clock stepping back must not leave a bucket empty for as long.
 */
export class SourceRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly maxSources = 100_000,
  ) {}

  /** Whether a datagram from `source` at `now` (monotonic ms) may be handled. */
  take(source: string, now: number): boolean {
    const burst = this.perSecond * 2;
    let b = this.buckets.get(source);
    if (b) {
      this.buckets.delete(source);
    } else {
      if (this.buckets.size >= this.maxSources) this.buckets.delete(this.buckets.keys().next().value!);
      b = { tokens: burst, at: now };
    }
    this.buckets.set(source, b);
    b.tokens = Math.min(burst, b.tokens + (Math.max(0, now - b.at) / 1000) * this.perSecond);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
