import { CodecError, toHex, fromHex } from '../codec.js';
import { crc16Modbus } from '../crc16-modbus.js';
import { END_CHAR_BYTES, SOH_HEX, STX, SYN, endCharName } from './control-chars.js';
import { checkFrameFields, checkPacket, type Sl651DecodedFrame, type Sl651FrameFields } from './frame-fields.js';

/**
 * HEX/BCD mode framing:
 *   7E 7E | centre(1) station(5) [downlink: station(5) centre(1)] | password(2) | function(1) |
 *   direction nibble (0 up, 8 down) + 12-bit length | STX, or SYN + 3 bytes (total << 12 | seq) |
 *   body | end char | CRC-16 high byte first.
 * The length counts the body plus, for SYN, the 3 packet bytes; the frame is 17 + length bytes.
 */
const HEADER_BYTES = 14; // 7E 7E, addresses, password, function, length, STX/SYN
const OVERHEAD = 17; // header + end char + CRC

export function decodeSl651HexFrame(bytes: Uint8Array): Sl651DecodedFrame {
  if (bytes.length < 2 || bytes[0] !== SOH_HEX || bytes[1] !== SOH_HEX)
    throw new CodecError('CODEC_MALFORMED', 'a HEX/BCD frame starts with 7E 7E', 0);
  if (bytes.length < HEADER_BYTES)
    throw new CodecError(
      'CODEC_MALFORMED',
      `${bytes.length} bytes are shorter than the ${HEADER_BYTES}-byte header`,
      bytes.length,
    );
  const flagLength = (bytes[11]! << 8) | bytes[12]!;
  const length = flagLength & 0xfff;
  const total = OVERHEAD + length;
  // Framed by the length field, never by searching for the next 7E. Published samples (wainshine
  // fujian_messages.txt) carry one stray 7E after the CRC; that single byte is dropped and reported.
  const ignoredTrailingByte = bytes.length === total + 1 && bytes[total] === SOH_HEX;
  if (!ignoredTrailingByte && bytes.length !== total) {
    const why =
      bytes.length < total
        ? `is truncated: the length field says ${total} bytes, ${bytes.length} arrived`
        : `has ${bytes.length - total} bytes after the ${total} the length field says`;
    throw new CodecError('CODEC_MALFORMED', `the frame ${why}`, Math.min(bytes.length, total));
  }
  const crcAt = total - 2;
  const sent = (bytes[crcAt]! << 8) | bytes[crcAt + 1]!;
  const computed = crc16Modbus(bytes, 0, crcAt);
  if (sent !== computed)
    throw new CodecError('CODEC_CHECKSUM', `CRC ${hex4(sent)} does not match the computed ${hex4(computed)}`, crcAt);

  const nibble = flagLength >> 12;
  if (nibble !== 0 && nibble !== 8)
    throw new CodecError('CODEC_MALFORMED', `direction nibble ${nibble} is neither 0 (up) nor 8 (down)`, 11);
  const direction = nibble === 8 ? 'down' : 'up';

  let bodyOffset = HEADER_BYTES;
  let packet = null;
  if (bytes[13] === SYN) {
    if (length < 3)
      throw new CodecError('CODEC_MALFORMED', `a SYN frame's length ${length} cannot hold the 3 packet bytes`, 11);
    const word = (bytes[14]! << 16) | (bytes[15]! << 8) | bytes[16]!;
    packet = checkPacket(word >> 12, word & 0xfff, 14);
    bodyOffset += 3;
  } else if (bytes[13] !== STX) {
    throw new CodecError('CODEC_MALFORMED', `byte 13 is 0x${bytes[13]!.toString(16)}, not STX 02 or SYN 16`, 13);
  }
  const endAt = HEADER_BYTES + length;
  const endChar = endCharName(bytes[endAt]!);
  if (endChar === null)
    throw new CodecError('CODEC_MALFORMED', `0x${bytes[endAt]!.toString(16)} is not an end character`, endAt);

  // Downlinks name the station first, then the centre.
  const up = direction === 'up';
  return {
    direction,
    centre: bytes[up ? 2 : 7]!,
    station: toHex(bytes.subarray(up ? 3 : 2, up ? 8 : 7)),
    password: toHex(bytes.subarray(8, 10)),
    functionCode: bytes[10]!,
    packet,
    endChar,
    body: bytes.subarray(bodyOffset, endAt),
    bodyOffset,
    ignoredTrailingByte,
  };
}

export function encodeSl651HexFrame(f: Sl651FrameFields): Uint8Array {
  checkFrameFields(f, 3);
  const length = f.body.length + (f.packet ? 3 : 0);
  const out = new Uint8Array(OVERHEAD + length);
  out[0] = SOH_HEX;
  out[1] = SOH_HEX;
  const station = fromHex(f.station);
  if (f.direction === 'up') {
    out[2] = f.centre;
    out.set(station, 3);
  } else {
    out.set(station, 2);
    out[7] = f.centre;
  }
  out.set(fromHex(f.password), 8);
  out[10] = f.functionCode;
  const flagLength = ((f.direction === 'down' ? 8 : 0) << 12) | length;
  out[11] = flagLength >> 8;
  out[12] = flagLength & 0xff;
  let at = 14;
  if (f.packet) {
    out[13] = SYN;
    const word = (f.packet.total << 12) | f.packet.seq;
    out.set([word >> 16, (word >> 8) & 0xff, word & 0xff], 14);
    at = 17;
  } else {
    out[13] = STX;
  }
  out.set(f.body, at);
  out[HEADER_BYTES + length] = END_CHAR_BYTES[f.endChar];
  const crc = crc16Modbus(out, 0, out.length - 2);
  out[out.length - 2] = crc >> 8;
  out[out.length - 1] = crc & 0xff;
  return out;
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
