/** DL/T 645-2007 multi-function electricity meter protocol: frames, DI table, decoder and encoders. */
export { dlt645Codec } from './dlt645-codec.js';
export { decodeDlt645, type Dlt645DecodeOptions } from './decode.js';
export {
  encodeDiValue,
  encodeDlt645BroadcastTime,
  encodeDlt645ErrorReply,
  encodeDlt645ReadReply,
  encodeDlt645ReadRequest,
  writeDi,
} from './encode.js';
export { buildDlt645Frame, parseDlt645Frame, type Dlt645LinkFrame } from './framing.js';
export {
  buildControl,
  parseControl,
  DLT645_FUNCTIONS,
  type Dlt645Control,
  type Dlt645Direction,
  type Dlt645Function,
} from './control.js';
export { lookupDi, type DiDefinition, type DiFormat } from './di-table.js';
export { DLT645_ERROR_BITS, errorCode, errorNames, type Dlt645ErrorName } from './error-word.js';
export { BROADCAST_ADDRESS, WILDCARD_ADDRESS } from './address.js';
export { readBcdLe, writeBcdLe } from './bcd.js';
export type * from './message.js';
