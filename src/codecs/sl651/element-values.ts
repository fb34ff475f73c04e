import { CodecError, toHex } from '../codec.js';
import { bcdDigits, toBcd } from './bcd.js';
import { SERIES_LENGTH } from './element-table.js';

/**
 * HEX-mode element values. Scalars follow the data-definition byte (high 5 bits: byte count, low 3:
 * decimals); series (F4, F5-FC) are fixed-size HEX.
 */
export type ScalarKind = 'bcd' | 'bits' | 'timeStep';
export type SeriesKind = 'rainSeries' | 'levelSeries';

export interface ScalarValue {
  value: number | null;
  /** Hex of bytes that are not BCD; value is then null. */
  raw?: string;
}

const INVALID = 0xff;

/**
 * BCD: all bytes 0xFF is invalid (null); a first byte 0xFF is a minus sign before the magnitude
 * (SL 651 6.6.3.3, as wainshine and yu-xiaoyao read it). `bits` is an unsigned HEX field (0x45 status),
 * `timeStep` BCD DDHHMM read as minutes.
 */
export function decodeScalar(kind: ScalarKind, bytes: Uint8Array, decimals: number): ScalarValue {
  if (kind === 'bits') {
    if (bytes.length > 6) return { value: null, raw: toHex(bytes) }; // beyond exact doubles
    let v = 0;
    for (const b of bytes) v = v * 256 + b;
    return { value: v };
  }
  if (bytes.every((b) => b === INVALID)) return { value: null };
  if (kind === 'timeStep' && bytes.length === 3) {
    const d = bcdDigits(bytes);
    if (d === null) return { value: null, raw: toHex(bytes) };
    return { value: Number(d.slice(0, 2)) * 1440 + Number(d.slice(2, 4)) * 60 + Number(d.slice(4, 6)) };
  }
  const negative = bytes[0] === INVALID;
  const digits = bcdDigits(negative ? bytes.subarray(1) : bytes);
  if (digits === null) return { value: null, raw: toHex(bytes) };
  const magnitude = digitsToNumber(digits, decimals);
  return { value: negative && magnitude !== 0 ? -magnitude : magnitude };
}

/** Bytes of a scalar (null: all 0xFF). CODEC_MALFORMED when the value does not fit. */
export function encodeScalar(
  kind: ScalarKind,
  value: number | null,
  size: number,
  decimals: number,
  what: string,
): Uint8Array {
  // A bit field has no invalid marker: all 0xFF would read back as every bit set.
  if (value === null && kind === 'bits')
    throw new CodecError('CODEC_MALFORMED', `cannot encode ${what} = null: a bit field has no invalid marker`);
  if (value === null) return new Uint8Array(size).fill(INVALID);
  const bad = (why: string): never => {
    throw new CodecError('CODEC_MALFORMED', `cannot encode ${what} = ${value}: ${why}`);
  };
  if (!Number.isFinite(value)) bad('not a finite number');
  if (kind === 'bits') {
    if (!Number.isInteger(value) || value < 0 || size > 6 || value >= 256 ** size)
      bad(`not an unsigned integer of ${size} bytes`);
    const out = new Uint8Array(size);
    let v = value;
    for (let i = size - 1; i >= 0; i--) {
      out[i] = v % 256;
      v = Math.floor(v / 256);
    }
    return out;
  }
  if (kind === 'timeStep' && size === 3) {
    if (!Number.isInteger(value) || value < 0 || value >= 100 * 1440) bad('not whole minutes under 100 days');
    const dd = Math.floor(value / 1440);
    const hh = Math.floor((value % 1440) / 60);
    return toBcd([dd, hh, value % 60].map((n) => String(n).padStart(2, '0')).join(''));
  }
  const negative = value < 0;
  const width = 2 * (negative ? size - 1 : size);
  const scaled = Math.round(Math.abs(value) * 10 ** decimals);
  if (width <= 0 || scaled >= 10 ** width)
    bad(`needs more than ${size} bytes${negative ? ' with the 0xFF sign byte' : ''}`);
  const magnitude = toBcd(String(scaled).padStart(width, '0'));
  return negative ? Uint8Array.of(INVALID, ...magnitude) : magnitude;
}

/** Bytes a series takes: 12 one-byte rainfalls or 12 two-byte levels. */
export function seriesSize(kind: SeriesKind): number {
  return kind === 'rainSeries' ? SERIES_LENGTH : 2 * SERIES_LENGTH;
}

/** Rain in 0.1 mm -> mm (0xFF invalid); levels in cm -> m (0xFFFF invalid). */
export function decodeSeries(kind: SeriesKind, bytes: Uint8Array): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 0; i < SERIES_LENGTH; i++) {
    if (kind === 'rainSeries') out.push(bytes[i] === INVALID ? null : bytes[i]! / 10);
    else {
      const v = (bytes[2 * i]! << 8) | bytes[2 * i + 1]!;
      out.push(v === 0xffff ? null : v / 100);
    }
  }
  return out;
}

export function encodeSeries(kind: SeriesKind, values: readonly (number | null)[], what: string): Uint8Array {
  if (values.length !== SERIES_LENGTH)
    throw new CodecError(
      'CODEC_MALFORMED',
      `cannot encode ${what}: a series has ${SERIES_LENGTH} values, not ${values.length}`,
    );
  const rain = kind === 'rainSeries';
  const out = new Uint8Array(seriesSize(kind));
  values.forEach((v, i) => {
    const max = rain ? 0xfe : 0xfffe;
    const n = v === null ? max + 1 : Math.round(v * (rain ? 10 : 100));
    if (!Number.isFinite(n) || n < 0 || n > max + 1 || (v !== null && n > max))
      throw new CodecError(
        'CODEC_MALFORMED',
        `cannot encode ${what}[${i}] = ${v}: outside 0-${max / (rain ? 10 : 100)}`,
      );
    if (rain) out[i] = n;
    else out.set([n >> 8, n & 0xff], 2 * i);
  });
  return out;
}

/**
 * The number `digits` stand for with `decimals` of them after the point, parsed from text so it is the nearest double.
 */
function digitsToNumber(digits: string, decimals: number): number {
  const d = digits.padStart(decimals + 1, '0');
  return Number(d.slice(0, d.length - decimals) + '.' + d.slice(d.length - decimals));
}
