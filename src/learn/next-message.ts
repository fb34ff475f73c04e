import { median, quantileSorted } from './stats.js';

/**
 * A terminal's past messages: when each was captured (heard by a satellite or a gateway) and when it reached the core,
 * Unix ms.
 */
export interface Arrival {
  readonly capturedAt: number;
  readonly ingestedAt: number;
}

/** A window in which the terminal can be heard (a satellite pass over it), Unix ms. */
export interface ContactWindow {
  readonly start: number;
  readonly end: number;
}

export interface NextMessageForecast {
  /** When the forecast was made. */
  readonly at: number;
  /** The newest capture and arrival it starts from (null: the terminal was never heard). */
  readonly lastCapturedAt: number | null;
  readonly lastIngestedAt: number | null;
  /**
   * When the next message should reach the core: the median and the interval's bounds (Unix ms);
   * null when the history is too short or the terminal has been silent longer than any gap it ever left.
   */
  readonly expected: { readonly lower: number; readonly median: number; readonly upper: number } | null;
  /**
   * Silent for twice its longest gap plus its longest delay: every gap and delay it has shown would
   * have brought a message, and it has missed its longest gap again (at least MIN_GAPS gaps seen).
   * Between the two it is late: no forecast, not yet overdue.
   */
  readonly overdue: boolean;
  readonly model: {
    readonly kind: 'renewal';
    /** The interval's level (default 0.8: the 10th to the 90th percentile). */
    readonly level: number;
    /** Capture gaps learned from, and their median (ms). */
    readonly gaps: number;
    readonly medianGapMs: number | null;
    /** Delivery delays (capture → core) learned from, and their median (ms). */
    readonly delays: number;
    readonly medianDelayMs: number | null;
    /** Whether captures were moved into the contact plan's windows (a terminal heard only through satellites). */
    readonly contactPlan: boolean;
    /** The next contact window after the forecast's time, when the plan was used. */
    readonly nextContact: ContactWindow | null;
    /** What was borrowed from the terminal's peers (a pooled prior), while its own history is short. */
    readonly prior: {
      readonly key: string;
      readonly terminals: number;
      readonly gaps: number;
      readonly delays: number;
    } | null;
  };
}

/**
 * The capture gaps and delivery delays of a terminal's peers — the same profile in the same region
 * (core/next-message.ts pools them) — that a terminal with a short history of its own borrows.
 */
export interface PooledPrior {
  /** Which peers: e.g. `fixed-collector@<H3 cell>`. */
  readonly key: string;
  readonly terminals: number;
  readonly gaps: readonly number[];
  readonly delays: readonly number[];
}

/**
 * The capture gaps and delivery delays of peers' histories, pooled (a report heard twice within a minute counts once).
 */
export function pooledSamples(histories: ReadonlyArray<readonly Arrival[]>): { gaps: number[]; delays: number[] } {
  const gaps: number[] = [],
    delays: number[] = [];
  for (const h of histories) {
    const captures = h.map((a) => a.capturedAt).sort((a, b) => a - b);
    for (let k = 1; k < captures.length; k++)
      if (captures[k]! - captures[k - 1]! >= SAME_REPORT_MS) gaps.push(captures[k]! - captures[k - 1]!);
    for (const a of h) delays.push(Math.max(0, a.ingestedAt - a.capturedAt));
  }
  return { gaps, delays };
}

/** Samples of a pooled prior and the terminal's own together, while it has fewer than this many. */
export const PRIOR_WEIGHT = 20;

/** `n` values spread evenly over the sorted sample (its quantiles), none when n ≤ 0 or the sample is empty. */
function spread(sample: readonly number[], n: number): number[] {
  if (n <= 0 || sample.length === 0) return [];
  const sorted = [...sample].sort((a, b) => a - b);
  return Array.from(
    { length: n },
    (_, k) => sorted[Math.min(sorted.length - 1, Math.floor(((k + 0.5) / n) * sorted.length))]!,
  );
}

/** Fewer capture gaps than this: no forecast. */
export const MIN_GAPS = 3;
/** The newest gaps and delays learned from. */
const MAX_LEARNED = 200;
/** Captures this close together are one report heard twice (another satellite, a gateway): not a gap. */
const SAME_REPORT_MS = 60_000;

/**
 * When a terminal's next message will reach the core, learned from its own history: a renewal model.
 *
 * - The next **capture** is the newest capture plus one of the terminal's capture gaps (the newest
 *   MAX_LEARNED, a report heard twice within a minute counting once).
 * - With `contacts` (the passes over a terminal heard only through satellites), a capture falls in a
 *   pass: a report due between passes is heard at the next one.
 * - Plus the **delivery delay** (capture → core: store and forward), each learned delay with each
 *   gap. Only arrivals after `now` count — nothing has arrived since, which is what a late terminal
 *   tells: its forecast moves on with the silence; once every combination would have arrived it is
 * late (no forecast), and `overdue` once it has missed its longest gap again. (Gaps and delays are taken as
 * independent.)
 *
 * The quantiles of those arrivals give the median and the interval at `level`. A terminal with fewer
 * than PRIOR_WEIGHT gaps (or delays) of its own is topped up to PRIOR_WEIGHT from `prior`, its peers'
 * pooled values spread over their quantiles: a new terminal is forecast from its first report, and
 * its own history takes over as it grows. Pure: data in, numbers out.
 */
