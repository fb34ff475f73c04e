import type { PayloadCodec } from '../codec.js';
import { decodeLineMonitor } from './decode.js';
import { DEFAULT_LINE_MONITOR_PROFILE } from './default-profile.js';
import type { LineMonitorField, LineMonitorProfile } from './profile.js';

const SCALARS = new Set(['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'f32', 'time32', 'ascii']);

/**
 * Throws TypeError when a profile cannot work (checked once, when the codec is made, so decode only ever throws
 * CodecError).
 */
export function validateLineMonitorProfile(p: LineMonitorProfile): void {
  const isByte = (b: unknown) => Number.isInteger(b) && (b as number) >= 0 && (b as number) <= 255;
  if (p.syncBytes.length !== 2 || !p.syncBytes.every(isByte))
    throw new TypeError(`profile ${p.name}: syncBytes must be two bytes`);
  if (p.endByte !== null && !isByte(p.endByte))
    throw new TypeError(`profile ${p.name}: endByte must be a byte or null`);
  for (const order of [p.lengthEndian, p.crcByteOrder, p.valueEndian]) {
    if (order !== 'little' && order !== 'big')
      throw new TypeError(`profile ${p.name}: byte orders are 'little' or 'big', got ${String(order)}`);
  }
  for (const [code, def] of Object.entries(p.packetTypes)) {
    if (!isByte(Number(code))) throw new TypeError(`profile ${p.name}: packet type ${code} is not a byte`);
    const seen = new Map<string, string>();
    const check = (f: LineMonitorField, inGroup: boolean): void => {
      if (f.type === 'group') {
        if (inGroup) throw new TypeError(`profile ${p.name}, packet ${def.key}: groups do not nest`);
        const counter = seen.get(f.countField);
        if (counter !== 'u8' && counter !== 'u16')
          throw new TypeError(
            `profile ${p.name}, packet ${def.key}: group ${f.key} must count by an earlier u8/u16 field`,
          );
        f.fields.forEach((g) => check(g, true));
      } else {
        if (!SCALARS.has(f.type))
          throw new TypeError(`profile ${p.name}, packet ${def.key}: unknown field type ${String(f.type)}`);
        if (f.type === 'ascii' && f.length !== undefined && (!Number.isInteger(f.length) || f.length < 1))
          throw new TypeError(`profile ${p.name}, packet ${def.key}: ascii length must be a positive integer`);
        if (f.scale !== undefined && !(f.scale > 0))
          throw new TypeError(`profile ${p.name}, packet ${def.key}: scale must be positive`);
      }
      if (!inGroup) seen.set(f.key, f.type);
    };
    def.fields.forEach((f) => check(f, false));
  }
}

/** A codec for one line-monitoring dialect. */
export function createLineMonitorCodec(profile: LineMonitorProfile, name = 'line-monitor'): PayloadCodec {
  validateLineMonitorProfile(profile);
  return {
    name,
    description:
      `Q/GDW 1242 "I1" transmission-line monitoring frame (profile ${profile.name}: weather, tower tilt, ` +
      `conductor temperature, icing, galloping, pollution)`,
    decode: (bytes) => decodeLineMonitor(bytes, profile),
  };
}

/** `--codec line-monitor`: the default profile (DEFAULT_LINE_MONITOR_PROFILE). */
export const lineMonitorCodec: PayloadCodec = createLineMonitorCodec(DEFAULT_LINE_MONITOR_PROFILE);
