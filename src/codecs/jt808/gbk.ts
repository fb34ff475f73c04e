import { CodecError } from '../codec.js';

/**
 * JT/T 808 STRING fields (plates, auth codes) are GBK. Node decodes GBK natively (WHATWG "gbk",
 * never throws: a bad sequence becomes U+FFFD) but has no GBK encoder, so the encoder inverts the
 * decoder once, on first use, over every two-byte code (lead 0x81–0xFE, trail 0x40–0xFE but 0x7F).
 */
const decoder = new TextDecoder('gbk');

/** Text of GBK bytes. */
export function decodeGbk(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Text of a fixed-width field: the spec pads with 0x00 at the end, which is not part of the value. */
export function decodeGbkField(bytes: Uint8Array): string {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return decoder.decode(bytes.subarray(0, end));
}

let table: Map<number, number> | undefined;

/** Code point → two-byte GBK code; the first (lowest) code wins, as in the WHATWG encoder. */
function gbkTable(): Map<number, number> {
  if (table) return table;
  const codes: number[] = [];
  const buf: number[] = [];
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      codes.push((lead << 8) | trail);
      buf.push(lead, trail, 0); // the 0x00 keeps pairs aligned even where a pair does not decode
    }
  }
  const parts = decoder.decode(Uint8Array.from(buf)).split('\u0000');
  const t = new Map<number, number>();
  codes.forEach((code, i) => {
    const chars = [...(parts[i] ?? '')];
    if (chars.length !== 1 || chars[0] === '\ufffd') return;
    const cp = chars[0]!.codePointAt(0)!;
    if (!t.has(cp)) t.set(cp, code);
  });
  table = t;
  return t;
}

/** GBK bytes of text; a character GBK cannot hold is a CODEC_MALFORMED naming the field. */
export function encodeGbk(text: string, field: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      out.push(cp);
      continue;
    }
    const code = gbkTable().get(cp);
    if (code === undefined)
      throw new CodecError('CODEC_MALFORMED', `${field}: "${ch}" (U+${cp.toString(16).toUpperCase()}) has no GBK code`);
    out.push(code >> 8, code & 0xff);
  }
  return Uint8Array.from(out);
}

/** GBK bytes of text padded with 0x00 to exactly width bytes; longer text is a CODEC_MALFORMED. */
export function encodeGbkField(text: string, width: number, field: string): Uint8Array {
  const b = encodeGbk(text, field);
  if (b.length > width)
    throw new CodecError('CODEC_MALFORMED', `${field} "${text}" takes ${b.length} bytes; the field holds ${width}`);
  const out = new Uint8Array(width);
  out.set(b);
  return out;
}
