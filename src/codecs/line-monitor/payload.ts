import { concatBytes } from '../bytes.js';
import { CodecError } from '../codec.js';
import type { ByteOrder, LineMonitorField, LineMonitorScalarField, LineMonitorScalarType } from './profile.js';

/** A decoded field: a number (null for a non-finite float), a text, or a list of group entries. */
export type LineMonitorValue = number | string | null | LineMonitorValues[];
export type LineMonitorValues = { [key: string]: LineMonitorValue };

const SIZES: Readonly<Record<Exclude<LineMonitorScalarType, 'ascii'>, number>> = {
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  f32: 4,
  time32: 4,
};

export function fieldSize(f: LineMonitorScalarField): number {
  return f.type === 'ascii' ? (f.length ?? 17) : SIZES[f.type];
}

/** Digits after the point of a scale such as 0.1 or 0.001 (so 3 × 0.1 reads 0.3, not 0.30000000000000004). */
function scaleDecimals(scale: number): number {
  const m = /e-(\d+)$/.exec(scale.toString());
  if (m) return Number(m[1]);
  const dot = scale.toString().split('.')[1];
  return dot ? dot.length : 0;
}

/** Rounds to `decimals` places; -0 becomes 0 so the result survives JSON unchanged. */
function round(v: number, decimals: number): number {
  const k = 10 ** decimals;
  return Math.round(v * k) / k || 0;
}

/** Text of a fixed-length ASCII field: trailing NUL and space padding removed, other bytes as Latin-1. */
export function readAscii(bytes: Uint8Array): string {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0 || bytes[end - 1] === 0x20)) end--;
  let s = '';
  for (let i = 0; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

export function writeAscii(text: string, length: number, what: string): Uint8Array {
  if (text.length > length || !/^[\x20-\x7e]*$/.test(text))
    throw new CodecError(
      'CODEC_MALFORMED',
      `${what} must be at most ${length} printable ASCII characters, got "${text}"`,
    );
  const out = new Uint8Array(length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

function readScalar(f: LineMonitorScalarField, view: DataView, at: number, le: boolean): number | string | null {
  let raw: number;
  switch (f.type) {
    case 'ascii':
      return readAscii(new Uint8Array(view.buffer, view.byteOffset + at, fieldSize(f)));
    case 'time32':
      return new Date(view.getUint32(at, le) * 1000).toISOString();
    case 'f32': {
      const v = view.getFloat32(at, le);
      if (!Number.isFinite(v)) return null;
      return f.decimals === undefined ? v || 0 : round(v, f.decimals);
    }
    case 'u8':
      raw = view.getUint8(at);
      break;
    case 'i8':
      raw = view.getInt8(at);
      break;
    case 'u16':
      raw = view.getUint16(at, le);
      break;
    case 'i16':
      raw = view.getInt16(at, le);
      break;
    case 'u32':
      raw = view.getUint32(at, le);
      break;
    case 'i32':
      raw = view.getInt32(at, le);
      break;
  }
  if (f.scale === undefined) return f.decimals === undefined ? raw : round(raw, f.decimals);
  return round(raw * f.scale, f.decimals ?? scaleDecimals(f.scale));
}

/**
 * Reads `fields` from `payload`. Returns the values and how many bytes they took; throws
 * CODEC_MALFORMED when the payload is shorter than the layout.
 */
export function decodeFields(
  fields: readonly LineMonitorField[],
  payload: Uint8Array,
  order: ByteOrder,
  base = 0,
): { values: LineMonitorValues; used: number } {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const le = order === 'little';
  const values: LineMonitorValues = {};
  let at = 0;
  const need = (n: number, key: string) => {
    if (at + n > payload.length)
      throw new CodecError(
        'CODEC_MALFORMED',
        `payload ends before field "${key}" (needs ${at + n} bytes, has ${payload.length})`,
        base + payload.length,
      );
  };
  for (const f of fields) {
    if (f.type === 'group') {
      const count = values[f.countField];
      if (typeof count !== 'number')
        throw new CodecError('CODEC_MALFORMED', `group "${f.key}" counts by "${f.countField}", which is not a number`);
      const size = f.fields.reduce((n, g) => n + fieldSize(g), 0);
      need(count * size, f.key);
      const list: LineMonitorValues[] = [];
      for (let i = 0; i < count; i++) {
        list.push(decodeFields(f.fields, payload.subarray(at, at + size), order, base + at).values);
        at += size;
      }
      values[f.key] = list;
      continue;
    }
    const n = fieldSize(f);
    need(n, f.key);
    values[f.key] = readScalar(f, view, at, le);
    at += n;
  }
  return { values, used: at };
}

const INT_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  u8: [0, 0xff],
  i8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  i16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
  i32: [-0x80000000, 0x7fffffff],
};

function writeScalar(
  f: LineMonitorScalarField,
  value: LineMonitorValue | undefined,
  view: DataView,
  at: number,
  le: boolean,
): void {
  const fail = (why: string): never => {
    throw new CodecError('CODEC_MALFORMED', `field "${f.key}": ${why}`);
  };
  if (f.type === 'ascii') {
    if (typeof value !== 'string') fail('needs a string');
    new Uint8Array(view.buffer, view.byteOffset + at, fieldSize(f)).set(
      writeAscii(value as string, fieldSize(f), f.key),
    );
    return;
  }
  if (f.type === 'time32') {
    const t = typeof value === 'string' ? Date.parse(value) : NaN;
    const s = t / 1000;
    if (!Number.isInteger(s) || s < 0 || s > 0xffffffff)
      fail(`needs an ISO-8601 time in whole seconds between 1970 and 2106, got ${String(value)}`);
    view.setUint32(at, s, le);
    return;
  }
  if (f.type === 'f32') {
    if (value !== null && typeof value !== 'number') fail('needs a number or null');
    view.setFloat32(at, value === null ? NaN : (value as number), le);
    return;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return fail(`needs a number, got ${String(value)}`);
  const raw = Math.round(value / (f.scale ?? 1));
  const [lo, hi] = INT_RANGES[f.type]!;
  if (raw < lo || raw > hi) fail(`${value} does not fit in ${f.type}`);
  switch (f.type) {
    case 'u8':
      view.setUint8(at, raw);
      break;
    case 'i8':
      view.setInt8(at, raw);
      break;
    case 'u16':
      view.setUint16(at, raw, le);
      break;
    case 'i16':
      view.setInt16(at, raw, le);
      break;
    case 'u32':
      view.setUint32(at, raw, le);
      break;
    case 'i32':
      view.setInt32(at, raw, le);
      break;
  }
}

/**
 * The payload bytes of `values` laid out as `fields`. A group writes as many entries as its list has (and its count
 * field must agree).
 */
export function encodeFields(
  fields: readonly LineMonitorField[],
  values: LineMonitorValues,
  order: ByteOrder,
): Uint8Array {
  const parts: Uint8Array[] = [];
  const le = order === 'little';
  for (const f of fields) {
    if (f.type === 'group') {
      const list = values[f.key];
      if (!Array.isArray(list)) throw new CodecError('CODEC_MALFORMED', `group "${f.key}" needs a list`);
      if (values[f.countField] !== list.length)
        throw new CodecError(
          'CODEC_MALFORMED',
          `"${f.countField}" is ${String(values[f.countField])} but group "${f.key}" has ${list.length} entries`,
        );
      for (const entry of list) parts.push(encodeFields(f.fields, entry, order));
      continue;
    }
    const out = new Uint8Array(fieldSize(f));
    writeScalar(f, values[f.key], new DataView(out.buffer), 0, le);
    parts.push(out);
  }
  return concatBytes(...parts);
}
