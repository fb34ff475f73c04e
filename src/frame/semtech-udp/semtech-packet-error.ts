/**
 * Why a Semtech UDP packet-forwarder datagram (or one rxpk entry in it) was refused. The codes are
 * stable: logs, metrics and a UDP server's counters may key on them.
 */
export const SEMTECH_ERROR_CODES = [
  /** Fewer bytes than the packet type's fixed header (4 bytes; 12 for PUSH_DATA, PULL_DATA, TX_ACK). */
  'SEMTECH_TOO_SHORT',
  /** More than one UDP datagram can carry (65,507 bytes), or more rxpk entries than we accept (256). */
  'SEMTECH_TOO_LARGE',
  /** Byte 0 is not protocol version 1 or 2. */
  'SEMTECH_BAD_VERSION',
  /** Byte 3 is not one of the six packet identifiers 0x00..0x05. */
  'SEMTECH_UNKNOWN_IDENTIFIER',
  /** Bytes after the end of a fixed-size packet (PUSH_ACK, PULL_ACK, PULL_DATA). */
  'SEMTECH_TRAILING_BYTES',
  /** Encoding only: a token outside 0..65535 or a gateway EUI that is not 16 hex digits. */
  'SEMTECH_BAD_HEADER',
  /** The JSON part is missing, not UTF-8, not JSON, not an object, or its `rxpk` is not an array. */
  'SEMTECH_BAD_JSON',
  /** One rxpk entry lacks a required field or has one of the wrong type or range. */
  'SEMTECH_BAD_RXPK',
  /** The gateway status object (`stat`) is not an object or has a field of the wrong type. */
  'SEMTECH_BAD_STAT',
  /** The txpk of a PULL_RESP is missing, lacks a field the reference forwarder requires, or has a bad one. */
  'SEMTECH_BAD_TXPK',
  /** The `txpk_ack` of a TX_ACK is not an object or names an error the protocol does not define. */
  'SEMTECH_BAD_TX_ACK',
] as const;

export type SemtechErrorCode = (typeof SEMTECH_ERROR_CODES)[number];

/**
 * The only error the Semtech UDP codec raises about packet contents. `message` names the offending
 * field and the values involved (e.g. "rxpk.size 23 does not match the 12 bytes of rxpk.data");
 * `field` is the same field for machines ("rxpk.size"), when there is one.
 */
export class SemtechPacketError extends Error {
  override readonly name = 'SemtechPacketError';

  constructor(
    readonly code: SemtechErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export function isSemtechPacketError(e: unknown): e is SemtechPacketError {
  return e instanceof SemtechPacketError;
}
