/**
 * Per-terminal anti-replay state over 32-bit uplink counters, in the manner of IPsec ESP's
 * sliding window (RFC 4303 §3.4.3): `top` is the highest accepted counter and bit i of the window
 * says whether `top − i` was accepted. Store-and-forward delivers out of order — counter 11 through
 * one satellite may arrive hours before counter 10 through another — so an unseen counter inside the
 * window is still new; one below the window is too old to judge and is refused.
 *
 * `accept` returns a new state; a batch that accepts many counters of one terminal works on a
 * `clone()` with `acceptInPlace`, so the hot path does not allocate per frame.
 */
export class ReplayWindow {
  /** Window width in counters (default 1024: days of traffic for a terminal sending every few minutes). */
  static readonly DEFAULT_SIZE = 1024;

  private constructor(
    private topValue: number,
    private readonly bits: Uint8Array,
    readonly size: number,
  ) {}

  /** Highest accepted counter, −1 before the first. */
  get top(): number {
    return this.topValue;
  }

  static empty(size = ReplayWindow.DEFAULT_SIZE): ReplayWindow {
    return new ReplayWindow(-1, new Uint8Array(Math.ceil(size / 8)), size);
  }

  /** Restores a window stored as `toHex()`. Missing or short hex reads as zeros. */
  static fromState(top: number, hex: string, size = ReplayWindow.DEFAULT_SIZE): ReplayWindow {
    const bits = new Uint8Array(Math.ceil(size / 8));
    const clean = /^[0-9a-f]*$/i.test(hex) ? hex : '';
    for (let i = 0; i < bits.length && 2 * i + 1 < clean.length; i++)
      bits[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
    return new ReplayWindow(top, bits, size);
  }

  toHex(): string {
    return Buffer.from(this.bits.buffer, this.bits.byteOffset, this.bits.length).toString('hex');
  }

  /**
   * - `new`: never accepted and above the window's floor (accept it);
   * - `seen`: accepted before (a duplicate copy, or a replay once the dedup window has passed);
   * - `below`: older than the window can tell: refused as a replay.
   */
  classify(fCnt: number): 'new' | 'seen' | 'below' {
    if (this.top < 0 || fCnt > this.top) return 'new';
    const age = this.top - fCnt;
    if (age >= this.size) return 'below';
    return this.bit(age) ? 'seen' : 'new';
  }

  /** A private copy to mutate with `acceptInPlace`. */
  clone(): ReplayWindow {
    return new ReplayWindow(this.top, this.bits.slice(), this.size);
  }

  /** Accepts `fCnt` (which must classify as `new`) into this window itself. */
  acceptInPlace(fCnt: number): void {
    if (this.top < 0 || fCnt > this.top) {
      shiftBits(this.bits, this.bits, this.top < 0 ? this.size : fCnt - this.top, this.size);
      this.bits[0]! |= 1;
      this.topValue = fCnt;
      return;
    }
    const age = this.top - fCnt;
    this.bits[age >> 3]! |= 1 << (age & 7);
  }

  /** The state after accepting `fCnt` (which must classify as `new`). */
  accept(fCnt: number): ReplayWindow {
    const bits = new Uint8Array(this.bits.length);
    if (this.top < 0 || fCnt > this.top) {
      shiftBits(this.bits, bits, this.top < 0 ? this.size : fCnt - this.top, this.size);
      bits[0]! |= 1;
      return new ReplayWindow(fCnt, bits, this.size);
    }
    bits.set(this.bits);
    const age = this.top - fCnt;
    bits[age >> 3]! |= 1 << (age & 7);
    return new ReplayWindow(this.top, bits, this.size);
  }

  private bit(i: number): boolean {
    return (this.bits[i >> 3]! & (1 << (i & 7))) !== 0;
  }
}

/**
 * Writes `src` shifted towards older counters by `shift` bits into `dst` (which may be `src`):
 * bit i moves to i + shift, bits pushed past `size` are dropped, the low `shift` bits become 0.
 */
function shiftBits(src: Uint8Array, dst: Uint8Array, shift: number, size: number): void {
  if (shift >= size) {
    dst.fill(0);
    return;
  }
  const byteShift = shift >> 3,
    bitShift = shift & 7;
  // From the top byte down, so an in-place shift reads each source byte before overwriting it.
  for (let j = dst.length - 1; j >= byteShift; j--) {
    const srcIdx = j - byteShift;
    const lo = src[srcIdx]! << bitShift;
    const carry = bitShift && srcIdx > 0 ? src[srcIdx - 1]! >> (8 - bitShift) : 0;
    dst[j] = (lo | carry) & 0xff;
  }
  for (let j = Math.min(byteShift, dst.length) - 1; j >= 0; j--) dst[j] = 0;
  const spare = dst.length * 8 - size;
  if (spare > 0) dst[dst.length - 1]! &= 0xff >> spare;
}
