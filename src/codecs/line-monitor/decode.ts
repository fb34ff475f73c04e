import { CodecError, toHex } from '../codec.js';
import {
  DATA_RESPONSE,
  LINE_MONITOR_FRAME_TYPES,
  MONITORING_DATA,
  RESPONSE_FAILURE,
  RESPONSE_SUCCESS,
} from './frame-types.js';
import { parseLineMonitorFrame } from './framing.js';
import type { LineMonitorMessage } from './message.js';
import { decodeFields } from './payload.js';
import { DEFAULT_LINE_MONITOR_PROFILE } from './default-profile.js';
import type { LineMonitorProfile } from './profile.js';
import { CONTROL, CONTROL_RESPONSE, SAMPLING_PERIOD, decodeSamplingPeriod } from './sampling-period.js';

/**
 * Decodes one complete I1 frame with `profile`. Monitoring data (Frame_Type 01) of a packet type the
 * profile knows is decoded field by field, and so is a sampling-period control frame (03/04, A3);
 * other frames keep their payload as hex. Throws CodecError:
 * CODEC_MALFORMED (framing, length, payload shorter than its layout), CODEC_CHECKSUM (CRC16) and
 * CODEC_UNSUPPORTED (a Frame_Type outside 01–0A, i.e. probably not an I1 frame).
 */
export function decodeLineMonitor(
  bytes: Uint8Array,
  profile: LineMonitorProfile = DEFAULT_LINE_MONITOR_PROFILE,
): LineMonitorMessage {
  const frame = parseLineMonitorFrame(bytes, profile);
  const frameType = LINE_MONITOR_FRAME_TYPES[frame.frameType];
  if (frameType === undefined)
    throw new CodecError(
      'CODEC_UNSUPPORTED',
      `Frame_Type 0x${frame.frameType.toString(16).padStart(2, '0')} is not an I1 frame type`,
      21,
    );
  const def = profile.packetTypes[frame.packetType];
  const base: LineMonitorMessage = {
    protocol: 'line-monitor',
    deviceId: frame.deviceId,
    frameType,
    frameTypeCode: frame.frameType,
    packetType: frame.packetType,
    type: def?.key ?? 'unknown',
    name: def?.name ?? null,
    frameNo: frame.frameNo,
    componentId: null,
    sampledAt: null,
    status: null,
    values: {},
    payloadHex: toHex(frame.payload),
    trailingHex: null,
  };
  if (frame.frameType === DATA_RESPONSE) {
    const b = frame.payload[0];
    return { ...base, status: b === RESPONSE_SUCCESS ? 'success' : b === RESPONSE_FAILURE ? 'failure' : 'unknown' };
  }
  if ((frame.frameType === CONTROL || frame.frameType === CONTROL_RESPONSE) && frame.packetType === SAMPLING_PERIOD) {
    const values = decodeSamplingPeriod(frame.frameType, frame.payload, profile);
    return values ? { ...base, type: 'sampling-period', name: '采样周期查询/设置', values, payloadHex: null } : base;
  }
  if (frame.frameType !== MONITORING_DATA || !def) return base;
  const { values, used } = decodeFields(def.fields, frame.payload, profile.valueEndian, 24);
  const { componentId, sampledAt, ...rest } = values;
  return {
    ...base,
    componentId: typeof componentId === 'string' ? componentId : null,
    sampledAt: typeof sampledAt === 'string' ? sampledAt : null,
    values: rest,
    payloadHex: null,
    trailingHex: used < frame.payload.length ? toHex(frame.payload.subarray(used)) : null,
  };
}
