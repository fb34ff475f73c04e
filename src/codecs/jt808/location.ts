import { CodecError, toHex } from '../codec.js';
import { decodeBcdTime, encodeBcdTime } from './bcd-time.js';
import { ByteReader } from './byte-reader.js';
import { ByteWriter, scaled } from './byte-writer.js';
import type { FlagInput, FlagObject } from './flags.js';
import type { Jt808Version } from './header.js';
import { decodeAlarm, decodeStatus, encodeAlarm, encodeStatus, STATUS_SOUTH, STATUS_WEST } from './location-flags.js';
import {
  decodeLocationItems,
  encodeLocationItems,
  type LocationItems,
  type LocationItemsInput,
} from './location-items.js';

/** Length of the basic block: alarm, status, lat, lon, altitude, speed, heading, time. */
export const LOCATION_BASIC_LENGTH = 28;

/** Where the terminal is: the same values as the top-level lat/lon/altitudeM, for rules and maps. */
export type Position = { lat: number; lon: number; altitudeM: number };

/** A decoded 0x0200 body. */
export type LocationReport = {
  alarm: FlagObject;
  status: FlagObject;
  /** Degrees, negative south (status bit 2); sent unsigned in 1e-6°. */
  lat: number;
  /** Degrees, negative west (status bit 3); sent unsigned in 1e-6°. */
  lon: number;
  /** Metres above sea level (WORD, unsigned). */
  altitudeM: number;
  /** Sent in 0.1 km/h. */
  speedKmh: number;
  /** 0–359, 0 = north, clockwise. */
  headingDeg: number;
  /** ISO-8601 UTC, from BCD Beijing time; null when the terminal sent no real time (then timeBcd has it). */
  time: string | null;
  timeBcd?: string;
  position: Position;
  items: LocationItems;
};

/** Encoder input for a 0x0200 body. */
export type LocationInput = {
  alarm?: FlagInput;
  /** Bits 2 (south) and 3 (west) are always taken from the signs of lat and lon. */
  status?: FlagInput;
  /** Degrees, −90..90. */
  lat: number;
  /** Degrees, −180..180. */
  lon: number;
  altitudeM?: number;
  speedKmh?: number;
  headingDeg?: number;
  /** ISO-8601; null sends the all-zero "no time". */
  time: string | null;
  items?: LocationItemsInput;
};

/**
 * A 0x0200 body. The basic block must be whole (CODEC_MALFORMED otherwise); problems in the
 * additional items only add warnings (see decodeLocationItems).
 */
export function decodeLocationBody(
  body: Uint8Array,
  version: Jt808Version,
  baseOffset: number,
  warnings: string[],
): LocationReport {
  const r = new ByteReader(body, '0x0200 body', baseOffset);
  const alarmRaw = r.u32('alarm flags');
  const statusRaw = r.u32('status');
  const latRaw = r.u32('latitude');
  const lonRaw = r.u32('longitude');
  const altitudeM = r.u16('altitude');
  const speedKmh = r.u16('speed') / 10;
  const headingDeg = r.u16('direction');
  const timeBytes = r.take(6, 'time');
  const itemsOffset = r.frameOffset;
  // A zero magnitude stays +0 whatever the hemisphere bit says (no -0 in JSON-minded output).
  const lat = latRaw === 0 ? 0 : (statusRaw & STATUS_SOUTH ? -latRaw : latRaw) / 1e6;
  const lon = lonRaw === 0 ? 0 : (statusRaw & STATUS_WEST ? -lonRaw : lonRaw) / 1e6;
  const time = decodeBcdTime(timeBytes);
  const report: LocationReport = {
    alarm: decodeAlarm(alarmRaw, version),
    status: decodeStatus(statusRaw, version),
    lat,
    lon,
    altitudeM,
    speedKmh,
    headingDeg,
    time,
    position: { lat, lon, altitudeM },
    items: decodeLocationItems(r.rest(), itemsOffset, warnings),
  };
  if (time === null) report.timeBcd = toHex(timeBytes);
  return report;
}

function degrees(v: number, limit: number, field: string): number {
  if (!Number.isFinite(v) || Math.abs(v) > limit)
    throw new CodecError('CODEC_MALFORMED', `${field} must be within ±${limit}°, got ${v}`);
  return Math.round(Math.abs(v) * 1e6);
}

/** The 0x0200 body bytes. */
export function encodeLocationBody(input: LocationInput, version: Jt808Version): Uint8Array {
  const latRaw = degrees(input.lat, 90, 'lat');
  const lonRaw = degrees(input.lon, 180, 'lon');
  let status = encodeStatus(input.status ?? 0, version) & ~(STATUS_SOUTH | STATUS_WEST);
  if (input.lat < 0 && latRaw !== 0) status |= STATUS_SOUTH;
  if (input.lon < 0 && lonRaw !== 0) status |= STATUS_WEST;
  return new ByteWriter()
    .u32(encodeAlarm(input.alarm ?? 0, version), 'alarm')
    .u32(status >>> 0, 'status')
    .u32(latRaw, 'lat')
    .u32(lonRaw, 'lon')
    .u16(input.altitudeM ?? 0, 'altitudeM')
    .u16(scaled(input.speedKmh ?? 0, 10, 0xffff, 'speedKmh'), 'speedKmh')
    .u16(input.headingDeg ?? 0, 'headingDeg')
    .bytes(encodeBcdTime(input.time))
    .bytes(encodeLocationItems(input.items ?? {}))
    .toBytes();
}
