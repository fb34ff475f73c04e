import { CodecError } from '../codec.js';

/**
 * DL/T 645 numbers: packed BCD, least significant byte first on the wire (after the 0x33 offset is
 * removed). In the signed formats (currents, powers, power factor, temperature) bit 7 of the most
 * significant byte (the last one on the wire) is the sign and the remaining digits are the magnitude:
 * LaoYutang/go-dlt645 format_test.go has `12 94` as XX.XX giving -14.12.
 */

/** The value of `bytes` as BCD with `decimals` digits after the point, or null when a nibble is not 0–9. */
export function readBcdLe(bytes: Uint8Array, decimals: number, signed: boolean): number | null {
  let n = 0;
  let negative = false;
  for (let i = bytes.length - 1; i >= 0; i--) {
    let b = bytes[i]!;
    if (signed && i === bytes.length - 1 && b & 0x80) {
      negative = true;
      b &= 0x7f;
    }
    const hi = b >> 4;
    const lo = b & 0x0f;
    if (hi > 9 || lo > 9) return null;
    n = n * 100 + hi * 10 + lo;
  }
  const v = n / 10 ** decimals;
  return negative && n !== 0 ? -v : v;
}

/** The largest magnitude a format holds: all nines, or 7 then nines when the top bit is the sign. */
export function bcdMax(byteCount: number, decimals: number, signed: boolean): number {
  const digits = byteCount * 2;
  const maxInt = signed ? 8 * 10 ** (digits - 1) - 1 : 10 ** digits - 1;
  return maxInt / 10 ** decimals;
}

/** `value` as `byteCount` BCD bytes, least significant first; throws CODEC_MALFORMED when it does not fit. */
export function writeBcdLe(value: number, byteCount: number, decimals: number, signed: boolean): Uint8Array {
  if (!Number.isFinite(value))
    throw new CodecError('CODEC_MALFORMED', `a BCD value must be a finite number, got ${value}`);
  if (value < 0 && !signed) throw new CodecError('CODEC_MALFORMED', `${value} is negative but the format is unsigned`);
  let n = Math.round(Math.abs(value) * 10 ** decimals);
  if (n / 10 ** decimals > bcdMax(byteCount, decimals, signed)) {
    throw new CodecError(
      'CODEC_MALFORMED',
      `${value} does not fit in ${byteCount} BCD bytes with ${decimals} decimals${signed ? ' (signed)' : ''}`,
    );
  }
  const out = new Uint8Array(byteCount);
  for (let i = 0; i < byteCount; i++) {
    const two = n % 100;
    out[i] = (Math.floor(two / 10) << 4) | (two % 10);
    n = Math.floor(n / 100);
  }
  if (signed && value < 0 && out.some((b) => b !== 0)) out[byteCount - 1] = out[byteCount - 1]! | 0x80;
  return out;
}
