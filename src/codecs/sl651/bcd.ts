/** Packed BCD (two decimal digits a byte, high nibble first), as SL 651 sends times and element values. */

/** The decimal digits of packed BCD bytes, or null when a nibble is above 9 (not BCD). */
export function bcdDigits(bytes: Uint8Array): string | null {
  let s = '';
  for (const b of bytes) {
    const hi = b >> 4;
    const lo = b & 0x0f;
    if (hi > 9 || lo > 9) return null;
    s += String(hi) + String(lo);
  }
  return s;
}

/** Packed BCD of a string of decimal digits (an odd count gets a leading 0). */
export function toBcd(digits: string): Uint8Array {
  const d = digits.length % 2 === 0 ? digits : '0' + digits;
  const out = new Uint8Array(d.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (Number(d[2 * i]) << 4) | Number(d[2 * i + 1]);
  return out;
}
