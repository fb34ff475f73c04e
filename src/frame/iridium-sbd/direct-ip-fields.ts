/**
 * Field-level helpers of the DirectIP codec: big-endian integers, the 15-digit IMEI, the MO location
 * element and range checks for encoding. Every refusal is a DirectIpError naming its field.
 */
import { DirectIpError } from './direct-ip-error.js';

/** Where the Iridium network places the terminal: the MO location IE, decoded. */
export interface MoLocation {
  /** Decimal degrees, south negative; a thousandth of a minute resolution. */
  readonly lat: number;
  /** Decimal degrees, west negative. */
  readonly lon: number;
  /** Circular error probable radius, km (u32). */
  readonly cepRadiusKm: number;
}

export const MAX_U8 = 0xff;
export const MAX_U16 = 0xffff;
export const MAX_U32 = 0xffff_ffff;

/** IMEIs are 15 decimal digits, sent as ASCII with no terminator. */
export const IMEI_BYTES = 15;
const IMEI_PATTERN = /^[0-9]{15}$/;

/** Thousandths of a minute in one degree (60 minutes × 1,000). */
const THOUSANDTHS_PER_DEGREE = 60_000;
/** Location flag bits (Iridium DirectIP spec, MO Location IE): bit 0 east/west, bit 1 north/south. */
const WEST_FLAG = 0x01;
const SOUTH_FLAG = 0x02;
/** Bits 2-3 of the location flags: the format code. Only 0 (degrees + thousandths of a minute) exists. */
const FORMAT_CODE_MASK = 0x0c;

/** A big-endian view over `bytes` that honours its offset into a (possibly pooled) ArrayBuffer. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A fresh copy of `bytes[start, end)`: parsed values never alias the caller's (often reused) buffer. */
export function copyOf(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(bytes.subarray(start, end));
}

export function readImei(bytes: Uint8Array, offset: number, field: string): string {
  let imei = '';
  for (let i = offset; i < offset + IMEI_BYTES; i++) {
    const c = bytes[i]!;
    if (c < 0x30 || c > 0x39) {
      throw new DirectIpError(
        'SBD_BAD_IMEI',
        `${field} byte ${i - offset} is 0x${c.toString(16).padStart(2, '0')}; an IMEI is 15 ASCII digits`,
        field,
      );
    }
    imei += String.fromCharCode(c);
  }
  return imei;
}

export function writeImei(out: Uint8Array, offset: number, imei: unknown, field: string): void {
  if (typeof imei !== 'string' || !IMEI_PATTERN.test(imei)) {
    throw new DirectIpError('SBD_BAD_IMEI', `${field} must be 15 ASCII digits, got ${describe(imei)}`, field);
  }
  for (let i = 0; i < IMEI_BYTES; i++) out[offset + i] = imei.charCodeAt(i);
}

/** Encoding: `value` must be an integer in min..max, else SBD_BAD_VALUE naming `field`. */
export function checkInteger(value: unknown, min: number, max: number, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new DirectIpError(
      'SBD_BAD_VALUE',
      `${field} must be an integer in ${min}..${max}, got ${describe(value)}`,
      field,
    );
  }
  return value;
}

/** Encoding: a byte array of exactly `length` bytes (client message ids are 4). */
export function checkBytes(value: unknown, length: number, field: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    const got = value instanceof Uint8Array ? `${value.length} bytes` : describe(value);
    throw new DirectIpError('SBD_BAD_VALUE', `${field} must be ${length} bytes, got ${got}`, field);
  }
  return value;
}

/**
 * The 11 bytes of an MO Location IE: flags · lat degrees u8 · lat thousandths of a minute u16 ·
 * lon degrees u8 · lon thousandths u16 · CEP radius u32 (km). Reserved flag bits 4-7 are ignored (the
 * spec says they are 0 and gives them no meaning); a format code other than 0 is refused, since the
 * layout of any other format is undefined. A south or west flag on a zero coordinate gives 0, not −0.
 */
