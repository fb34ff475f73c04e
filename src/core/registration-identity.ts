import { SatiotError } from '../errors/satiot-error.js';

/**
 * Checks of what a registration declares, pure: identity documents (with their published check
 * digits), IMEIs (Luhn), hardware ids and the declared region (a GeoJSON Polygon). Every check
 * fails with INVALID_ARGUMENT naming the field, never echoing an identity number.
 */

/**
 * `resident-id`: the PRC resident identity card number (GB 11643-1999: 17 digits, a valid birth
 * date, ISO 7064 MOD 11-2 check character). `business-licence`: the unified social credit code
 * (GB 32100-2015: 18 characters, MOD 31 check character). `passport` and `other`: 5–32 letters
 * and digits, not checked further.
 */
export type IdDocumentType = 'resident-id' | 'business-licence' | 'passport' | 'other';
export const ID_DOCUMENT_TYPES: readonly IdDocumentType[] = ['resident-id', 'business-licence', 'passport', 'other'];

const RESIDENT_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const RESIDENT_CHECK = '10X98765432';
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character of the first 17 digits of a resident identity number. */
export function residentIdCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * RESIDENT_WEIGHTS[i]!;
  return RESIDENT_CHECK[sum % 11]!;
}

/** The check character of the first 17 characters of a unified social credit code. */
export function usccCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]!) * USCC_WEIGHTS[i]!;
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** The Luhn check digit of a digit string (ISO/IEC 7812-1 Annex B; an IMEI's 15th digit). */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** Whether `s` is a 15-digit IMEI whose last digit is the Luhn check of the first 14. */
export function isValidImei(s: string): boolean {
  return /^\d{15}$/.test(s) && luhnCheckDigit(s.slice(0, 14)) === Number(s[14]);
}

/** A normalised identity number (upper case, no spaces), or INVALID_ARGUMENT. */
export function normaliseIdNumber(type: IdDocumentType, raw: string): string {
  if (!ID_DOCUMENT_TYPES.includes(type))
    throw new SatiotError('INVALID_ARGUMENT', `owner.idType must be one of ${ID_DOCUMENT_TYPES.join(', ')}`);
  const s = raw.replace(/\s+/g, '').toUpperCase();
  switch (type) {
    case 'resident-id': {
      if (!/^\d{17}[\dX]$/.test(s))
        throw new SatiotError(
          'INVALID_ARGUMENT',
          'owner.idNumber: a resident identity number is 17 digits and a check character (digit or X)',
        );
      const y = Number(s.slice(6, 10)),
        m = Number(s.slice(10, 12)),
        d = Number(s.slice(12, 14));
      const born = Date.UTC(y, m - 1, d);
      if (y < 1850 || m < 1 || m > 12 || d < 1 || new Date(born).getUTCDate() !== d)
        throw new SatiotError(
          'INVALID_ARGUMENT',
          'owner.idNumber: the birth date in the resident identity number does not exist',
        );
      if (residentIdCheck(s) !== s[17])
        throw new SatiotError(
          'INVALID_ARGUMENT',
          'owner.idNumber: the resident identity number fails its check character (GB 11643)',
        );
      return s;
    }
    case 'business-licence': {
      if (!new RegExp(`^[${USCC_ALPHABET}]{18}$`).test(s))
        throw new SatiotError(
          'INVALID_ARGUMENT',
          'owner.idNumber: a unified social credit code is 18 characters of 0-9 and A-Y (no I, O, S, V, Z)',
        );
      if (usccCheck(s) !== s[17])
        throw new SatiotError(
          'INVALID_ARGUMENT',
          'owner.idNumber: the unified social credit code fails its check character (GB 32100)',
        );
      return s;
    }
    default:
      if (!/^[A-Z0-9-]{5,32}$/.test(s))
        throw new SatiotError('INVALID_ARGUMENT', 'owner.idNumber must be 5–32 letters, digits or dashes');
      return s;
  }
}

/**
 * How an identity number is shown to those allowed to see it: the first four and last four
 * characters, the rest starred (`3201**********1234`); shorter numbers show the last two only.
 */
export function maskIdNumber(s: string): string {
  if (s.length >= 12) return `${s.slice(0, 4)}${'*'.repeat(s.length - 8)}${s.slice(-4)}`;
  return `${'*'.repeat(Math.max(0, s.length - 2))}${s.slice(-2)}`;
}

/** A hardware id: 4–64 letters, digits, dots, colons, dashes or underscores, compared in upper case. */
export function normaliseHardwareId(raw: string): string {
  const s = raw.trim().toUpperCase();
  if (!/^[A-Z0-9.:_-]{4,64}$/.test(s))
    throw new SatiotError(
      'INVALID_ARGUMENT',
      'binding.hardwareId must be 4–64 letters, digits, dots, colons, dashes or underscores',
    );
  return s;
}

export function checkImei(raw: string): string {
  const s = raw.trim();
  if (!isValidImei(s))
    throw new SatiotError(
      'INVALID_ARGUMENT',
      'binding.imei must be 15 digits whose last is the Luhn check digit of the first 14',
    );
  return s;
}

/** A GeoJSON Polygon (RFC 7946 §3.1.6): [lon, lat] positions, closed rings of four or more. */
export interface GeoJsonPolygon {
  readonly type: 'Polygon';
  readonly coordinates: ReadonlyArray<ReadonlyArray<readonly [number, number] | readonly number[]>>;
}

/** Most vertices a declared region may have, over all rings. */
export const MAX_REGION_VERTICES = 2000;

/** Checks and copies a declared region (INVALID_ARGUMENT naming what is wrong). */
export function checkRegion(r: unknown): GeoJsonPolygon {
  const bad = (why: string) => new SatiotError('INVALID_ARGUMENT', `scenario.region: ${why}`);
  if (typeof r !== 'object' || r === null || (r as { type?: unknown }).type !== 'Polygon')
    throw bad('must be a GeoJSON Polygon');
  const rings = (r as { coordinates?: unknown }).coordinates;
  if (!Array.isArray(rings) || rings.length === 0) throw bad('coordinates must be a non-empty array of rings');
  let n = 0;
  const out = rings.map((ring: unknown) => {
    if (!Array.isArray(ring) || ring.length < 4) throw bad('each ring needs at least four positions');
    n += ring.length;
    if (n > MAX_REGION_VERTICES) throw bad(`at most ${MAX_REGION_VERTICES} positions`);
    const pts = ring.map((p: unknown) => {
      if (
        !Array.isArray(p) ||
        p.length < 2 ||
        p.length > 3 ||
        !p.every((x) => typeof x === 'number' && Number.isFinite(x))
      )
        throw bad('a position is [lon, lat]');
      const [lon, lat] = p as number[];
      if (Math.abs(lon!) > 180 || Math.abs(lat!) > 90) throw bad('lon must be within ±180 and lat within ±90');
      return [lon!, lat!] as const;
    });
    const a = pts[0]!,
      z = pts[pts.length - 1]!;
    if (a[0] !== z[0] || a[1] !== z[1]) throw bad('each ring must be closed (last position = first)');
    return pts;
  });
  return { type: 'Polygon', coordinates: out };
}
