import { CodecError } from '../codec.js';
import { crc16Modbus } from '../crc16-modbus.js';
import { readAscii, writeAscii } from './payload.js';
import type { LineMonitorProfile } from './profile.js';

/**
 * I1 frame (Q/GDW 1242-2015):
 *   Sync(2) | Packet_Length(2) | CMD_ID(17 ASCII) | Frame_Type(1) | Packet_Type(1) | Frame_No(1)
 *   | payload(Packet_Length) | CRC16(2) | End 0x96 (when the profile has one)
 * Packet_Length counts only the payload. The CRC covers Packet_Length through the last payload byte
 * (Packet_Length + 22 bytes), as billkin's RTU_CRC(&p[2], len + 22) does.
 */

/** Sync, length, CMD_ID, frame type, packet type, frame number. */
export const HEADER_SIZE = 24;
const ID_LENGTH = 17;

export interface LineMonitorFrame {
  /** CMD_ID: the monitoring device's 17-character ID. */
  readonly deviceId: string;
  readonly frameType: number;
  readonly packetType: number;
  readonly frameNo: number;
  readonly payload: Uint8Array;
}

function u16(bytes: Uint8Array, at: number, order: 'little' | 'big'): number {
  return order === 'little' ? bytes[at]! | (bytes[at + 1]! << 8) : (bytes[at]! << 8) | bytes[at + 1]!;
}

function putU16(out: Uint8Array, at: number, v: number, order: 'little' | 'big'): void {
  out[at] = order === 'little' ? v & 0xff : v >> 8;
  out[at + 1] = order === 'little' ? v >> 8 : v & 0xff;
}

function hex2(a: number, b: number): string {
  return [a, b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}

export function parseLineMonitorFrame(bytes: Uint8Array, profile: LineMonitorProfile): LineMonitorFrame {
  const tail = 2 + (profile.endByte === null ? 0 : 1);
  if (bytes.length < HEADER_SIZE + tail)
    throw new CodecError(
      'CODEC_MALFORMED',
      `an I1 frame is at least ${HEADER_SIZE + tail} bytes, got ${bytes.length}`,
      bytes.length,
    );
  const [s0, s1] = profile.syncBytes;
  const syncOk =
    (bytes[0] === s0 && bytes[1] === s1) || (profile.acceptSwappedSync && bytes[0] === s1 && bytes[1] === s0);
  if (!syncOk)
    throw new CodecError('CODEC_MALFORMED', `sync must be ${hex2(s0, s1)}, got ${hex2(bytes[0]!, bytes[1]!)}`, 0);
  const len = u16(bytes, 2, profile.lengthEndian);
  const total = HEADER_SIZE + len + tail;
  if (bytes.length < total)
    throw new CodecError(
      'CODEC_MALFORMED',
      `Packet_Length says ${len} payload bytes but the frame is truncated (${bytes.length} of ${total} bytes)`,
      bytes.length,
    );
  if (bytes.length > total)
    throw new CodecError('CODEC_MALFORMED', `${bytes.length - total} bytes after the end of the frame`, total);
  const crcAt = HEADER_SIZE + len;
  if (profile.endByte !== null && bytes[crcAt + 2] !== profile.endByte) {
    throw new CodecError(
      'CODEC_MALFORMED',
      `frame must end with ${profile.endByte.toString(16)}, got ${bytes[crcAt + 2]!.toString(16).padStart(2, '0')}`,
      crcAt + 2,
    );
  }
  const sent = u16(bytes, crcAt, profile.crcByteOrder);
  const crc = crc16Modbus(bytes, 2, crcAt);
  if (crc !== sent)
    throw new CodecError(
      'CODEC_CHECKSUM',
      `CRC16 is ${sent.toString(16).padStart(4, '0')}, computed ${crc.toString(16).padStart(4, '0')}`,
      crcAt,
    );
  return {
    deviceId: readAscii(bytes.subarray(4, 4 + ID_LENGTH)),
    frameType: bytes[21]!,
    packetType: bytes[22]!,
    frameNo: bytes[23]!,
    payload: bytes.slice(HEADER_SIZE, crcAt),
  };
}

export function buildLineMonitorFrame(frame: LineMonitorFrame, profile: LineMonitorProfile): Uint8Array {
  for (const [k, v] of [
    ['frameType', frame.frameType],
    ['packetType', frame.packetType],
    ['frameNo', frame.frameNo],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 255)
      throw new CodecError('CODEC_MALFORMED', `${k} must be 0..255, got ${v}`);
  }
  if (frame.payload.length > 0xffff)
    throw new CodecError('CODEC_MALFORMED', `payload is at most 65535 bytes, got ${frame.payload.length}`);
  const tail = 2 + (profile.endByte === null ? 0 : 1);
  const out = new Uint8Array(HEADER_SIZE + frame.payload.length + tail);
  out[0] = profile.syncBytes[0];
  out[1] = profile.syncBytes[1];
  putU16(out, 2, frame.payload.length, profile.lengthEndian);
  out.set(writeAscii(frame.deviceId, ID_LENGTH, 'deviceId'), 4);
  out[21] = frame.frameType;
  out[22] = frame.packetType;
  out[23] = frame.frameNo;
  out.set(frame.payload, HEADER_SIZE);
  const crcAt = HEADER_SIZE + frame.payload.length;
  putU16(out, crcAt, crc16Modbus(out, 2, crcAt), profile.crcByteOrder);
  if (profile.endByte !== null) out[crcAt + 2] = profile.endByte;
  return out;
}