export function readLocation(content: Uint8Array): MoLocation {
  const view = viewOf(content);
  const flags = view.getUint8(0);
  if ((flags & FORMAT_CODE_MASK) !== 0) {
    throw new DirectIpError(
      'SBD_BAD_VALUE',
      `MO location format code ${(flags & FORMAT_CODE_MASK) >> 2} is not 0, the only one defined`,
      'moLocation.flags',
    );
  }
  const lat = readCoordinate(view.getUint8(1), view.getUint16(2), 90, 'moLocation.lat');
  const lon = readCoordinate(view.getUint8(4), view.getUint16(5), 180, 'moLocation.lon');
  return {
    lat: (flags & SOUTH_FLAG) !== 0 && lat !== 0 ? -lat : lat,
    lon: (flags & WEST_FLAG) !== 0 && lon !== 0 ? -lon : lon,
    cepRadiusKm: view.getUint32(7),
  };
}

/** Unsigned decimal degrees from whole degrees and thousandths of a minute, at most `maxDegrees`. */
function readCoordinate(degrees: number, thousandths: number, maxDegrees: number, field: string): number {
  if (thousandths >= THOUSANDTHS_PER_DEGREE) {
    throw new DirectIpError(
      'SBD_BAD_VALUE',
      `${field} has ${thousandths} thousandths of a minute; a degree has ${THOUSANDTHS_PER_DEGREE}`,
      field,
    );
  }
  // 90° 0.001' is as impossible as 91°: the limit applies to the whole angle, not to the degree byte.
  if (degrees > maxDegrees || (degrees === maxDegrees && thousandths > 0)) {
    throw new DirectIpError(
      'SBD_BAD_VALUE',
      `${field} is ${degrees}° ${thousandths / 1000}'; at most ${maxDegrees}°`,
      field,
    );
  }
  return degrees + thousandths / THOUSANDTHS_PER_DEGREE;
}

/**
 * Encodes a location, rounding each coordinate to the nearest thousandth of a minute (≈ 1.85 m of
 * latitude). A coordinate that rounds to zero is written north/east, whatever its sign.
 */
export function writeLocation(location: MoLocation): Uint8Array {
  if (typeof location !== 'object' || location === null) {
    throw new DirectIpError('SBD_BAD_VALUE', `MO location must be an object, got ${describe(location)}`, 'moLocation');
  }
  const lat = splitCoordinate(location.lat, 90, 'moLocation.lat');
  const lon = splitCoordinate(location.lon, 180, 'moLocation.lon');
  const cep = checkInteger(location.cepRadiusKm, 0, MAX_U32, 'moLocation.cepRadiusKm');
  const out = new Uint8Array(11);
  const view = viewOf(out);
  view.setUint8(0, (lat.negative ? SOUTH_FLAG : 0) | (lon.negative ? WEST_FLAG : 0));
  view.setUint8(1, lat.degrees);
  view.setUint16(2, lat.thousandths);
  view.setUint8(4, lon.degrees);
  view.setUint16(5, lon.thousandths);
  view.setUint32(7, cep);
  return out;
}

function splitCoordinate(
  value: unknown,
  maxDegrees: number,
  field: string,
): { negative: boolean; degrees: number; thousandths: number } {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > maxDegrees) {
    throw new DirectIpError(
      'SBD_BAD_VALUE',
      `${field} must be decimal degrees in −${maxDegrees}..${maxDegrees}, got ${describe(value)}`,
      field,
    );
  }
  // Rounding the whole angle (not the minutes alone) carries 59.9996' up into the next degree.
  const total = Math.round(Math.abs(value) * THOUSANDTHS_PER_DEGREE);
  return {
    negative: value < 0 && total > 0,
    degrees: Math.floor(total / THOUSANDTHS_PER_DEGREE),
    thousandths: total % THOUSANDTHS_PER_DEGREE,
  };
}

export function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  return Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}
