/** Transmission-line condition monitoring, Q/GDW 242-2010 / Q/GDW 1242-2015 "I1" frames, with configurable dialects. */
export { createLineMonitorCodec, lineMonitorCodec, validateLineMonitorProfile } from './line-monitor-codec.js';
export { decodeLineMonitor } from './decode.js';
export {
  encodeLineMonitorDataResponse,
  encodeLineMonitorRaw,
  encodeLineMonitorUpload,
  packetTypeCode,
  type LineMonitorUpload,
} from './encode.js';
export { buildLineMonitorFrame, parseLineMonitorFrame, type LineMonitorFrame } from './framing.js';
export { crc16Modbus } from '../crc16-modbus.js';
export { LINE_MONITOR_FRAME_TYPES } from './frame-types.js';
export { CONSECUTIVE_PACKET_TYPES, DEFAULT_PACKET_TYPES } from './packet-types.js';
export { DEFAULT_LINE_MONITOR_PROFILE } from './default-profile.js';
export {
  type ByteOrder,
  type LineMonitorField,
  type LineMonitorGroupField,
  type LineMonitorPacketType,
  type LineMonitorProfile,
  type LineMonitorScalarField,
  type LineMonitorScalarType,
} from './profile.js';
export { decodeFields, encodeFields, type LineMonitorValue, type LineMonitorValues } from './payload.js';
export type { LineMonitorMessage } from './message.js';
export {
  CONTROL,
  CONTROL_RESPONSE,
  SAMPLING_PERIOD,
  decodeSamplingPeriod,
  encodeSamplingPeriodCommand,
  type SamplingPeriodCommand,
} from './sampling-period.js';
