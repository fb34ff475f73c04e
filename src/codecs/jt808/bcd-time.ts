import { CodecError } from '../codec.js';
import { isDecimalBcd } from './bcd.js';

/** JT/T 808 times are Beijing time (GMT+8) with no zone on the wire. */
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/**
 * BCD[6] YYMMDDhhmmss (GMT+8, years 2000–2099) as an ISO-8601 UTC string, or null when the field is
 * not a real time: all zeros (terminals send that before their first fix), a non-decimal nibble or
 * an impossible date such as month 13.
 */
export function decodeBcdTime(b: Uint8Array): string | null {
  if (b.length !== 6 || !isDecimalBcd(b)) return null;
  const f = Array.from(b, (x) => (x >> 4) * 10 + (x & 0x0f));
  const [yy, mo, dd, hh, mi, ss] = f as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || dd < 1 || hh > 23 || mi > 59 || ss > 59) return null;
  const local = Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss);
  if (new Date(local).getUTCDate() !== dd) return null; // 31 April and the like
  return new Date(local - BEIJING_OFFSET_MS).toISOString();
}

/** The BCD[6] GMT+8 form of an ISO-8601 time (milliseconds dropped); null gives the all-zero "no time". */
export function encodeBcdTime(iso: string | null): Uint8Array {
  if (iso === null) return new Uint8Array(6);
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new CodecError('CODEC_MALFORMED', `time must be an ISO-8601 string, got "${iso}"`);
  const d = new Date(t + BEIJING_OFFSET_MS);
  const year = d.getUTCFullYear();
  if (year < 2000 || year > 2099)
    throw new CodecError(
      'CODEC_MALFORMED',
      `time ${iso} is outside 2000–2099 (Beijing time), which BCD YY cannot hold`,
    );
  const fields = [
    year - 2000,
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
  ];
  return Uint8Array.from(fields, (v) => (Math.floor(v / 10) << 4) | (v % 10));
}
