import { CodecError } from '../codec.js';
import { crc16Modbus } from '../crc16-modbus.js';
import { END_CHAR_BYTES, SOH_ASCII, STX, SYN, endCharName } from './control-chars.js';
import { checkFrameFields, checkPacket, type Sl651DecodedFrame, type Sl651FrameFields } from './frame-fields.js';

/**
 * ASCII mode framing. PROVISIONAL: no public ASCII frame with a checkable CRC was found, so this follows
 * the standard's layout as summarised in the research notes and is tested by round trip only.
 *   SOH 01 | centre(2) station(10) [downlink: station(10) centre(2)] | password(4) | function(2) |
 *   direction + length (4 hex characters, 12-bit length) | STX, or SYN + 6 characters (total << 12 | seq) |
 *   body text | end char | CRC-16 as 4 hex characters
 * Header fields are hex characters (twice the HEX mode's bytes); control characters stay single bytes.
 * The length counts body characters (plus the 6 packet characters after SYN); the CRC covers SOH to the
 * end character.
 */
const HEADER_CHARS = 24; // SOH + 22 hex characters + STX/SYN
const OVERHEAD = 29; // header + end char + 4 CRC characters

export function decodeSl651AsciiFrame(bytes: Uint8Array): Sl651DecodedFrame {
  if (bytes.length < 1 || bytes[0] !== SOH_ASCII)
    throw new CodecError('CODEC_MALFORMED', 'an ASCII frame starts with SOH 01', 0);
  if (bytes.length < HEADER_CHARS)
    throw new CodecError(
      'CODEC_MALFORMED',
      `${bytes.length} bytes are shorter than the ${HEADER_CHARS}-byte ASCII header`,
      bytes.length,
    );
  const head = hexText(bytes, 1, 23, 'the header');
  const flagLength = parseInt(head.slice(18, 22), 16);
  const length = flagLength & 0xfff;
  const total = OVERHEAD + length;
  if (bytes.length !== total) {
    const why =
      bytes.length < total
        ? `is truncated: the length field says ${total} bytes, ${bytes.length} arrived`
        : `has ${bytes.length - total} bytes after the ${total} the length field says`;
    throw new CodecError('CODEC_MALFORMED', `the frame ${why}`, Math.min(bytes.length, total));
  }
  const crcAt = total - 4;
  const sent = parseInt(hexText(bytes, crcAt, total, 'the CRC'), 16);
  const computed = crc16Modbus(bytes, 0, crcAt);
  if (sent !== computed)
    throw new CodecError(
      'CODEC_CHECKSUM',
      `CRC ${sent.toString(16)} does not match the computed ${computed.toString(16)}`,
      crcAt,
    );

  const nibble = flagLength >> 12;
  if (nibble !== 0 && nibble !== 8)
    throw new CodecError(
      'CODEC_MALFORMED',
      `direction character ${nibble.toString(16)} is neither 0 (up) nor 8 (down)`,
      19,
    );
  const direction = nibble === 8 ? 'down' : 'up';

  let bodyOffset = HEADER_CHARS;
  let packet = null;
  if (bytes[23] === SYN) {
    if (length < 6)
      throw new CodecError('CODEC_MALFORMED', `a SYN frame's length ${length} cannot hold the 6 packet characters`, 19);
    const word = parseInt(hexText(bytes, 24, 30, 'the packet count'), 16);
    packet = checkPacket(word >> 12, word & 0xfff, 24);
    bodyOffset += 6;
  } else if (bytes[23] !== STX) {
    throw new CodecError('CODEC_MALFORMED', `byte 23 is 0x${bytes[23]!.toString(16)}, not STX 02 or SYN 16`, 23);
  }
  const endAt = HEADER_CHARS + length;
  const endChar = endCharName(bytes[endAt]!);
  if (endChar === null)
    throw new CodecError('CODEC_MALFORMED', `0x${bytes[endAt]!.toString(16)} is not an end character`, endAt);

  const up = direction === 'up';
  return {
    direction,
    centre: parseInt(up ? head.slice(0, 2) : head.slice(10, 12), 16),
    station: (up ? head.slice(2, 12) : head.slice(0, 10)).toLowerCase(),
    password: head.slice(12, 16).toLowerCase(),
    functionCode: parseInt(head.slice(16, 18), 16),
    packet,
    endChar,
    body: bytes.subarray(bodyOffset, endAt),
    bodyOffset,
    ignoredTrailingByte: false,
  };
}

export function encodeSl651AsciiFrame(f: Sl651FrameFields): Uint8Array {
  checkFrameFields(f, 6);
  const length = f.body.length + (f.packet ? 6 : 0);
  const centre = hex(f.centre, 2);
  const station = f.station.toUpperCase();
  const flagLength = ((f.direction === 'down' ? 8 : 0) << 12) | length;
  const head =
    (f.direction === 'up' ? centre + station : station + centre) +
    f.password.toUpperCase() +
    hex(f.functionCode, 2) +
    hex(flagLength, 4);
  const out = new Uint8Array(OVERHEAD + length);
  out[0] = SOH_ASCII;
  writeText(out, 1, head);
  let at = HEADER_CHARS;
  if (f.packet) {
    out[23] = SYN;
    writeText(out, 24, hex((f.packet.total << 12) | f.packet.seq, 6));
    at += 6;
  } else {
    out[23] = STX;
  }
  out.set(f.body, at);
  out[HEADER_CHARS + length] = END_CHAR_BYTES[f.endChar];
  writeText(out, out.length - 4, hex(crc16Modbus(out, 0, out.length - 4), 4));
  return out;
}

/** The characters of bytes [from, to), which must all be hex digits. */
function hexText(bytes: Uint8Array, from: number, to: number, what: string): string {
  let s = '';
  for (let i = from; i < to; i++) {
    const c = String.fromCharCode(bytes[i]!);
    if (!/[0-9A-Fa-f]/.test(c))
      throw new CodecError(
        'CODEC_MALFORMED',
        `${what} holds a character that is not a hex digit (0x${bytes[i]!.toString(16)})`,
        i,
      );
    s += c;
  }
  return s;
}

function writeText(out: Uint8Array, at: number, text: string): void {
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
}

function hex(n: number, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, '0');
}
