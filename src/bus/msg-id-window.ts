/**
 * Publisher de-duplication as JetStream does it: a message id seen within the last `windowMs` is a
 * duplicate. Ids expire in the order they were first seen, so the oldest are pruned from the front
 * of an insertion-ordered map on every call (amortised O(1), no timers).
 */
export class MsgIdWindow {
  private readonly seen = new Map<string, number>();

  constructor(
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time an id is seen within the window (and remembers it); false for a duplicate. */
  admit(msgId: string): boolean {
    const t = this.now();
    for (const [id, expires] of this.seen) {
      if (expires > t) break;
      this.seen.delete(id);
    }
    if (this.seen.has(msgId)) return false;
    this.seen.set(msgId, t + this.windowMs);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}
