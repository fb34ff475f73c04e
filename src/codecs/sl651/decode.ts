import { CodecError, toHex } from '../codec.js';
import { asciiTokens, decodeAsciiElements, decodeAsciiHead } from './ascii-body.js';
import { decodeSl651AsciiFrame } from './ascii-frame.js';
import { bcdTimeToIso } from './beijing-time.js';
import { ByteReader } from './byte-reader.js';
import { SOH_ASCII, SOH_HEX } from './control-chars.js';
import { decodeElementBody, type ElementBody } from './element-body.js';
import { flattenValues } from './flatten-values.js';
import type { Sl651DecodedFrame } from './frame-fields.js';
import { ELEMENT_BODY_CODES, SL651_FUNCTION_TYPES, UNIFORM_INTERVAL_CODES } from './function-codes.js';
import { decodeSl651HexFrame } from './hex-frame.js';
import { stationTypeName } from './station-types.js';
import type { Sl651Message, Sl651Mode } from './types.js';

/**
 * Decodes one SL 651-2014 frame of either mode (7E 7E: HEX/BCD, 01: ASCII) in either direction.
 * Bodies: reports and data-query replies (0x30-0x35, 0x37, 0x38, 0x3A up) are split into element
 * groups; every other single-packet body gives its serial and send time and the rest as bodyHex /
 * bodyText; a packet of a multi-packet transfer gives only its raw body (it is one piece of a whole).
 * Function codes the standard does not list are CODEC_UNSUPPORTED.
 */
export function decodeSl651(bytes: Uint8Array): Sl651Message {
  const mode: Sl651Mode | null = bytes[0] === SOH_HEX ? 'hex' : bytes[0] === SOH_ASCII ? 'ascii' : null;
  if (mode === null)
    throw new CodecError('CODEC_MALFORMED', 'an SL 651 frame starts with 7E 7E (HEX/BCD) or 01 (ASCII)', 0);
  const f = mode === 'hex' ? decodeSl651HexFrame(bytes) : decodeSl651AsciiFrame(bytes);
  const type = SL651_FUNCTION_TYPES[f.functionCode];
  if (type === undefined)
    throw new CodecError(
      'CODEC_UNSUPPORTED',
      `function code 0x${f.functionCode.toString(16)} is not in SL 651-2014`,
      mode === 'hex' ? 10 : 17,
    );
  const msg: Sl651Message = {
    protocol: 'sl651',
    mode,
    functionCode: f.functionCode,
    type,
    direction: f.direction,
    centre: f.centre,
    station: f.station,
    password: f.password,
    endChar: f.endChar,
    packet: f.packet,
  };
  if (f.ignoredTrailingByte) msg.ignoredTrailingByte = '7e';
  if (f.packet && f.packet.total > 1) {
    if (mode === 'hex') msg.bodyHex = toHex(f.body);
    else msg.bodyText = String.fromCharCode(...f.body);
    return msg;
  }
  const elements = f.direction === 'up' && ELEMENT_BODY_CODES.has(f.functionCode);
  const uniform = UNIFORM_INTERVAL_CODES.has(f.functionCode);
  return mode === 'hex' ? hexBody(msg, f, elements, uniform) : asciiBody(msg, f, elements, uniform);
}

function hexBody(msg: Sl651Message, f: Sl651DecodedFrame, elements: boolean, uniform: boolean): Sl651Message {
  const r = new ByteReader(f.body, 0, f.body.length);
  const fail = (e: unknown): never => {
    // Body offsets are relative to the body; report them in the frame.
    if (e instanceof CodecError && e.offset !== undefined)
      throw new CodecError(e.code, e.message, e.offset + f.bodyOffset);
    throw e;
  };
  try {
    msg.serial = (r.u8('the serial') << 8) | r.u8('the serial');
    msg.sentAt = bcdTimeToIso(r.take(6, 'the send time'), 'send time', 2);
    if (elements) return withElements(msg, decodeElementBody(r, uniform));
    if (r.remaining > 0) msg.bodyHex = toHex(r.rest());
    return msg;
  } catch (e) {
    return fail(e);
  }
}

function asciiBody(msg: Sl651Message, f: Sl651DecodedFrame, elements: boolean, uniform: boolean): Sl651Message {
  const tokens = asciiTokens(f.body);
  Object.assign(msg, decodeAsciiHead(tokens));
  if (elements) return withElements(msg, decodeAsciiElements(tokens.slice(2), uniform));
  if (tokens.length > 2) msg.bodyText = tokens.slice(2).join(' ');
  return msg;
}

function withElements(msg: Sl651Message, body: ElementBody): Sl651Message {
  msg.bodyStation = body.bodyStation;
  msg.stationTypeCode = body.stationTypeCode;
  msg.stationType = body.stationTypeCode === null ? null : stationTypeName(body.stationTypeCode);
  msg.observations = body.observations;
  msg.values = flattenValues(body.observations);
  return msg;
}
