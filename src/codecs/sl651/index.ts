import type { JsonObject, PayloadCodec } from '../codec.js';
import { decodeSl651 } from './decode.js';

/**
 * SL 651-2014 hydrological telemetry (水文监测数据通信规约): HEX/BCD frames (7E 7E, CRC-16 high byte
 * first) and, provisionally, ASCII frames (SOH 01). See decode.ts for what each body decodes to.
 */
export const sl651Codec: PayloadCodec = {
  name: 'sl651',
  description: 'SL 651-2014 hydrological telemetry (HEX/BCD and ASCII frames: reports, link keep, replies)',
  // The message is built from JSON-safe values only, and optional fields are omitted, never undefined.
  decode: (bytes: Uint8Array): JsonObject => decodeSl651(bytes) as unknown as JsonObject,
};

export { decodeSl651 } from './decode.js';
export { encodeSl651Report } from './report-encoder.js';
export { buildSl651Reply, sl651ExpectsReply, type Sl651ReplyTarget } from './reply.js';
export { decodeSl651HexFrame, encodeSl651HexFrame } from './hex-frame.js';
export { decodeSl651AsciiFrame, encodeSl651AsciiFrame } from './ascii-frame.js';
export type { Sl651FrameFields, Sl651DecodedFrame } from './frame-fields.js';
export { crc16Modbus as sl651Crc16 } from '../crc16-modbus.js';
export {
  SL651_ELEMENTS,
  sl651Element,
  sl651ElementByMnemonic,
  type Sl651ElementInfo,
  type Sl651ElementKind,
} from './element-table.js';
export { SL651_FUNCTION_TYPES } from './function-codes.js';
export { SL651_STATION_TYPES } from './station-types.js';
export { END_CHAR_BYTES, type Sl651EndChar } from './control-chars.js';
export type {
  Sl651Message,
  Sl651Element,
  Sl651Observation,
  Sl651Packet,
  Sl651Value,
  Sl651Direction,
  Sl651Mode,
} from './types.js';
export type { Sl651ReportInput, Sl651ObservationInput, Sl651ElementInput, Sl651BodyInput } from './report-input.js';
export { encodeSl651RuntimeConfig, type Sl651RuntimeConfigInput } from './runtime-config.js';
