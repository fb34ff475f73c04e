import { CodecError } from '../codec.js';
import type { Sl651EndChar } from './control-chars.js';
import type { Sl651Direction, Sl651Packet } from './types.js';

/** One frame of either mode, its body still bytes (HEX) or text bytes (ASCII). */
export interface Sl651FrameFields {
  direction: Sl651Direction;
  centre: number;
  station: string;
  password: string;
  functionCode: number;
  packet: Sl651Packet | null;
  endChar: Sl651EndChar;
  body: Uint8Array;
}

/** A decoded frame: the fields plus where the body starts in the frame (for error offsets). */
export interface Sl651DecodedFrame extends Sl651FrameFields {
  bodyOffset: number;
  /** A single stray 0x7E after the CRC was dropped. */
  ignoredTrailingByte: boolean;
}

/** The length field holds 12 bits. */
export const MAX_BODY_LENGTH = 0xfff;

/** Checks fields before encoding; CODEC_MALFORMED names the first bad one. */
export function checkFrameFields(f: Sl651FrameFields, packetBytes: number): void {
  const bad = (why: string): never => {
    throw new CodecError('CODEC_MALFORMED', `cannot encode: ${why}`);
  };
  if (!isByte(f.centre)) bad(`centre address ${f.centre} is not 0-255`);
  if (!/^[0-9a-fA-F]{10}$/.test(f.station)) bad(`station address ${f.station} is not 10 hex digits`);
  if (!/^[0-9a-fA-F]{4}$/.test(f.password)) bad(`password ${f.password} is not 4 hex digits`);
  if (!isByte(f.functionCode)) bad(`function code ${f.functionCode} is not 0-255`);
  if (f.packet) {
    const { total, seq } = f.packet;
    if (!Number.isInteger(total) || !Number.isInteger(seq) || total < 1 || total > 0xfff || seq < 1 || seq > total)
      bad(`packet ${seq} of ${total} is not 1 <= seq <= total <= 4095`);
  }
  if (f.body.length + (f.packet ? packetBytes : 0) > MAX_BODY_LENGTH)
    bad(`a body of ${f.body.length} bytes overflows the 12-bit length`);
}

/** Validates a multi-packet word read from a frame: total and 1-based sequence, 12 bits each. */
export function checkPacket(total: number, seq: number, offset: number): Sl651Packet {
  if (total < 1 || seq < 1 || seq > total)
    throw new CodecError('CODEC_MALFORMED', `packet ${seq} of ${total} is not 1 <= seq <= total`, offset);
  return { total, seq };
}

function isByte(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 255;
}
