import { CodecError } from '../codec.js';
import { readAddress, writeAddress } from './address.js';

/**
 * DL/T 645-2007 link frame:
 *   [FE × 0..4]  68  A0..A5  68  C  L  DATA(L bytes, each +0x33)  CS  16
 * The FE wake-up bytes are not part of the frame or its checksum. CS is the sum, mod 256, of every
 * byte from the first 68 through the last DATA byte.
 */

export const START = 0x68;
export const END = 0x16;
export const WAKE_UP = 0xfe;
/** The standard sends up to four FE wake-up bytes; more is treated as a malformed frame. */
export const MAX_PREAMBLE = 4;
/** 68 + address(6) + 68 + C + L + CS + 16. */
const OVERHEAD = 12;

export interface Dlt645LinkFrame {
  /** 12 hex digits, most significant first (see address.ts). */
  readonly address: string;
  readonly control: number;
  /** DATA with the 0x33 offset already taken off. */
  readonly data: Uint8Array;
  /** How many FE bytes came before the first 68. */
  readonly preamble: number;
}

/** Sum mod 256 (the CS byte). */
export function checksum(bytes: Uint8Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s = (s + bytes[i]!) & 0xff;
  return s;
}

export function parseDlt645Frame(bytes: Uint8Array): Dlt645LinkFrame {
  let p = 0;
  while (p < bytes.length && bytes[p] === WAKE_UP) p++;
  if (p > MAX_PREAMBLE)
    throw new CodecError(
      'CODEC_MALFORMED',
      `${p} FE wake-up bytes before the frame (at most ${MAX_PREAMBLE})`,
      MAX_PREAMBLE,
    );
  if (bytes.length - p < OVERHEAD)
    throw new CodecError(
      'CODEC_MALFORMED',
      `a DL/T 645 frame is at least ${OVERHEAD} bytes, got ${bytes.length - p}`,
      p,
    );
  if (bytes[p] !== START)
    throw new CodecError('CODEC_MALFORMED', `frame must start with 68, got ${hexByte(bytes[p]!)}`, p);
  if (bytes[p + 7] !== START)
    throw new CodecError('CODEC_MALFORMED', `second start byte must be 68, got ${hexByte(bytes[p + 7]!)}`, p + 7);
  const control = bytes[p + 8]!;
  const len = bytes[p + 9]!;
  const total = OVERHEAD + len;
  if (bytes.length - p < total)
    throw new CodecError(
      'CODEC_MALFORMED',
      `length byte says ${len} data bytes but the frame is truncated`,
      bytes.length,
    );
  if (bytes.length - p > total)
    throw new CodecError('CODEC_MALFORMED', `${bytes.length - p - total} bytes after the end of the frame`, p + total);
  const csAt = p + 10 + len;
  if (bytes[csAt + 1] !== END)
    throw new CodecError('CODEC_MALFORMED', `frame must end with 16, got ${hexByte(bytes[csAt + 1]!)}`, csAt + 1);
  const cs = checksum(bytes, p, csAt);
  if (cs !== bytes[csAt])
    throw new CodecError('CODEC_CHECKSUM', `checksum is ${hexByte(bytes[csAt]!)}, computed ${hexByte(cs)}`, csAt);
  const data = new Uint8Array(len);
  for (let i = 0; i < len; i++) data[i] = (bytes[p + 10 + i]! - 0x33) & 0xff;
  return { address: readAddress(bytes.subarray(p + 1, p + 7)), control, data, preamble: p };
}

/** Builds a frame: adds 0x33 to each DATA byte, the checksum, the end byte and `preamble` FE bytes (default 4). */
export function buildDlt645Frame(frame: {
  address: string;
  control: number;
  data: Uint8Array;
  preamble?: number;
}): Uint8Array {
  const preamble = frame.preamble ?? MAX_PREAMBLE;
  if (!Number.isInteger(preamble) || preamble < 0 || preamble > MAX_PREAMBLE)
    throw new CodecError('CODEC_MALFORMED', `preamble must be 0..${MAX_PREAMBLE} FE bytes, got ${preamble}`);
  if (frame.data.length > 255)
    throw new CodecError('CODEC_MALFORMED', `DATA is at most 255 bytes, got ${frame.data.length}`);
  if (!Number.isInteger(frame.control) || frame.control < 0 || frame.control > 255)
    throw new CodecError('CODEC_MALFORMED', `control must be a byte, got ${frame.control}`);
  const out = new Uint8Array(preamble + OVERHEAD + frame.data.length);
  out.fill(WAKE_UP, 0, preamble);
  let p = preamble;
  out[p++] = START;
  out.set(writeAddress(frame.address), p);
  p += 6;
  out[p++] = START;
  out[p++] = frame.control;
  out[p++] = frame.data.length;
  for (const b of frame.data) out[p++] = (b + 0x33) & 0xff;
  out[p] = checksum(out, preamble, p);
  out[p + 1] = END;
  return out;
}

function hexByte(b: number): string {
  return b.toString(16).padStart(2, '0');
}
