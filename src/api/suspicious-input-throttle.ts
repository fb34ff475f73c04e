import type { Clock } from '../core/ports/clock.js';
import { systemClock } from '../core/ports/clock.js';

/**
 * How often junk input may reach the audit chain. Each record is a hash-chained row kept for the
 * retention period, so an unauthenticated client must not be able to add one per request.
 */
export interface SuspiciousInputLimits {
  /** One record per source address per window, ms (default 60 s). */
  readonly windowMs: number;
  /**
   * Records of all sources together per window (default 20: at most 28,800 a day, whatever the number of addresses).
   */
  readonly maxPerWindow: number;
  /** Source addresses remembered at most (default 10,000); older quiet ones are folded into `suppressedOverCap`. */
  readonly maxTracked: number;
}

export const DEFAULT_SUSPICIOUS_INPUT_LIMITS: SuspiciousInputLimits = {
  windowMs: 60_000,
  maxPerWindow: 20,
  maxTracked: 10_000,
};

/** What to write: nothing, or a record carrying the counts of the requests not recorded before it. */
export type SuspiciousInputVerdict =
  | { readonly record: false }
  | {
      readonly record: true;
      /** Requests from this source not recorded since its previous record. */
      readonly suppressed: number;
      /**
       * Requests from any source not recorded because of the global cap (or forgotten sources) since the last record
       * that reported them.
       */
      readonly suppressedOverCap: number;
    };

/**
 * Aggregates suspicious-input records: per source address at most one record per window, carrying
 * how many requests it stood for; a fixed-window cap on all sources together, with the requests it
 * held back counted into the next record written. Memory is bounded by `maxTracked`. Per node (in
 * memory): a cluster of n nodes writes at most n times the cap.
 */
export class SuspiciousInputThrottle {
  private readonly limits: SuspiciousInputLimits;
  /** Per source: when its last record was written, and the requests suppressed since. */
  private readonly sources = new Map<string, { at: number; suppressed: number }>();
  private windowStart = Number.NEGATIVE_INFINITY;
  private recordsInWindow = 0;
  private overCap = 0;

  constructor(
    limits: Partial<SuspiciousInputLimits> = {},
    private readonly clock: Clock = systemClock,
  ) {
    this.limits = { ...DEFAULT_SUSPICIOUS_INPUT_LIMITS, ...limits };
  }

  /** Counts one suspicious request from `source` and says whether to write a record for it. */
  admit(source: string): SuspiciousInputVerdict {
    const now = this.clock.now();
    const { windowMs, maxPerWindow } = this.limits;
    const seen = this.sources.get(source);
    if (seen && now - seen.at < windowMs) {
      seen.suppressed++;
      return { record: false };
    }
    if (now - this.windowStart >= windowMs) {
      this.windowStart = now;
      this.recordsInWindow = 0;
    }
    if (this.recordsInWindow >= maxPerWindow) {
      if (seen) seen.suppressed++;
      else this.overCap++;
      return { record: false };
    }
    this.recordsInWindow++;
    const suppressed = seen?.suppressed ?? 0,
      suppressedOverCap = this.overCap;
    this.overCap = 0;
    this.sources.delete(source); // re-inserted last: the map stays in order of last record
    this.sources.set(source, { at: now, suppressed: 0 });
    if (this.sources.size > this.limits.maxTracked) this.forgetQuiet(now);
    return { record: true, suppressed, suppressedOverCap };
  }

  /** Requests counted but not yet written in any record (for a summary at shutdown). */
  pending(): number {
    let n = this.overCap;
    for (const s of this.sources.values()) n += s.suppressed;
    return n;
  }

  /**
   * Drops sources whose window has passed, oldest record first, until the map fits; their
   * unrecorded counts move to `overCap` so that no request goes uncounted.
   */
  private forgetQuiet(now: number): void {
    for (const [k, s] of this.sources) {
      if (this.sources.size <= this.limits.maxTracked) break;
      if (now - s.at < this.limits.windowMs) break;
      this.overCap += s.suppressed;
      this.sources.delete(k);
    }
  }
}
