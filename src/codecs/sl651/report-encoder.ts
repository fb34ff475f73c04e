import { CodecError } from '../codec.js';
import { encodeAsciiBody } from './ascii-body.js';
import { encodeSl651AsciiFrame } from './ascii-frame.js';
import { isoToBcdTime } from './beijing-time.js';
import { encodeElementBody } from './element-body-encoder.js';
import { encodeSl651HexFrame } from './hex-frame.js';
import type { Sl651ReportInput } from './report-input.js';

/**
 * Encodes a station's frame (a report, a link keep, a query reply) in HEX/BCD (default) or ASCII mode:
 * serial, send time, then an F1F1 group when `stationTypeCode` is given and the observation groups.
 * The inverse of decodeSl651 for the bodies it splits; the digital twin builds station frames with it.
 */
export function encodeSl651Report(input: Sl651ReportInput): Uint8Array {
  const frame = {
    direction: input.direction ?? 'up',
    centre: input.centre,
    station: input.station,
    password: input.password,
    functionCode: input.functionCode,
    packet: input.packet ?? null,
    endChar: input.endChar ?? 'ETX',
  } as const;
  if (input.mode === 'ascii') {
    return encodeSl651AsciiFrame({ ...frame, body: encodeAsciiBody(input.serial, input.sentAt, input, input.station) });
  }
  if (!Number.isInteger(input.serial) || input.serial < 0 || input.serial > 0xffff)
    throw new CodecError('CODEC_MALFORMED', `cannot encode serial ${input.serial}: not 0-65535`);
  const body = [
    input.serial >> 8,
    input.serial & 0xff,
    ...isoToBcdTime(input.sentAt, true, 'send time'),
    ...encodeElementBody(input, input.station),
  ];
  return encodeSl651HexFrame({ ...frame, body: Uint8Array.from(body) });
}