export function forecastNextMessage(
  history: readonly Arrival[],
  now: number,
  opts: { contacts?: readonly ContactWindow[]; level?: number; prior?: PooledPrior } = {},
): NextMessageForecast {
  const level = opts.level ?? 0.8;
  const seen = history
    .filter((a) => Number.isFinite(a.capturedAt) && Number.isFinite(a.ingestedAt) && a.capturedAt <= now)
    .sort((a, b) => a.capturedAt - b.capturedAt);
  const captures: number[] = [];
  for (const a of seen)
    if (captures.length === 0 || a.capturedAt - captures[captures.length - 1]! >= SAME_REPORT_MS)
      captures.push(a.capturedAt);
  const ownGaps = captures
    .slice(1)
    .map((c, i) => c - captures[i]!)
    .slice(-MAX_LEARNED);
  const ownDelays = seen.map((a) => Math.max(0, a.ingestedAt - a.capturedAt)).slice(-MAX_LEARNED);
  // A young terminal borrows its peers' rhythm: PRIOR_WEIGHT samples in all, its own counting in full.
  const borrowedGaps = opts.prior ? spread(opts.prior.gaps, PRIOR_WEIGHT - ownGaps.length) : [];
  const borrowedDelays = opts.prior ? spread(opts.prior.delays, PRIOR_WEIGHT - ownDelays.length) : [];
  const gaps = [...ownGaps, ...borrowedGaps],
    delays = [...ownDelays, ...borrowedDelays];
  const contacts =
    opts.contacts && opts.contacts.length > 0 ? [...opts.contacts].sort((a, b) => a.start - b.start) : undefined;
  const lastCapturedAt = captures.at(-1) ?? null;
  const lastIngestedAt = seen.length ? Math.max(...seen.map((a) => a.ingestedAt)) : null;
  const model = {
    kind: 'renewal' as const,
    level,
    gaps: gaps.length,
    medianGapMs: gaps.length ? median(gaps) : null,
    delays: delays.length,
    medianDelayMs: delays.length ? median(delays) : null,
    contactPlan: contacts !== undefined,
    nextContact: contacts?.find((c) => c.end > now) ?? null,
    prior:
      opts.prior && (borrowedGaps.length > 0 || borrowedDelays.length > 0)
        ? {
            key: opts.prior.key,
            terminals: opts.prior.terminals,
            gaps: borrowedGaps.length,
            delays: borrowedDelays.length,
          }
        : null,
  };
  const base = { at: now, lastCapturedAt, lastIngestedAt, model };
  if (gaps.length < MIN_GAPS || delays.length === 0 || lastCapturedAt === null)
    return { ...base, expected: null, overdue: false };
  const heardAt = (t: number): number => {
    if (!contacts) return t;
    const c = contacts.find((w) => w.end > t);
    return c ? Math.max(t, c.start) : NaN;
  };
  const arrivals: number[] = [];
  for (const g of gaps) {
    const capture = heardAt(lastCapturedAt + g);
    if (!Number.isFinite(capture)) continue;
    for (const d of delays) if (capture + d > now) arrivals.push(capture + d);
  }
  // Later than anything it has shown: overdue once it has also missed its longest gap again (a
  // terminal that merely stretched its longest gap a little is late, not yet overdue).
  if (arrivals.length === 0)
    return { ...base, expected: null, overdue: now > lastCapturedAt + 2 * Math.max(...gaps) + Math.max(...delays) };
  arrivals.sort((a, b) => a - b);
  const q = (p: number) => quantileSorted(arrivals, p)!;
  return {
    ...base,
    expected: { lower: q((1 - level) / 2), median: q(0.5), upper: q((1 + level) / 2) },
    overdue: false,
  };
}

/**
 * The baseline a next-message forecast is compared with: the newest arrival plus the median gap
 * between arrivals (from now, once that has passed), a point with no interval.
 */
export function naiveNextMessage(history: readonly Arrival[], now: number): number | null {
  const arrivals = history
    .map((a) => a.ingestedAt)
    .filter((t) => t <= now)
    .sort((a, b) => a - b);
  if (arrivals.length < MIN_GAPS + 1) return null;
  const gaps = arrivals
    .slice(1)
    .map((t, i) => t - arrivals[i]!)
    .filter((g) => g >= SAME_REPORT_MS);
  if (gaps.length === 0) return null;
  const next = arrivals.at(-1)! + median(gaps);
  return next > now ? next : now + median(gaps);
}
