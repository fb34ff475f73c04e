import { CodecError, fromHex, toHex } from '../codec.js';
import { ByteReader } from './byte-reader.js';
import { ByteWriter, checkUint, scaled } from './byte-writer.js';
import { decodeFlags, encodeFlags, type BitNames, type FlagInput, type FlagObject } from './flags.js';

/**
 * Additional items after the 28-byte basic block of 0x0200: id BYTE, length BYTE, value. Known ids
 * become named fields in the unit their name says; anything else (vendor ids, JT/T 1078 and
 * Su-standard items, a known id with an unexpected length, a repeated id) is kept as { id, hex }.
 */

/**
 * 0x11 overspeed alarm extra: position type (0 none, 1 circle, 2 rectangle, 3 polygon, 4 route) and, unless type 0, the
 * area/route id.
 */
export type OverspeedArea = { areaType: number; areaId?: number };
/** 0x12 enter/exit area or route alarm: direction 0 = in, 1 = out. */
export type AreaAlarm = { areaType: number; areaId: number; direction: number };
/** 0x13 route segment driving time alarm: result 0 = too short, 1 = too long. */
export type RouteTimeAlarm = { routeId: number; drivingTimeS: number; result: number };
/** An item kept as sent. */
export type RawItem = { id: number; hex: string };

export type LocationItems = {
  mileageKm?: number; // 0x01 DWORD, 0.1 km (odometer)
  fuelL?: number; // 0x02 WORD, 0.1 L
  recorderSpeedKmh?: number; // 0x03 WORD, 0.1 km/h, from the tachograph
  alarmEventId?: number; // 0x04 WORD, id of an alarm needing manual confirmation, from 1
  carriageTempC?: number; // 0x06 WORD (2019), °C, sign-magnitude: top bit = negative
  overspeedArea?: OverspeedArea; // 0x11, 1 or 5 bytes
  areaAlarm?: AreaAlarm; // 0x12, 6 bytes
  routeTimeAlarm?: RouteTimeAlarm; // 0x13, 7 bytes
  extendedSignal?: FlagObject; // 0x25 DWORD, vehicle signals (lights, brake, …)
  ioStatus?: FlagObject; // 0x2A WORD: deepSleep, sleep
  analog?: { ad0: number; ad1: number }; // 0x2B DWORD: bits 0–15 AD0, 16–31 AD1
  signalStrength?: number; // 0x30 BYTE, wireless network signal strength
  gnssSatellites?: number; // 0x31 BYTE, satellites in use
  raw?: RawItem[];
  /** Trailing bytes that do not make a whole item (a length running past the body). */
  remainderHex?: string;
};

/** Encoder input: as decoded, but flag words may be numbers (see FlagInput). */
export type LocationItemsInput = Omit<LocationItems, 'extendedSignal' | 'ioStatus' | 'remainderHex'> & {
  extendedSignal?: FlagInput;
  ioStatus?: FlagInput;
};

/** 0x25 bits (JT/T 808-2013 table 31). */
export const EXTENDED_SIGNAL_BITS: BitNames = [
  [0, 'lowBeam'],
  [1, 'highBeam'],
  [2, 'rightTurn'],
  [3, 'leftTurn'],
  [4, 'brake'],
  [5, 'reverse'],
  [6, 'fogLight'],
  [7, 'clearanceLamp'],
  [8, 'horn'],
  [9, 'airConditioner'],
  [10, 'neutral'],
  [11, 'retarder'],
  [12, 'abs'],
  [13, 'heater'],
  [14, 'clutch'],
];
/** 0x2A bits (table 32). */
export const IO_STATUS_BITS: BitNames = [
  [0, 'deepSleep'],
  [1, 'sleep'],
];

/** Lengths each known id may have. */
const KNOWN_LENGTHS: Record<number, readonly number[]> = {
  0x01: [4],
  0x02: [2],
  0x03: [2],
  0x04: [2],
  0x06: [2],
  0x11: [1, 5],
  0x12: [6],
  0x13: [7],
  0x25: [4],
  0x2a: [2],
  0x2b: [4],
  0x30: [1],
  0x31: [1],
};

const hexId = (id: number) => `0x${id.toString(16).padStart(2, '0')}`;

