import { CodecError } from '../codec.js';

/**
 * Big-endian reads over one unescaped JT/T 808 region (header or body) that never run past the end:
 * a short region is a CODEC_MALFORMED with the frame offset, never a RangeError or a silent NaN.
 */
export class ByteReader {
  private pos = 0;

  /**
   * @param bytes the region to read
   * @param what names the region in error messages ("0x0200 body")
   * @param baseOffset where the region starts in the unescaped frame, so errors carry frame offsets
   */
  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
    private readonly baseOffset = 0,
  ) {}

  /** Bytes not yet read. */
  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** Offset of the next read in the unescaped frame. */
  get frameOffset(): number {
    return this.baseOffset + this.pos;
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.pos++]!;
  }

  u16(field: string): number {
    this.need(2, field);
    const v = (this.bytes[this.pos]! << 8) | this.bytes[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  /** Unsigned 32-bit (multiplication, not <<, so the top bit does not make it negative). */
  u32(field: string): number {
    this.need(4, field);
    const b = this.bytes,
      p = this.pos;
    this.pos += 4;
    return b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
  }

  /** The next n bytes (a view, not a copy). */
  take(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Everything not yet read. */
  rest(): Uint8Array {
    const out = this.bytes.subarray(this.pos);
    this.pos = this.bytes.length;
    return out;
  }

  private need(n: number, field: string): void {
    if (this.pos + n > this.bytes.length) {
      throw new CodecError(
        'CODEC_MALFORMED',
        `${this.what}: ${field} needs ${n} byte(s) but only ${this.remaining} remain`,
        this.frameOffset,
      );
    }
  }
}
