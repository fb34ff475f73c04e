import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';

/**
 * 0x0001 terminal general reply and 0x8001 platform general reply: reply serial WORD, reply id WORD,
 * result BYTE. The serial and id are those of the message answered.
 */
export type GeneralReply = {
  /** Serial of the message answered. */
  replySerial: number;
  /** Id of the message answered. */
  replyId: number;
  result: number;
  /** Name of `result`, or 'unknown'. */
  resultName: string;
};

/** 0x8001 results; 0x0001 uses the first four. */
export const PLATFORM_REPLY_RESULTS = [
  'success',
  'failure',
  'message-error',
  'unsupported',
  'alarm-confirmed',
] as const;
export const TERMINAL_REPLY_RESULTS = PLATFORM_REPLY_RESULTS.slice(0, 4);

/** Extra bytes after a reply's fields are tolerated with a warning. */
export function warnExtraBytes(r: ByteReader, what: string, warnings: string[]): void {
  if (r.remaining > 0) warnings.push(`${what} has ${r.remaining} byte(s) after its fields; ignored`);
}

export function decodeGeneralReplyBody(
  body: Uint8Array,
  platform: boolean,
  baseOffset: number,
  warnings: string[],
): GeneralReply {
  const what = platform ? '0x8001 body' : '0x0001 body';
  const r = new ByteReader(body, what, baseOffset);
  const replySerial = r.u16('reply serial');
  const replyId = r.u16('reply id');
  const result = r.u8('result');
  warnExtraBytes(r, what, warnings);
  const names: readonly string[] = platform ? PLATFORM_REPLY_RESULTS : TERMINAL_REPLY_RESULTS;
  return { replySerial, replyId, result, resultName: names[result] ?? 'unknown' };
}

export type GeneralReplyInput = { replySerial: number; replyId: number; result: number };

export function encodeGeneralReplyBody(input: GeneralReplyInput): Uint8Array {
  return new ByteWriter()
    .u16(input.replySerial, 'replySerial')
    .u16(input.replyId, 'replyId')
    .u8(input.result, 'result')
    .toBytes();
}
