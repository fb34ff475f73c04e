import { SatiotError } from '../errors/satiot-error.js';

/**
 * The contract every payload codec keeps. Codecs are pure: bytes in, a JSON-safe object out (no
 * Date, BigInt, Map or typed array in the result: times are ISO strings, byte strings hex), or a
 * `CodecError` with a stable code. A codec never throws anything else on any input.
 */

/** Why a payload could not be decoded. The same strings are stable error codes in src/errors/error-codes.ts. */
export type CodecErrorCode =
  | 'CODEC_MALFORMED' // framing, length or field layout is wrong
  | 'CODEC_CHECKSUM' // the frame's own check (XOR, CRC, sum) does not match
  | 'CODEC_UNSUPPORTED' // well-formed, but a message/function type this codec does not decode
  | 'CODEC_TIMEOUT' // a user codec ran past its time limit
  | 'CODEC_FAILED'; // a user codec threw, ran out of memory or returned something not JSON

/**
 * A SatiotError with a codec's code: the API and the CLI map it as any other (HTTP 422, exit
 * 3). `offset`, when there is one, is also `details.offset`, so the API's error body carries it.
 * A user codec's error crosses its worker thread as `{ code, message }` and is rebuilt on this side
 * (src/core/user-codec-pool.ts): user codecs have no offset.
 */
export class CodecError extends SatiotError {
  override readonly name = 'CodecError';
  declare readonly code: CodecErrorCode;

  constructor(
    code: CodecErrorCode,
    message: string,
    /** Byte offset in the (unescaped) frame where the problem was found, when there is one. */
    readonly offset?: number,
  ) {
    super(code, message, offset !== undefined ? { offset } : {});
  }
}

export function isCodecError(e: unknown): e is CodecError {
  return e instanceof CodecError;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };

/** A payload codec by name (`satiot decode --codec NAME`, a terminal profile's `codec`). */
export interface PayloadCodec {
  readonly name: string;
  /** One line for `--help` and the API. */
  readonly description: string;
  /** Decodes one uplink payload; throws only `CodecError`. */
  decode(bytes: Uint8Array, fPort?: number | null): JsonObject;
}

/** Hex of bytes (lower case, no separators). */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return s;
}

/** Bytes of a hex string; spaces, colons and a 0x prefix are ignored. Throws CODEC_MALFORMED on anything else. */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean))
    throw new CodecError('CODEC_MALFORMED', 'not a hex string (odd length or a non-hex character)');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}
