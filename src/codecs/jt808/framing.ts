import { CodecError } from '../codec.js';

/** Start and end flag of every frame. */
export const FLAG = 0x7e;
/** Escape byte: 0x7E is sent as 7D 02, 0x7D as 7D 01. */
export const ESCAPE = 0x7d;

/**
 * Smallest unescaped frame content: a 12-byte 2013 header and the check byte (heartbeats have an
 * empty body).
 */
const MIN_CONTENT = 13;

/** XOR of every byte: the JT/T 808 check code over header + body, unescaped. */
export function xorCheck(bytes: Uint8Array): number {
  let x = 0;
  for (const b of bytes) x ^= b;
  return x;
}

/** Escapes the bytes between the flags (header, body and the check byte itself). */
export function escapeBytes(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (const b of bytes) {
    if (b === FLAG) out.push(ESCAPE, 0x02);
    else if (b === ESCAPE) out.push(ESCAPE, 0x01);
    else out.push(b);
  }
  return Uint8Array.from(out);
}

/**
 * Reverses escapeBytes. A 7D not followed by 01/02, or a bare 7E (two frames run together), is
 * CODEC_MALFORMED; the offset is in the escaped input.
 */
export function unescapeBytes(bytes: Uint8Array, baseOffset = 0): Uint8Array {
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === FLAG)
      throw new CodecError(
        'CODEC_MALFORMED',
        'a 0x7E flag inside the frame (two frames run together, or a lost escape)',
        baseOffset + i,
      );
    if (b !== ESCAPE) {
      out[n++] = b;
      continue;
    }
    const next = bytes[++i];
    if (next === 0x02) out[n++] = FLAG;
    else if (next === 0x01) out[n++] = ESCAPE;
    else
      throw new CodecError(
        'CODEC_MALFORMED',
        `escape 0x7D followed by ` +
          `${next === undefined ? 'the end of the frame' : `0x${next.toString(16).padStart(2, '0')}`} (only 01 ` +
          `and 02 are defined)`,
        baseOffset + i - 1,
      );
  }
  return out.slice(0, n);
}

/**
 * Header + body of one wire frame (7E … check 7E), unescaped and with the check verified; the check
 * byte is dropped. Order as the spec has it: unescape, then check, then parse.
 */
export function unframe(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== FLAG || bytes[bytes.length - 1] !== FLAG) {
    throw new CodecError('CODEC_MALFORMED', 'a JT/T 808 frame starts and ends with 0x7E', 0);
  }
  const content = unescapeBytes(bytes.subarray(1, bytes.length - 1), 1);
  if (content.length < MIN_CONTENT) {
    throw new CodecError(
      'CODEC_MALFORMED',
      `frame has ${content.length} unescaped byte(s) between the flags; a header and check need at least ` +
        `${MIN_CONTENT}`,
    );
  }
  const headerAndBody = content.subarray(0, content.length - 1);
  const want = content[content.length - 1]!;
  const got = xorCheck(headerAndBody);
  if (got !== want) {
    throw new CodecError(
      'CODEC_CHECKSUM',
      `XOR check is 0x${want.toString(16).padStart(2, '0')} but header and body XOR to 0x` +
        `${got.toString(16).padStart(2, '0')}`,
      content.length - 1,
    );
  }
  return headerAndBody;
}

/** One wire frame of header + body: appends the XOR check, escapes, adds the flags. */
export function frame(headerAndBody: Uint8Array): Uint8Array {
  const content = new Uint8Array(headerAndBody.length + 1);
  content.set(headerAndBody);
  content[headerAndBody.length] = xorCheck(headerAndBody);
  const escaped = escapeBytes(content);
  const out = new Uint8Array(escaped.length + 2);
  out[0] = FLAG;
  out.set(escaped, 1);
  out[out.length - 1] = FLAG;
  return out;
}
