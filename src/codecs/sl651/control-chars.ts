/**
 * SL 651-2014 transmission control characters (frame start, text start and the end characters).
 * The end character tells the far side what happens next (Quick.SL651 Enums/EndMarks.cs):
 * ETX end, nothing follows; ETB end, more packets follow; ENQ query; EOT transmission over, hang up;
 * ACK positive ack, go on; NAK negative ack, resend; ESC transmission over, the station stays online.
 */
export const SOH_HEX = 0x7e; // sent twice: 7E 7E
export const SOH_ASCII = 0x01;
export const STX = 0x02; // a single-packet body follows
export const SYN = 0x16; // a multi-packet body follows, after 3 bytes (6 ASCII characters) of total/sequence

export type Sl651EndChar = 'ETX' | 'ETB' | 'ENQ' | 'EOT' | 'ACK' | 'NAK' | 'ESC';

export const END_CHAR_BYTES: Readonly<Record<Sl651EndChar, number>> = {
  ETX: 0x03,
  ETB: 0x17,
  ENQ: 0x05,
  EOT: 0x04,
  ACK: 0x06,
  NAK: 0x15,
  ESC: 0x1b,
};

/** The end character's name, or null for a byte that is not one. */
export function endCharName(byte: number): Sl651EndChar | null {
  for (const [name, b] of Object.entries(END_CHAR_BYTES)) if (b === byte) return name as Sl651EndChar;
  return null;
}
