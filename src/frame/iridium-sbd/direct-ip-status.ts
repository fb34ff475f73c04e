/**
 * Names for the numbers a DirectIP message carries: MT disposition flags, MO session statuses and
 * MT confirmation statuses (Iridium SBD DirectIP spec). Unknown values are kept by the codec and
 * named generically here, so a new gateway code never loses a message.
 */

/** MT header disposition flags (u16); combine with `|`. */
export const MT_DISPOSITION_FLAGS = {
  /** Delete every MT message queued for the IMEI (before queuing this one's payload, if any). */
  flushMtQueue: 0x0001,
  /** Send a ring alert with no MT message. */
  sendRingAlert: 0x0002,
  /** Update the SSD's location. */
  updateSsdLocation: 0x0008,
  /** Queue this message as high priority. */
  highPriority: 0x0010,
  /** Have the gateway assign the MTMSN. */
  assignMtmsn: 0x0020,
} as const;

/** Meaning of the MO header's session status (u8). */
export const MO_SESSION_STATUS: Readonly<Record<number, string>> = {
  0: 'success',
  1: 'success, but the MT message queued for the device was too large to send',
  2: 'success, but the reported location was unacceptable',
  10: 'timeout: the session did not complete',
  12: 'MO message too large',
  13: 'RF link lost during the session',
  14: 'IMEI protocol anomaly',
  15: 'IMEI prohibited from accessing the gateway',
};

/** Meaning of MT confirmation statuses 0 and below (1..50 are queue positions). */
const MT_STATUS_TEXT: Readonly<Record<number, string>> = {
  0: 'success, no payload (mailbox check)',
  [-1]: 'invalid IMEI',
  [-2]: 'unknown IMEI',
  [-3]: 'payload too large',
  [-4]: 'payload expected but none received',
  [-5]: 'MT queue full (max 50)',
  [-6]: 'MT resources unavailable',
  [-7]: 'MT DirectIP protocol violation',
  [-8]: 'ring alerts disabled for this IMEI',
  [-9]: 'IMEI not attached',
  [-10]: 'source IP address rejected by MT filter',
  [-11]: 'MTMSN out of range',
};
/** Most MT messages the gateway queues per IMEI: positive statuses up to this are queue positions. */
const MT_QUEUE_MAX = 50;

/** Words for an MT confirmation status: 'queued at position 3', 'unknown IMEI', …. */
export function mtStatusText(status: number): string {
  if (Number.isInteger(status) && status >= 1 && status <= MT_QUEUE_MAX) return `queued at position ${status}`;
  return MT_STATUS_TEXT[status] ?? `unknown MT status ${status}`;
}

/** Stable codes for the negative MT confirmation statuses: why the gateway refused an MT message. */
const MT_STATUS_CODE: Readonly<Record<number, string>> = {
  [-1]: 'SBD_MT_INVALID_IMEI',
  [-2]: 'SBD_MT_UNKNOWN_IMEI',
  [-3]: 'SBD_MT_PAYLOAD_TOO_LARGE',
  [-4]: 'SBD_MT_NO_PAYLOAD',
  [-5]: 'SBD_MT_QUEUE_FULL',
  [-6]: 'SBD_MT_RESOURCES_UNAVAILABLE',
  [-7]: 'SBD_MT_PROTOCOL_VIOLATION',
  [-8]: 'SBD_MT_RING_ALERTS_DISABLED',
  [-9]: 'SBD_MT_IMEI_NOT_ATTACHED',
  [-10]: 'SBD_MT_SOURCE_REJECTED',
  [-11]: 'SBD_MT_MTMSN_OUT_OF_RANGE',
};

/**
 * The stable code of a negative MT confirmation status (`SBD_MT_QUEUE_FULL`, …; `SBD_MT_REFUSED` for one the spec does
 * not name).
 */
export function mtStatusCode(status: number): string {
  return MT_STATUS_CODE[status] ?? 'SBD_MT_REFUSED';
}
