import { CodecError } from '../codec.js';

const NIBBLE = '0123456789abcdef';

/**
 * Digits of a BCD (8421) field, two per byte, high nibble first. A nibble above 9 is not valid BCD
 * but some terminals send one in the phone field; it comes back as a hex letter rather than failing
 * the whole frame.
 */
export function decodeBcd(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += NIBBLE[b >> 4]! + NIBBLE[b & 0x0f]!;
  return s;
}

/** True when every nibble is 0–9. */
export function isDecimalBcd(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >> 4 > 9 || (b & 0x0f) > 9) return false;
  return true;
}

/**
 * A BCD field of byteLength bytes, left-padded with 0 (the JT/T 808 rule for the phone number).
 * Digits beyond the field are accepted only when they are leading zeros, so a 20-digit 2019 phone
 * such as 00000000013912344321 still fits a 12-digit 2013 header. Hex letters pass through (see decodeBcd).
 */
export function encodeBcd(digits: string, byteLength: number, field: string): Uint8Array {
  if (!/^[0-9a-fA-F]*$/.test(digits))
    throw new CodecError('CODEC_MALFORMED', `${field} must be decimal digits, got "${digits}"`);
  const width = byteLength * 2;
  let d = digits.toLowerCase();
  if (d.length > width) {
    const excess = d.slice(0, d.length - width);
    if (!/^0*$/.test(excess))
      throw new CodecError('CODEC_MALFORMED', `${field} "${digits}" has more than ${width} significant digits`);
    d = d.slice(d.length - width);
  }
  d = d.padStart(width, '0');
  const out = new Uint8Array(byteLength);
  for (let i = 0; i < byteLength; i++) out[i] = parseInt(d.slice(2 * i, 2 * i + 2), 16);
  return out;
}
