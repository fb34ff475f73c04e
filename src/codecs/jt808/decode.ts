import { CodecError, toHex, type JsonObject } from '../codec.js';
import { decodeAuthenticationBody } from './authentication.js';
import { unframe } from './framing.js';
import { decodeGeneralReplyBody } from './general-reply.js';
import { decodeHeader, type Jt808Header } from './header.js';
import { decodeLocationBody } from './location.js';
import { MESSAGE_TYPES, type Jt808MessageType } from './message-ids.js';
import { decodeRegistrationReplyBody } from './registration-reply.js';
import { decodeRegistrationBody } from './registration.js';

/**
 * One whole JT/T 808 frame (7E … 7E) as a JSON object:
 *   { protocol: 'jt808', version: 2013 | 2019, protocolVersion? (2019), messageId, type, phone,
 *     phoneTrimmed, serial, packet? { total, seq }, …body fields, warnings? }
 * `phone` is the BCD digits as sent (12 or 20); `phoneTrimmed` drops the left padding, so one
 * terminal has the same phoneTrimmed in both editions. `warnings` (only when there are any) lists
 * tolerated oddities: a version flag that does not match the header, a malformed additional item…
 *
 * Throws CodecError only: CODEC_MALFORMED (framing, escapes, lengths, a short body),
 * CODEC_CHECKSUM (XOR), CODEC_UNSUPPORTED (an encrypted body, a message id not decoded here).
 * Error offsets index the input bytes for flag and escape errors, and otherwise the unescaped
 * header + body (0 = first header byte; the check byte follows the body).
 */
export function decodeJt808(bytes: Uint8Array): JsonObject {
  const content = unframe(bytes);
  const warnings: string[] = [];
  const header = decodeHeader(content, warnings);
  if (header.encryption !== 0) {
    const how =
      header.encryption === 1
        ? 'RSA-encrypted'
        : `encrypted (mode bits ${header.encryption.toString(2).padStart(3, '0')})`;
    throw new CodecError(
      'CODEC_UNSUPPORTED',
      `message 0x${hex4(header.messageId)} has an ${how} body, which this codec does not decrypt`,
      2,
    );
  }
  const body = content.subarray(header.headerLength);
  const at = header.headerLength;
  // Every object built here holds JSON values only (no undefined keys), hence the one cast.
  const finish = (type: Jt808MessageType, fields: object = {}): JsonObject =>
    ({ ...commonFields(header, type), ...fields, ...(warnings.length > 0 && { warnings }) }) as JsonObject;

  if (header.packet && !(header.packet.total === 1 && header.packet.seq === 1)) {
    return finish('fragment', { bodyHex: toHex(body) });
  }
  const type = MESSAGE_TYPES.get(header.messageId);
  switch (type) {
    case 'location':
      return finish(type, decodeLocationBody(body, header.version, at, warnings));
    case 'registration':
      return finish(type, decodeRegistrationBody(body, header.version, at, warnings));
    case 'authentication':
      return finish(type, decodeAuthenticationBody(body, header.version, warnings));
    case 'terminal-reply':
    case 'platform-reply':
      return finish(type, decodeGeneralReplyBody(body, type === 'platform-reply', at, warnings));
    case 'registration-reply':
      return finish(type, decodeRegistrationReplyBody(body, at, warnings));
    case 'heartbeat':
    case 'logout':
      if (body.length > 0) warnings.push(`${type} body should be empty but has ${body.length} byte(s); ignored`);
      return finish(type);
    default:
      throw new CodecError(
        'CODEC_UNSUPPORTED',
        `message id 0x${hex4(header.messageId)} is not one this codec decodes`,
        0,
      );
  }
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/** Header fields every decoded message starts with. */
function commonFields(h: Jt808Header, type: Jt808MessageType): JsonObject {
  const out: JsonObject = { protocol: 'jt808', version: h.version };
  if (h.protocolVersion !== undefined) out.protocolVersion = h.protocolVersion;
  out.messageId = h.messageId;
  out.type = type;
  out.phone = h.phone;
  out.phoneTrimmed = h.phone.replace(/^0+(?=.)/, '');
  out.serial = h.serial;
  if (h.packet) out.packet = { total: h.packet.total, seq: h.packet.seq };
  return out;
}
