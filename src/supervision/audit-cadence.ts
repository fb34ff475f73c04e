import type { AuditBreak } from './audit-break.js';
import { iso } from '../core/iso-time.js';

/** The writer's promise (audit-log.ts): a signed checkpoint after this many records… */
export const DEFAULT_CHECKPOINT_EVERY = 1000;
/** …or once a record comes this long after the last checkpoint (and every interval while records come in), ms. */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 10 * 60_000;
/**
 * Slack on the interval, ms (default 5 minutes): the clocks of several nodes, the checkpoint timer's
 * delay and a lease moving to another node after one stops.
 */
export const DEFAULT_CADENCE_TOLERANCE_MS = 5 * 60_000;

export interface CheckpointCadence {
  readonly every: number;
  readonly intervalMs: number;
  readonly toleranceMs: number;
}

/**
 * Holds a chain to its checkpoint cadence, one stretch of records at a time; a stretch starts after
 * a signed anchor (a checkpoint, or the chain's start) and ends at the next signed checkpoint, or
 * at the newest record. A record is in cadence when it is at most `every` records after the anchor
 * and either came within the interval of the anchor's time or was signed within the interval of
 * its own time: a writer signs the group that first crosses either limit, and the timer signs
 * whatever came since within an interval. The newest records count as signed at `now`: younger
 * than the interval, they are still to be signed; older ones, never will be.
 */
export class CadenceCheck {
  private anchorSeq = 0;
  private anchorAt: number | undefined;
  private signedAnchor = false;
  /** Records of this stretch that came later than the interval after its anchor. */
  private late: Array<{ seq: number; at: number }> = [];

  constructor(private readonly c: CheckpointCadence) {}

  /**
   * A stretch starts after record `seq`, signed at `at` (undefined at an unsigned start: the first record's time stands
   * in).
   */
  anchor(seq: number, at: number | undefined): void {
    this.anchorSeq = seq;
    this.anchorAt = at;
    this.signedAnchor = at !== undefined;
    this.late = [];
  }

  record(seq: number, at: number): AuditBreak | undefined {
    this.anchorAt ??= at;
    if (seq - this.anchorSeq > this.c.every) {
      return {
        seq,
        reason: 'checkpoint-missing',
        message:
          `records ${this.anchorSeq + 1}–${seq} run past ${this.c.every} without a signed checkpoint (the ` +
          `writer signs one at least every ${this.c.every} records): checkpoints were removed or never made`,
      };
    }
    if (at - this.anchorAt > this.c.intervalMs + this.c.toleranceMs) this.late.push({ seq, at });
    return undefined;
  }

  /**
   * The stretch ends with a checkpoint signed at `signedAt`, or, for the newest records (`newest`), unsigned as of
   * `signedAt` = now.
   */
  close(signedAt: number, newest = false): AuditBreak | undefined {
    const limit = this.c.intervalMs + this.c.toleranceMs;
    const r = this.late.find((x) => signedAt - x.at > limit);
    if (!r) return undefined;
    const from = this.signedAnchor
      ? `the signed checkpoint at record ${this.anchorSeq}`
      : `the start at record ${this.anchorSeq + 1}`;
    const minutes = Math.round(limit / 60_000);
    const signed = newest ? `is still unsigned at ${iso(signedAt)}` : `was signed only at ${iso(signedAt)}`;
    return {
      seq: r.seq,
      reason: 'checkpoint-missing',
      message:
        `record ${r.seq} (${iso(r.at)}) came more than ${minutes} min after ${from} (` +
        `${iso(this.anchorAt ?? r.at)}) and ${signed}: checkpoints were removed or never made`,
    };
  }
}
