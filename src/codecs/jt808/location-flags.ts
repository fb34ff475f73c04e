import { CodecError } from '../codec.js';
import type { Jt808Version } from './header.js';
import { decodeFlags, encodeFlags, type BitNames, type FlagInput, type FlagObject } from './flags.js';

/**
 * Alarm and status bits of the 0x0200 basic block (JT/T 808-2013 tables 24/25, 2019 tables 25/26;
 * cross-checked against SmallChi JT808Alarm.cs/JT808Status.cs and go-jt808's bit tables).
 * Bits the edition reserves get no name; they stay visible in `flags`.
 */
const ALARM_COMMON: BitNames = [
  [0, 'emergency'], // SOS; cleared when the platform acknowledges
  [1, 'overspeed'],
  [2, 'fatigueDriving'],
  [3, 'dangerWarning'],
  [4, 'gnssModuleFault'],
  [5, 'gnssAntennaDisconnected'],
  [6, 'gnssAntennaShort'],
  [7, 'mainPowerUndervoltage'],
  [8, 'mainPowerOff'],
  [9, 'displayFault'],
  [10, 'ttsFault'],
  [11, 'cameraFault'],
  [12, 'icCardModuleFault'],
  [13, 'overspeedWarning'],
  [14, 'fatigueWarning'],
  [18, 'drivingTimeExceeded'], // cumulative driving time today
  [19, 'overtimeParking'],
  [20, 'areaInOut'],
  [21, 'routeInOut'],
  [22, 'routeDrivingTime'], // segment driven too fast or too slow
  [23, 'routeDeviation'],
  [24, 'vssFault'],
  [25, 'fuelAbnormal'],
  [26, 'stolen'],
  [27, 'illegalIgnition'],
  [28, 'illegalDisplacement'],
  [29, 'collisionWarning'],
  [30, 'rolloverWarning'],
];
/** 2013 only: 2019 reserves bit 31 again. */
const ALARM_2013: BitNames = [...ALARM_COMMON, [31, 'illegalDoorOpen']];
/** 2019 adds bits 15–17. */
const ALARM_2019: BitNames = [
  ...ALARM_COMMON,
  [15, 'illegalDriving'],
  [16, 'tyrePressureWarning'],
  [17, 'rightTurnBlindSpot'],
];

/** Status bits 6–7 are reserved in 2013 and contested in 2019 implementations, so they stay unnamed. */
const STATUS_COMMON: BitNames = [
  [0, 'accOn'],
  [1, 'positioned'],
  [2, 'south'], // latitude hemisphere; the decoder signs `lat` with it
  [3, 'west'], // longitude hemisphere; the decoder signs `lon` with it
  [4, 'outOfService'],
  [5, 'latLonEncrypted'], // by a confidentiality plug-in
  [10, 'fuelCut'],
  [11, 'circuitCut'],
  [12, 'doorsLocked'],
  [13, 'door1Open'], // front
  [14, 'door2Open'], // middle
  [15, 'door3Open'], // rear
  [16, 'door4Open'], // driver
  [17, 'door5Open'], // custom
  [18, 'gpsUsed'],
  [19, 'beidouUsed'],
  [20, 'glonassUsed'],
  [21, 'galileoUsed'],
];
/** 2019 adds bit 22: 1 = driving, 0 = stopped. */
const STATUS_2019: BitNames = [...STATUS_COMMON, [22, 'driving']];

/** Status bits 8–9. */
export const LOAD_STATES = ['empty', 'half', 'reserved', 'full'] as const;
export type LoadState = (typeof LOAD_STATES)[number];
const LOAD_SHIFT = 8;

export const STATUS_SOUTH = 1 << 2;
export const STATUS_WEST = 1 << 3;

const DWORD_MAX = 0xffffffff;

export function alarmBits(version: Jt808Version): BitNames {
  return version === 2019 ? ALARM_2019 : ALARM_2013;
}

export function statusBits(version: Jt808Version): BitNames {
  return version === 2019 ? STATUS_2019 : STATUS_COMMON;
}

export function decodeAlarm(raw: number, version: Jt808Version): FlagObject {
  return decodeFlags(raw, alarmBits(version));
}

export function encodeAlarm(input: FlagInput, version: Jt808Version): number {
  return encodeFlags(input, alarmBits(version), DWORD_MAX, 'alarm');
}

/** Status booleans plus `load` ('empty' | 'half' | 'reserved' | 'full', bits 8–9). */
export function decodeStatus(raw: number, version: Jt808Version): FlagObject {
  const out = decodeFlags(raw, statusBits(version));
  out.load = LOAD_STATES[(raw >>> LOAD_SHIFT) & 0x03]!;
  return out;
}

/** As encodeFlags, and a `load` name, when given, sets bits 8–9. */
export function encodeStatus(input: FlagInput, version: Jt808Version): number {
  let v = encodeFlags(input, statusBits(version), DWORD_MAX, 'status');
  if (typeof input === 'object' && typeof input.load === 'string') {
    const i = LOAD_STATES.indexOf(input.load as LoadState);
    if (i < 0)
      throw new CodecError(
        'CODEC_MALFORMED',
        `status.load must be one of ${LOAD_STATES.join(', ')}, got "${input.load}"`,
      );
    v = ((v & ~(0x03 << LOAD_SHIFT)) | (i << LOAD_SHIFT)) >>> 0;
  }
  return v;
}
