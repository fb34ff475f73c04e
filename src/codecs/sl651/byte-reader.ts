import { CodecError } from '../codec.js';

/**
 * A cursor over a window of a frame. Every read is checked against the window's end and fails with
 * CODEC_MALFORMED (never a RangeError); positions are offsets in the whole frame, for error reports.
 */
export class ByteReader {
  constructor(
    private readonly bytes: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  /** One byte; `what` names the field in the error message. */
  u8(what: string): number {
    if (this.pos >= this.end) throw new CodecError('CODEC_MALFORMED', `the body ends inside ${what}`, this.pos);
    return this.bytes[this.pos++]!;
  }

  /** The next byte without moving, or undefined at the end. */
  peek(): number | undefined {
    return this.pos < this.end ? this.bytes[this.pos] : undefined;
  }

  /** `n` bytes (a view, not a copy). */
  take(n: number, what: string): Uint8Array {
    if (n > this.remaining)
      throw new CodecError(
        'CODEC_MALFORMED',
        `the body ends inside ${what} (${n} bytes wanted, ${this.remaining} left)`,
        this.pos,
      );
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Everything left in the window. */
  rest(): Uint8Array {
    return this.take(this.remaining, 'the rest');
  }
}
