import { CodecError, toHex } from '../codec.js';
import { bcdDigits, toBcd } from './bcd.js';

/**
 * SL 651 clocks: BCD YYMMDDhhmm[ss] in Beijing time (UTC+8, no daylight saving), years 2000-2099.
 * Results are ISO-8601 UTC strings without milliseconds, e.g. 2017-07-18T03:00:16Z.
 */
const BEIJING_OFFSET_MS = 8 * 3600_000;

/** ISO UTC of 5 (YYMMDDhhmm) or 6 (YYMMDDhhmmss) BCD bytes; CODEC_MALFORMED if not a real instant. */
export function bcdTimeToIso(bytes: Uint8Array, what: string, offset?: number): string {
  const d = bcdDigits(bytes);
  if (d === null || (d.length !== 10 && d.length !== 12))
    throw new CodecError('CODEC_MALFORMED', `${what} is not a BCD time (${toHex(bytes)})`, offset);
  const [yy, mo, dd, hh, mi] = [0, 2, 4, 6, 8].map((i) => Number(d.slice(i, i + 2))) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const ss = d.length === 12 ? Number(d.slice(10, 12)) : 0;
  const local = Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss);
  const check = new Date(local);
  // Date.UTC rolls 31 April over to 1 May: a field that moved was out of range.
  if (
    check.getUTCMonth() !== mo - 1 ||
    check.getUTCDate() !== dd ||
    check.getUTCHours() !== hh ||
    check.getUTCMinutes() !== mi ||
    check.getUTCSeconds() !== ss
  ) {
    throw new CodecError('CODEC_MALFORMED', `${what} ${d} is not a calendar time`, offset);
  }
  return isoSeconds(local - BEIJING_OFFSET_MS);
}

/** BCD bytes of an ISO instant in Beijing time: 6 bytes with seconds, else 5 (seconds must be 0 then). */
export function isoToBcdTime(iso: string, withSeconds: boolean, what: string): Uint8Array {
  const digits = isoToBeijingDigits(iso, what);
  if (!withSeconds && !digits.endsWith('00'))
    throw new CodecError('CODEC_MALFORMED', `${what} ${iso} has seconds, but the field holds minutes only`);
  return toBcd(withSeconds ? digits : digits.slice(0, 10));
}

/** YYMMDDhhmmss digits of an ISO instant in Beijing time (the ASCII mode writes them as text). */
export function isoToBeijingDigits(iso: string, what: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms) || ms % 1000 !== 0)
    throw new CodecError('CODEC_MALFORMED', `${what} ${iso} is not an ISO time in whole seconds`);
  const b = new Date(ms + BEIJING_OFFSET_MS);
  const year = b.getUTCFullYear();
  if (year < 2000 || year > 2099)
    throw new CodecError('CODEC_MALFORMED', `${what} ${iso} is outside 2000-2099 (two-digit years)`);
  return [year - 2000, b.getUTCMonth() + 1, b.getUTCDate(), b.getUTCHours(), b.getUTCMinutes(), b.getUTCSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join('');
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
