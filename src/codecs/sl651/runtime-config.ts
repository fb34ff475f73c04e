import { CodecError, fromHex } from '../codec.js';
import { isoToBcdTime } from './beijing-time.js';
import { encodeSl651HexFrame } from './hex-frame.js';

/** Function code 0x42: the centre changes the station's runtime parameter table (修改遥测站运行参数配置表). */
export const WRITE_RUNTIME_CONFIG = 0x42;
/** Runtime parameters (运行参数配置表) this encoder writes, each one byte of two BCD digits (data definition 0x08). */
const TIMED_REPORT_INTERVAL = 0x20; // 定时报时间间隔, hours
const ADD_REPORT_INTERVAL = 0x21; // 加报时间间隔, minutes
const ONE_BYTE_WHOLE = 0x08;

export interface Sl651RuntimeConfigInput {
  centre: number;
  /** 10 hex digits, as the station reports it. */
  station: string;
  /** 4 hex digits, as the station reports it. */
  password: string;
  serial: number;
  /** ISO time in whole seconds, sent as Beijing time. */
  sentAt: string;
  /** Timed reports every this many hours (1–24). */
  timedReportHours?: number;
  /** Added reports (加报, sent while an element is over its threshold) every this many minutes (1–59). */
  addReportMinutes?: number;
}

/**
 * The centre's command that switches a station's reporting rate: a 0x42 downlink frame (station
 * address first, direction 8, ends with ENQ) whose body is the serial, the send time, the F1F1
 * station address and the runtime parameters to change — timed-report interval (0x20, hours) and
 * added-report interval (0x21, minutes), each one BCD byte with definition 0x08. The body's layout
 * is that of the published 0x42 exchange (the station's confirmation in the Fujian access rules'
 * examples, wainshine/SL651 examples/fujian_messages.txt); the identifiers and definitions are those
 * of SL 651-2014's runtime parameter table as RTU firmware implements it.
 */
export function encodeSl651RuntimeConfig(input: Sl651RuntimeConfigInput): Uint8Array {
  const fail = (why: string): never => {
    throw new CodecError('CODEC_MALFORMED', `cannot encode the runtime configuration: ${why}`);
  };
  const params: number[] = [];
  const bcd = (v: number) => (Math.floor(v / 10) << 4) | (v % 10);
  if (input.timedReportHours !== undefined) {
    if (!Number.isInteger(input.timedReportHours) || input.timedReportHours < 1 || input.timedReportHours > 24)
      fail(`timedReportHours ${input.timedReportHours} is not 1-24`);
    params.push(TIMED_REPORT_INTERVAL, ONE_BYTE_WHOLE, bcd(input.timedReportHours!));
  }
  if (input.addReportMinutes !== undefined) {
    if (!Number.isInteger(input.addReportMinutes) || input.addReportMinutes < 1 || input.addReportMinutes > 59)
      fail(`addReportMinutes ${input.addReportMinutes} is not 1-59`);
    params.push(ADD_REPORT_INTERVAL, ONE_BYTE_WHOLE, bcd(input.addReportMinutes!));
  }
  if (params.length === 0) fail('nothing to change (give timedReportHours, addReportMinutes or both)');
  if (!/^[0-9a-fA-F]{10}$/.test(input.station)) fail(`station ${input.station} is not 10 hex digits`);
  if (!Number.isInteger(input.serial) || input.serial < 0 || input.serial > 0xffff)
    fail(`serial ${input.serial} is not 0-65535`);
  const body = [
    input.serial >> 8,
    input.serial & 0xff,
    ...isoToBcdTime(input.sentAt, true, 'send time'),
    0xf1,
    0xf1,
    ...fromHex(input.station),
    ...params,
  ];
  return encodeSl651HexFrame({
    direction: 'down',
    centre: input.centre,
    station: input.station,
    password: input.password,
    functionCode: WRITE_RUNTIME_CONFIG,
    packet: null,
    endChar: 'ENQ',
    body: Uint8Array.from(body),
  });
}
