import { CodecError } from '../codec.js';
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { decodeGbk, encodeGbk } from './gbk.js';
import { warnExtraBytes } from './general-reply.js';

/** 0x8100 registration reply: reply serial WORD, result BYTE, auth code STRING (GBK) only on success. */
export type RegistrationReply = {
  replySerial: number;
  result: number;
  /** Name of `result`, or 'unknown'. */
  resultName: string;
  /** Present only when result is 0 (success). */
  authCode?: string;
};

export const REGISTRATION_RESULTS = [
  'success',
  'vehicle-registered',
  'vehicle-unknown',
  'terminal-registered',
  'terminal-unknown',
] as const;

export function decodeRegistrationReplyBody(
  body: Uint8Array,
  baseOffset: number,
  warnings: string[],
): RegistrationReply {
  const r = new ByteReader(body, '0x8100 body', baseOffset);
  const replySerial = r.u16('reply serial');
  const result = r.u8('result');
  const names: readonly string[] = REGISTRATION_RESULTS;
  const out: RegistrationReply = { replySerial, result, resultName: names[result] ?? 'unknown' };
  if (result === 0) out.authCode = decodeGbk(r.rest());
  else warnExtraBytes(r, '0x8100 body', warnings);
  return out;
}

export type RegistrationReplyInput = { replySerial: number; result: number; authCode?: string };

/** The auth code is written only for result 0, where it is required. */
export function encodeRegistrationReplyBody(input: RegistrationReplyInput): Uint8Array {
  const w = new ByteWriter().u16(input.replySerial, 'replySerial').u8(input.result, 'result');
  if (input.result === 0) {
    if (input.authCode === undefined)
      throw new CodecError('CODEC_MALFORMED', 'a successful 0x8100 reply needs an authCode');
    w.bytes(encodeGbk(input.authCode, 'authCode'));
  }
  return w.toBytes();
}