/** Sign-magnitude WORD → number, without producing -0. */
function signMagnitude(raw: number): number {
  const m = raw & 0x7fff;
  return raw & 0x8000 && m !== 0 ? -m : m;
}

/** Stores the decoded value of a known item with the right length in items. */
function decodeKnown(id: number, r: ByteReader, items: LocationItems): void {
  switch (id) {
    case 0x01:
      items.mileageKm = r.u32('mileage') / 10;
      break;
    case 0x02:
      items.fuelL = r.u16('fuel') / 10;
      break;
    case 0x03:
      items.recorderSpeedKmh = r.u16('recorder speed') / 10;
      break;
    case 0x04:
      items.alarmEventId = r.u16('alarm event id');
      break;
    case 0x06:
      items.carriageTempC = signMagnitude(r.u16('carriage temperature'));
      break;
    case 0x11: {
      const areaType = r.u8('position type');
      items.overspeedArea = r.remaining >= 4 ? { areaType, areaId: r.u32('area id') } : { areaType };
      break;
    }
    case 0x12:
      items.areaAlarm = { areaType: r.u8('position type'), areaId: r.u32('area id'), direction: r.u8('direction') };
      break;
    case 0x13:
      items.routeTimeAlarm = {
        routeId: r.u32('route id'),
        drivingTimeS: r.u16('driving time'),
        result: r.u8('result'),
      };
      break;
    case 0x25:
      items.extendedSignal = decodeFlags(r.u32('extended signal'), EXTENDED_SIGNAL_BITS);
      break;
    case 0x2a:
      items.ioStatus = decodeFlags(r.u16('IO status'), IO_STATUS_BITS);
      break;
    case 0x2b: {
      const v = r.u32('analog');
      items.analog = { ad0: v & 0xffff, ad1: v >>> 16 };
      break;
    }
    case 0x30:
      items.signalStrength = r.u8('signal strength');
      break;
    case 0x31:
      items.gnssSatellites = r.u8('GNSS satellites');
      break;
  }
}

/** Item key a known id decodes to (to spot repeats). */
const KEY_OF: Record<number, keyof LocationItems> = {
  0x01: 'mileageKm',
  0x02: 'fuelL',
  0x03: 'recorderSpeedKmh',
  0x04: 'alarmEventId',
  0x06: 'carriageTempC',
  0x11: 'overspeedArea',
  0x12: 'areaAlarm',
  0x13: 'routeTimeAlarm',
  0x25: 'extendedSignal',
  0x2a: 'ioStatus',
  0x2b: 'analog',
  0x30: 'signalStrength',
  0x31: 'gnssSatellites',
};

/**
 * The items of bytes (everything after the basic block). Never throws for bad items: a malformed
 * list must not cost the position, so problems become warnings and the bytes stay in raw / remainderHex.
 */
export function decodeLocationItems(bytes: Uint8Array, baseOffset: number, warnings: string[]): LocationItems {
  const items: LocationItems = {};
  const raw: RawItem[] = [];
  let p = 0;
  while (p < bytes.length) {
    if (bytes.length - p < 2) {
      warnings.push(`additional items: 1 stray byte at the end of the body (offset ${baseOffset + p})`);
      items.remainderHex = toHex(bytes.subarray(p));
      break;
    }
    const id = bytes[p]!,
      len = bytes[p + 1]!;
    if (p + 2 + len > bytes.length) {
      warnings.push(
        `additional item ${hexId(id)} declares ${len} byte(s) but only ${bytes.length - p - 2} remain ` +
          `(offset ${baseOffset + p})`,
      );
      items.remainderHex = toHex(bytes.subarray(p));
      break;
    }
    const value = bytes.subarray(p + 2, p + 2 + len);
    const lengths = KNOWN_LENGTHS[id];
    const key = KEY_OF[id];
    if (lengths && key && lengths.includes(len) && items[key] === undefined) {
      decodeKnown(id, new ByteReader(value, `item ${hexId(id)}`, baseOffset + p + 2), items);
    } else {
      if (lengths && !lengths.includes(len))
        warnings.push(`additional item ${hexId(id)} has ${len} byte(s), expected ${lengths.join(' or ')}; kept raw`);
      raw.push({ id, hex: toHex(value) });
    }
    p += 2 + len;
  }
  if (raw.length > 0) items.raw = raw;
  return items;
}

