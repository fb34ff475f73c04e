/**
 * Per-terminal anti-replay state over 32-bit uplink counters, in the manner of IPsec ESP's
 * sliding window (RFC 4303 §3.4.3): `top` is the highest accepted counter and bit i of the window
 * says whether `top − i` was accepted. Store-and-forward delivers out of order — counter 11 through
 * one satellite may arrive hours before counter 10 through another — so an unseen counter inside the
 * window is still new; one below the window is too old to judge and is refused.
 *
 * Immutable: `accept` returns a new state.
 */
export class ReplayWindow {
  /** Window width in counters (default 1024: days of traffic for a terminal sending every few minutes). */
  static readonly DEFAULT_SIZE = 1024;

  private constructor(readonly top: number, private readonly bits: Uint8Array, readonly size: number) {}

  static empty(size = ReplayWindow.DEFAULT_SIZE): ReplayWindow {
    return new ReplayWindow(-1, new Uint8Array(Math.ceil(size / 8)), size);
  }

  /** Restores a window stored as `toHex()`. Missing or short hex reads as zeros. */
  static fromState(top: number, hex: string, size = ReplayWindow.DEFAULT_SIZE): ReplayWindow {
    const bits = new Uint8Array(Math.ceil(size / 8));
    const clean = /^[0-9a-f]*$/i.test(hex) ? hex : '';
    for (let i = 0; i < bits.length && 2 * i + 1 < clean.length; i++) bits[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
    return new ReplayWindow(top, bits, size);
  }

  toHex(): string {
    let s = '';
    for (const b of this.bits) s += b.toString(16).padStart(2, '0');
    return s;
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

  /** The state after accepting `fCnt` (which must classify as `new`). */
  accept(fCnt: number): ReplayWindow {
    const bits = new Uint8Array(this.bits.length);
    if (this.top < 0 || fCnt > this.top) {
      const shift = this.top < 0 ? this.size : fCnt - this.top;
      if (shift < this.size) {
        // Bit i moves to i + shift: whole bytes first, then the remaining bits across byte edges.
        const byteShift = shift >> 3, bitShift = shift & 7;
        for (let j = bits.length - 1; j >= byteShift; j--) {
          const src = j - byteShift;
          const lo = this.bits[src]! << bitShift;
          const carry = bitShift && src > 0 ? this.bits[src - 1]! >> (8 - bitShift) : 0;
          bits[j] = (lo | carry) & 0xff;
        }
        // Bits pushed past the window's end are dropped (size may not fill the last byte).
        const spare = bits.length * 8 - this.size;
        if (spare > 0) bits[bits.length - 1]! &= 0xff >> spare;
      }
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
