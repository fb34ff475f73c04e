import { CodecError } from '../codec.js';

/**
 * Big-endian writes for the encoders. A value that does not fit its field (negative, fractional,
 * too large) is a CODEC_MALFORMED naming the field, never silently truncated.
 */
export class ByteWriter {
  private readonly out: number[] = [];

  get length(): number {
    return this.out.length;
  }

  u8(v: number, field: string): this {
    this.out.push(checkUint(v, 0xff, field));
    return this;
  }

  u16(v: number, field: string): this {
    checkUint(v, 0xffff, field);
    this.out.push(v >>> 8, v & 0xff);
    return this;
  }

  u32(v: number, field: string): this {
    checkUint(v, 0xffffffff, field);
    this.out.push(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    return this;
  }

  bytes(b: Uint8Array): this {
    for (const x of b) this.out.push(x);
    return this;
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

/** The value itself when it is an integer in 0..max; otherwise CODEC_MALFORMED. */
export function checkUint(v: number, max: number, field: string): number {
  if (!Number.isInteger(v) || v < 0 || v > max)
    throw new CodecError('CODEC_MALFORMED', `${field} must be an integer 0..${max}, got ${v}`);
  return v;
}

/** round(v × scale) as an unsigned integer of at most max, for fields sent in tenths etc. */
export function scaled(v: number, scale: number, max: number, field: string): number {
  if (!Number.isFinite(v)) throw new CodecError('CODEC_MALFORMED', `${field} must be a finite number, got ${v}`);
  return checkUint(Math.round(v * scale), max, field);
}
