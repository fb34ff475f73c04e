import { concatBytes } from '../bytes.js';
import { CodecError } from '../codec.js';
import { encodeAuthenticationBody, type AuthenticationInput } from './authentication.js';
import { frame } from './framing.js';
import { encodeGeneralReplyBody, type GeneralReplyInput } from './general-reply.js';
import { encodeHeader, type Jt808Version, type PacketInfo } from './header.js';
import { encodeLocationBody, type LocationInput } from './location.js';
import { MESSAGE_IDS } from './message-ids.js';
import { encodeRegistrationReplyBody, type RegistrationReplyInput } from './registration-reply.js';
import { encodeRegistrationBody, type RegistrationInput } from './registration.js';

/** Header fields every encoder takes. */
export type FrameFields = {
  /** Terminal phone, decimal digits (left-padded to 12 or 20). */
  phone: string;
  /** This message's serial number, 0–65535. */
  serial: number;
  /** Header layout; default 2013. */
  version?: Jt808Version;
  /** 2019 protocol version byte; default 1. */
  protocolVersion?: number;
};

/** Body bytes longer than this do not fit the 10-bit length and must be split by the caller. */
export const MAX_BODY_LENGTH = 1023;

/**
 * A whole wire frame: header (bit 14 set for 2019, bit 13 when packet is given), body, XOR check,
 * escaping and the 7E flags. Never encrypted.
 */
export function encodeJt808Frame(
  f: FrameFields & { messageId: number; body: Uint8Array; packet?: PacketInfo },
): Uint8Array {
  if (f.body.length > MAX_BODY_LENGTH) {
    throw new CodecError(
      'CODEC_MALFORMED',
      `body is ${f.body.length} bytes; one packet holds at most ${MAX_BODY_LENGTH}`,
    );
  }
  const header = encodeHeader({
    messageId: f.messageId,
    bodyLength: f.body.length,
    version: f.version,
    protocolVersion: f.protocolVersion,
    phone: f.phone,
    serial: f.serial,
    packet: f.packet,
  });
  return frame(concatBytes(header, f.body));
}

const versionOf = (f: FrameFields): Jt808Version => f.version ?? 2013;

/** 0x0200 location report (the digital twin's truck reports). */
export function encodeLocationReport(input: FrameFields & LocationInput): Uint8Array {
  return encodeJt808Frame({
    ...input,
    messageId: MESSAGE_IDS.location,
    body: encodeLocationBody(input, versionOf(input)),
  });
}

/** 0x8001 platform general reply to the terminal message (replyId, replySerial). */
export function encodePlatformReply(input: FrameFields & GeneralReplyInput): Uint8Array {
  return encodeJt808Frame({ ...input, messageId: MESSAGE_IDS.platformReply, body: encodeGeneralReplyBody(input) });
}

/** 0x8100 registration reply; authCode is required for result 0 and not sent otherwise. */
export function encodeRegistrationReply(input: FrameFields & RegistrationReplyInput): Uint8Array {
  return encodeJt808Frame({
    ...input,
    messageId: MESSAGE_IDS.registrationReply,
    body: encodeRegistrationReplyBody(input),
  });
}

/** 0x0001 terminal general reply. */
export function encodeTerminalReply(input: FrameFields & GeneralReplyInput): Uint8Array {
  return encodeJt808Frame({ ...input, messageId: MESSAGE_IDS.terminalReply, body: encodeGeneralReplyBody(input) });
}

/** 0x0100 terminal registration. */
export function encodeRegistration(input: FrameFields & RegistrationInput): Uint8Array {
  return encodeJt808Frame({
    ...input,
    messageId: MESSAGE_IDS.registration,
    body: encodeRegistrationBody(input, versionOf(input)),
  });
}

/** 0x0102 terminal authentication. */
export function encodeAuthentication(input: FrameFields & AuthenticationInput): Uint8Array {
  return encodeJt808Frame({
    ...input,
    messageId: MESSAGE_IDS.authentication,
    body: encodeAuthenticationBody(input, versionOf(input)),
  });
}

/** 0x0002 heartbeat (empty body). */
export function encodeHeartbeat(input: FrameFields): Uint8Array {
  return encodeJt808Frame({ ...input, messageId: MESSAGE_IDS.heartbeat, body: new Uint8Array(0) });
}

/** 0x0003 terminal logout (empty body). */
export function encodeLogout(input: FrameFields): Uint8Array {
  return encodeJt808Frame({ ...input, messageId: MESSAGE_IDS.logout, body: new Uint8Array(0) });
}