/** Encoded value bytes of each given item, keyed by id (raw items as given). */
function itemValues(items: LocationItemsInput): Array<[number, Uint8Array]> {
  const out: Array<[number, Uint8Array]> = [];
  const add = (id: number, fill: (w: ByteWriter) => void) => {
    const w = new ByteWriter();
    fill(w);
    out.push([id, w.toBytes()]);
  };
  if (items.mileageKm !== undefined)
    add(0x01, (w) => w.u32(scaled(items.mileageKm!, 10, 0xffffffff, 'mileageKm'), 'mileageKm'));
  if (items.fuelL !== undefined) add(0x02, (w) => w.u16(scaled(items.fuelL!, 10, 0xffff, 'fuelL'), 'fuelL'));
  if (items.recorderSpeedKmh !== undefined)
    add(0x03, (w) => w.u16(scaled(items.recorderSpeedKmh!, 10, 0xffff, 'recorderSpeedKmh'), 'recorderSpeedKmh'));
  if (items.alarmEventId !== undefined) add(0x04, (w) => w.u16(items.alarmEventId!, 'alarmEventId'));
  if (items.carriageTempC !== undefined) {
    const t = items.carriageTempC;
    const m = checkUint(Math.abs(t), 0x7fff, 'carriageTempC');
    add(0x06, (w) => w.u16(t < 0 ? 0x8000 | m : m, 'carriageTempC'));
  }
  const o = items.overspeedArea;
  if (o)
    add(0x11, (w) =>
      o.areaId === undefined
        ? w.u8(o.areaType, 'overspeedArea.areaType')
        : w.u8(o.areaType, 'overspeedArea.areaType').u32(o.areaId, 'overspeedArea.areaId'),
    );
  const a = items.areaAlarm;
  if (a)
    add(0x12, (w) =>
      w.u8(a.areaType, 'areaAlarm.areaType').u32(a.areaId, 'areaAlarm.areaId').u8(a.direction, 'areaAlarm.direction'),
    );
  const rt = items.routeTimeAlarm;
  if (rt)
    add(0x13, (w) =>
      w
        .u32(rt.routeId, 'routeTimeAlarm.routeId')
        .u16(rt.drivingTimeS, 'routeTimeAlarm.drivingTimeS')
        .u8(rt.result, 'routeTimeAlarm.result'),
    );
  if (items.extendedSignal !== undefined)
    add(0x25, (w) =>
      w.u32(encodeFlags(items.extendedSignal!, EXTENDED_SIGNAL_BITS, 0xffffffff, 'extendedSignal'), 'extendedSignal'),
    );
  if (items.ioStatus !== undefined)
    add(0x2a, (w) => w.u16(encodeFlags(items.ioStatus!, IO_STATUS_BITS, 0xffff, 'ioStatus'), 'ioStatus'));
  const an = items.analog;
  if (an) add(0x2b, (w) => w.u16(an.ad1, 'analog.ad1').u16(an.ad0, 'analog.ad0'));
  if (items.signalStrength !== undefined) add(0x30, (w) => w.u8(items.signalStrength!, 'signalStrength'));
  if (items.gnssSatellites !== undefined) add(0x31, (w) => w.u8(items.gnssSatellites!, 'gnssSatellites'));
  for (const r of items.raw ?? []) {
    checkUint(r.id, 0xff, 'raw item id');
    out.push([r.id, fromHex(r.hex)]);
  }
  return out;
}

/** The item list bytes, in ascending id order (stable, so raw items keep their order within an id). */
export function encodeLocationItems(items: LocationItemsInput): Uint8Array {
  const w = new ByteWriter();
  const values = itemValues(items).sort((x, y) => x[0] - y[0]);
  for (const [id, v] of values) {
    if (v.length > 0xff)
      throw new CodecError(
        'CODEC_MALFORMED',
        `item ${hexId(id)} value is ${v.length} bytes; an item holds at most 255`,
      );
    w.u8(id, 'item id').u8(v.length, 'item length').bytes(v);
  }
  return w.toBytes();
}
