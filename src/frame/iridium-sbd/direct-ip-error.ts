/**
 * Why an Iridium SBD DirectIP message was refused, when parsing bytes from the gateway or encoding a
 * message for it. The codes are stable: logs, metrics and the DirectIP TCP servers' counters may key
 * on them.
 */
export const DIRECT_IP_ERROR_CODES = [
  /** Fewer than the 3 bytes of the message header (protocol revision u8, overall length u16). */
  'SBD_TOO_SHORT',
  /** Byte 0 is not protocol revision 1, the only one Iridium defines. */
  'SBD_BAD_REVISION',
  /** The overall message length (bytes 1-2) disagrees with the number of bytes after the header. */
  'SBD_BAD_LENGTH',
  /** An information element overruns the message, or a known one has the wrong length for its IEI. */
  'SBD_BAD_IE',
  /** A known information element appears twice in one message. */
  'SBD_DUPLICATE_IE',
  /** A required information element is absent (an MO payload without an MO header, for example). */
  'SBD_MISSING_IE',
  /** An IMEI that is not exactly 15 ASCII digits. */
  'SBD_BAD_IMEI',
  /** A payload over its limit (MO 1,960 bytes, MT 1,890), or a whole message over 4,096 bytes. */
  'SBD_TOO_LARGE',
  /**
   * A field holding a value the protocol does not define: location minutes ≥ 60,000 thousandths,
   * latitude beyond 90° or longitude beyond 180°, a location format code other than 0, an MT
   * priority outside 1..5, an MO confirmation status other than 0 or 1, a client message id that is
   * not 4 bytes, or (encoding only) a number outside its field's range.
   */
  'SBD_BAD_VALUE',
  /** Information elements of more than one kind of message (say an MO header beside an MT header). */
  'SBD_MIXED_MESSAGE',
  /** No MO, MT or confirmation information element at all (only unknown ones, or none). */
  'SBD_UNKNOWN_MESSAGE',
] as const;

export type DirectIpErrorCode = (typeof DIRECT_IP_ERROR_CODES)[number];

/**
 * The only error the DirectIP codec raises about message contents. `message` names the offending
 * element and the values involved (e.g. "MO header IE has 27 bytes; it is exactly 28"); `field` is
 * the same place for machines ("moHeader", "mtHeader.imei", "moLocation.lat"), when there is one.
 */
export class DirectIpError extends Error {
  override readonly name = 'DirectIpError';

  constructor(
    readonly code: DirectIpErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export function isDirectIpError(e: unknown): e is DirectIpError {
  return e instanceof DirectIpError;
}
