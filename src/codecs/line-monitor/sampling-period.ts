import { CodecError } from '../codec.js';
import { buildLineMonitorFrame } from './framing.js';
import { DEFAULT_LINE_MONITOR_PROFILE } from './default-profile.js';
import type { LineMonitorProfile } from './profile.js';
import type { LineMonitorValues } from './payload.js';

/** Frame_Type 03: a control frame from the CAC down to the monitoring device; 04 is its response. */
export const CONTROL = 0x03;
export const CONTROL_RESPONSE = 0x04;
/** Packet_Type A3 of a control frame: the device's sampling period, queried or set (采样周期查询/设置). */
export const SAMPLING_PERIOD = 0xa3;

/**
 * Request_Flag bits: bit 0 selects Main_Time, bit 1 Heartbeat_Time (the flag's bits follow the fields, lowest first).
 */
const MAIN_TIME_BIT = 0x01;
const HEARTBEAT_BIT = 0x02;

export interface SamplingPeriodCommand {
  /** CMD_ID: the monitoring device's 17-character ID. */
  readonly deviceId: string;
  /** The Packet_Type code of the data whose sampling period is set (0x22 icing in the 2015 numbering). */
  readonly requestType: number;
  /** Sample (and report) this data every this many minutes (1–65,535). */
  readonly mainMinutes?: number;
  /** Send a heartbeat every this many minutes (1–255). */
  readonly heartbeatMinutes?: number;
  readonly frameNo: number;
}

/**
 * The CAC's command that sets a monitoring device's sampling period for one kind of data: an I1
 * control frame (Frame_Type 03, Packet_Type A3) whose payload is Request_Set_Flag (01: set),
 * Request_Flag (which of the two periods are set), Request_Type (the data's Packet_Type),
 * Main_Time (u16, minutes, in the profile's value byte order) and Heartbeat_Time (u8, minutes) —
 * the layout of QuerySetSamplingPeriod in billkin/Online-monitoring's GDW_I1_2015.h, the public
 * transcription of Q/GDW 1242-2015's control packets. A period not set is sent as 0 with its flag
 * bit clear, so the device keeps its current value.
 */
export function encodeSamplingPeriodCommand(
  c: SamplingPeriodCommand,
  profile: LineMonitorProfile = DEFAULT_LINE_MONITOR_PROFILE,
): Uint8Array {
  const fail = (why: string): never => {
    throw new CodecError('CODEC_MALFORMED', `cannot encode the sampling period command: ${why}`);
  };
  if (!Number.isInteger(c.requestType) || c.requestType < 0 || c.requestType > 255)
    fail(`requestType ${c.requestType} is not 0-255`);
  if (c.mainMinutes !== undefined && (!Number.isInteger(c.mainMinutes) || c.mainMinutes < 1 || c.mainMinutes > 0xffff))
    fail(`mainMinutes ${c.mainMinutes} is not 1-65535`);
  if (
    c.heartbeatMinutes !== undefined &&
    (!Number.isInteger(c.heartbeatMinutes) || c.heartbeatMinutes < 1 || c.heartbeatMinutes > 0xff)
  )
    fail(`heartbeatMinutes ${c.heartbeatMinutes} is not 1-255`);
  if (c.mainMinutes === undefined && c.heartbeatMinutes === undefined)
    fail('nothing to set (give mainMinutes, heartbeatMinutes or both)');
  const main = c.mainMinutes ?? 0;
  const flag =
    (c.mainMinutes !== undefined ? MAIN_TIME_BIT : 0) | (c.heartbeatMinutes !== undefined ? HEARTBEAT_BIT : 0);
  const mainBytes = profile.valueEndian === 'little' ? [main & 0xff, main >> 8] : [main >> 8, main & 0xff];
  const payload = Uint8Array.of(0x01, flag, c.requestType, ...mainBytes, c.heartbeatMinutes ?? 0);
  return buildLineMonitorFrame(
    { deviceId: c.deviceId, frameType: CONTROL, packetType: SAMPLING_PERIOD, frameNo: c.frameNo, payload },
    profile,
  );
}

/**
 * The values of a sampling-period control frame (03) or its response (04, which has Command_Status
 * FF success / 00 failure after the first byte), or undefined when the payload is not that long.
 * Periods whose flag bit is clear are left out.
 */
export function decodeSamplingPeriod(
  frameType: number,
  payload: Uint8Array,
  profile: LineMonitorProfile,
): LineMonitorValues | undefined {
  const response = frameType === CONTROL_RESPONSE;
  const at = response ? 1 : 0; // the response adds Command_Status after Request_Set_Flag
  if (payload.length < at + 6) return undefined;
  const flag = payload[at + 1]!;
  const main =
    profile.valueEndian === 'little'
      ? payload[at + 3]! | (payload[at + 4]! << 8)
      : (payload[at + 3]! << 8) | payload[at + 4]!;
  return {
    request: payload[0] === 0x01 ? 'set' : payload[0] === 0x00 ? 'query' : 'unknown',
    ...(response
      ? { commandStatus: payload[1] === 0xff ? 'success' : payload[1] === 0x00 ? 'failure' : 'unknown' }
      : {}),
    requestType: payload[at + 2]!,
    ...(flag & MAIN_TIME_BIT ? { mainMinutes: main } : {}),
    ...(flag & HEARTBEAT_BIT ? { heartbeatMinutes: payload[at + 5]! } : {}),
  };
}
