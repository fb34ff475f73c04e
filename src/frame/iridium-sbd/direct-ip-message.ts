/**
 * Iridium Short Burst Data (SBD) DirectIP messages: what the Iridium gateway sends us over TCP for
 * each mobile-originated (MO) session, what we answer, what we send it for mobile-terminated (MT)
 * delivery, and its confirmation. Pure: bytes in, typed values out, and back. One message per TCP
 * connection, big-endian throughout.
 *
 *   byte 0      protocol revision (1)
 *   bytes 1-2   overall message length: the bytes after these 3
 *   then        information elements (IEs): IEI u8 · IE length u16 · content
 *
 *   0x01 MO header (28)        CDR reference u32 · IMEI 15 ASCII · session status u8 · MOMSN u16 ·
 *                              MTMSN u16 · time of session u32 (Unix seconds)
 *   0x02 MO payload (1..1960)  0x03 MO location (11)      0x05 MO confirmation (1): status u8
 *   0x41 MT header (21)        client message id (4 bytes) · IMEI 15 ASCII · disposition flags u16
 *   0x42 MT payload (1..1890)  0x46 MT priority (2): 1..5
 *   0x44 MT confirmation (25)  client message id (4) · IMEI · auto-ID reference u32 · status i16
 *
 * Where the spec leaves room, this codec decides (and the tests pin down):
 * - IEs may come in any order. Unknown IEIs (the spec allows new ones, e.g. 0x43 and 0x45 for MT
 *   location) are skipped but must fit in the message; a known IEI twice is refused.
 * - The kind is whichever family of known IEs is present (MO 0x01-0x03, MO confirmation 0x05, MT
 *   0x41/0x42/0x46, MT confirmation 0x44); IEs of two families in one message are refused.
 * - An MO needs its header (payload and location are optional: a session may carry neither); an MT
 *   needs its header (a payload is optional: flushing the queue or a ring alert carries none).
 * - A payload IE of length 0 is refused (SBD_BAD_IE): the spec's range is 1..1960 (MO), 1..1890 (MT).
 * - MO session statuses, MT disposition flags and MT confirmation statuses are kept whatever their
 *   value (MO_SESSION_STATUS and mtStatusText name the known ones), so new gateway codes lose nothing.
 * - Encoding writes IEs in the order header, payload, location (MO) or header, payload, priority
 *   (MT), and refuses anything parsing would refuse, with the same code.
 */
import { DirectIpError } from './direct-ip-error.js';
import {
  IMEI_BYTES,
  MAX_U16,
  MAX_U32,
  MAX_U8,
  checkBytes,
  checkInteger,
  copyOf,
  describe,
  readImei,
  readLocation,
  viewOf,
  writeImei,
  writeLocation,
  type MoLocation,
} from './direct-ip-fields.js';

export { MO_SESSION_STATUS, MT_DISPOSITION_FLAGS, mtStatusText, mtStatusCode } from './direct-ip-status.js';

/** The only protocol revision Iridium defines. */
export const DIRECT_IP_PROTOCOL_REVISION = 1;
/**
 * Largest message accepted, in bytes; the largest legal one (an MO with 1,960 payload bytes and a location) has 2,011.
 */
export const DIRECT_IP_MAX_MESSAGE_BYTES = 4_096;
/** Largest MO payload, in bytes. */
export const MO_MAX_PAYLOAD_BYTES = 1_960;
/** Largest MT payload, in bytes. */
export const MT_MAX_PAYLOAD_BYTES = 1_890;

/** Information element identifiers. */
export const DIRECT_IP_IEI = {
  moHeader: 0x01,
  moPayload: 0x02,
  moLocation: 0x03,
  moConfirmation: 0x05,
  mtHeader: 0x41,
  mtPayload: 0x42,
  mtConfirmation: 0x44,
  mtPriority: 0x46,
} as const;

export interface MoHeader {
  /** Call data record reference (the gateway's auto-ID for the session), u32. */
  readonly cdrReference: number;
  readonly imei: string;
  /** u8; see MO_SESSION_STATUS. */
  readonly sessionStatus: number;
  /** MO message sequence number, u16. */
  readonly momsn: number;
  /** MT message sequence number, u16 (the MT delivered in the same session, 0 if none). */
  readonly mtmsn: number;
  /** Time of session, Unix milliseconds (sent as whole seconds, so always a multiple of 1,000). */
  readonly sessionTime: number;
}

/** Where the Iridium network places the terminal (the MO location IE); defined beside its codec. */
export type { MoLocation } from './direct-ip-fields.js';

export interface MoMessage {
  readonly kind: 'mo';
  readonly header: MoHeader;
  readonly payload?: Uint8Array;
  readonly location?: MoLocation;
}
export interface MtMessage {
  readonly kind: 'mt';
  /** 4 opaque bytes the client chooses; the gateway echoes them in the confirmation. */
  readonly clientMessageId: Uint8Array;
  readonly imei: string;
  /** Disposition flags, u16; see MT_DISPOSITION_FLAGS. */
  readonly flags: number;
  readonly payload?: Uint8Array;
  /** Priority level 1..5. */
  readonly priority?: number;
}
export interface MtConfirmation {
  readonly kind: 'mt-confirmation';
  readonly clientMessageId: Uint8Array;
  readonly imei: string;
  /** The gateway's reference for the queued MT message, u32 (0 when it was refused). */
  readonly autoIdReference: number;
  /** i16: 1..50 queue position, 0 no payload, negative an error; see mtStatusText. */
  readonly status: number;
}
/** Our answer to an MO message, on the same connection: 1 received, 0 failed. */
export interface MoConfirmation {
  readonly kind: 'mo-confirmation';
  readonly status: 0 | 1;
}
export type DirectIpMessage = MoMessage | MtMessage | MtConfirmation | MoConfirmation;

const HEADER_BYTES = 3;
const IE_HEADER_BYTES = 3;
const CLIENT_MESSAGE_ID_BYTES = 4;

interface IeRule {
  readonly name: string;
  readonly field: string;
  readonly length?: number;
  readonly maxLength?: number;
}
const IE_RULES: ReadonlyMap<number, IeRule> = new Map([
  [DIRECT_IP_IEI.moHeader, { name: 'MO header', field: 'moHeader', length: 28 }],
  [DIRECT_IP_IEI.moPayload, { name: 'MO payload', field: 'moPayload', maxLength: MO_MAX_PAYLOAD_BYTES }],
  [DIRECT_IP_IEI.moLocation, { name: 'MO location', field: 'moLocation', length: 11 }],
  [DIRECT_IP_IEI.moConfirmation, { name: 'MO confirmation', field: 'moConfirmation', length: 1 }],
  [DIRECT_IP_IEI.mtHeader, { name: 'MT header', field: 'mtHeader', length: 21 }],
  [DIRECT_IP_IEI.mtPayload, { name: 'MT payload', field: 'mtPayload', maxLength: MT_MAX_PAYLOAD_BYTES }],
  [DIRECT_IP_IEI.mtConfirmation, { name: 'MT confirmation', field: 'mtConfirmation', length: 25 }],
  [DIRECT_IP_IEI.mtPriority, { name: 'MT priority', field: 'mtPriority', length: 2 }],
]);
/** Known IEIs of each message kind: a message's kind is the one family its known IEs come from. */
const FAMILIES: readonly { readonly kind: DirectIpMessage['kind']; readonly ieis: readonly number[] }[] = [
  { kind: 'mo', ieis: [DIRECT_IP_IEI.moHeader, DIRECT_IP_IEI.moPayload, DIRECT_IP_IEI.moLocation] },
  { kind: 'mo-confirmation', ieis: [DIRECT_IP_IEI.moConfirmation] },
  { kind: 'mt', ieis: [DIRECT_IP_IEI.mtHeader, DIRECT_IP_IEI.mtPayload, DIRECT_IP_IEI.mtPriority] },
  { kind: 'mt-confirmation', ieis: [DIRECT_IP_IEI.mtConfirmation] },
];

// ---------------------------------------------------------------------------------------------
// Parsing

/**
 * How many bytes the complete message starting at bytes[0] has (3 + overall length), or undefined
 * while fewer than 3 bytes are there — for reading a TCP stream. Throws DirectIpError
 * SBD_BAD_REVISION or SBD_TOO_LARGE as soon as the header shows the stream is not DirectIP or would
 * exceed DIRECT_IP_MAX_MESSAGE_BYTES, so a reader need not buffer up to 64 KiB of garbage first.
 */
export function directIpMessageLength(bytes: Uint8Array): number | undefined {
  if (bytes.length < HEADER_BYTES) return undefined;
  checkRevision(bytes[0]!);
  const total = HEADER_BYTES + viewOf(bytes).getUint16(1);
  if (total > DIRECT_IP_MAX_MESSAGE_BYTES) {
    throw new DirectIpError(
      'SBD_TOO_LARGE',
      `message would have ${total} bytes; at most ${DIRECT_IP_MAX_MESSAGE_BYTES} are accepted`,
      'length',
    );
  }
  return total;
}

/**
 * Reads one complete message. Byte arrays in the result are copies. Throws only DirectIpError about
 * the bytes (a non-Uint8Array argument is a TypeError).
 */
export function parseDirectIp(bytes: Uint8Array): DirectIpMessage {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('a DirectIP message must be a Uint8Array');
  const n = bytes.length;
  if (n > DIRECT_IP_MAX_MESSAGE_BYTES) {
    throw new DirectIpError(
      'SBD_TOO_LARGE',
      `message has ${n} bytes; at most ${DIRECT_IP_MAX_MESSAGE_BYTES} are accepted`,
    );
  }
  if (n < HEADER_BYTES)
    throw new DirectIpError('SBD_TOO_SHORT', `message has ${n} bytes; the header needs ${HEADER_BYTES}`, 'header');
  checkRevision(bytes[0]!);
  const declared = viewOf(bytes).getUint16(1);
  if (declared !== n - HEADER_BYTES) {
    throw new DirectIpError(
      'SBD_BAD_LENGTH',
      `overall length says ${declared} bytes follow the header; ${n - HEADER_BYTES} do`,
      'length',
    );
  }
  const ies = readIes(bytes);
  const present = FAMILIES.filter((f) => f.ieis.some((iei) => ies.has(iei)));
  if (present.length === 0)
    throw new DirectIpError('SBD_UNKNOWN_MESSAGE', 'message has no MO, MT or confirmation information element');
  if (present.length > 1) {
    throw new DirectIpError(
      'SBD_MIXED_MESSAGE',
      `message mixes ${present.map((f) => f.kind).join(' and ')} information elements`,
    );
  }
  switch (present[0]!.kind) {
    case 'mo':
      return readMo(ies);
    case 'mo-confirmation':
      return readMoConfirmation(ies.get(DIRECT_IP_IEI.moConfirmation)!);
    case 'mt':
      return readMt(ies);
    case 'mt-confirmation':
      return readMtConfirmation(ies.get(DIRECT_IP_IEI.mtConfirmation)!);
  }
}

function checkRevision(revision: number): void {
  if (revision !== DIRECT_IP_PROTOCOL_REVISION) {
    throw new DirectIpError(
      'SBD_BAD_REVISION',
      `protocol revision ${revision} is not ${DIRECT_IP_PROTOCOL_REVISION}`,
      'revision',
    );
  }
}

/** The contents of the known IEs by IEI (copies), after checking every IE's bounds and length. */
function readIes(bytes: Uint8Array): Map<number, Uint8Array> {
  const view = viewOf(bytes);
  const ies = new Map<number, Uint8Array>();
  let offset = HEADER_BYTES;
  while (offset < bytes.length) {
    if (bytes.length - offset < IE_HEADER_BYTES) {
      throw new DirectIpError(
        'SBD_BAD_IE',
        `${bytes.length - offset} bytes at offset ${offset} are too few for an IE header (3)`,
        'ie',
      );
    }
    const iei = view.getUint8(offset);
    const length = view.getUint16(offset + 1);
    const start = offset + IE_HEADER_BYTES;
    const rule = IE_RULES.get(iei);
    const field = rule?.field ?? 'ie';
    if (start + length > bytes.length) {
      throw new DirectIpError(
        'SBD_BAD_IE',
        `IE 0x${hexByte(iei)} at offset ${offset} says ${length} bytes; ${bytes.length - start} remain`,
        field,
      );
    }
    offset = start + length;
    if (rule === undefined) continue;
    checkIeLength(rule, length);
    if (ies.has(iei)) throw new DirectIpError('SBD_DUPLICATE_IE', `${rule.name} IE appears twice`, rule.field);
    ies.set(iei, copyOf(bytes, start, offset));
  }
  return ies;
}

/** Parsing and encoding share it, so each refuses a bad IE with the same code. */
function checkIeLength(rule: IeRule, length: number): void {
  if (rule.length !== undefined && length !== rule.length) {
    throw new DirectIpError(
      'SBD_BAD_IE',
      `${rule.name} IE has ${length} bytes; it is exactly ${rule.length}`,
      rule.field,
    );
  }
  if (rule.maxLength !== undefined) {
    if (length === 0)
      throw new DirectIpError(
        'SBD_BAD_IE',
        `${rule.name} IE is empty; a payload has 1..${rule.maxLength} bytes`,
        rule.field,
      );
    if (length > rule.maxLength) {
      throw new DirectIpError(
        'SBD_TOO_LARGE',
        `${rule.name} has ${length} bytes; at most ${rule.maxLength} are allowed`,
        rule.field,
      );
    }
  }
}

function readMo(ies: Map<number, Uint8Array>): MoMessage {
  const h = ies.get(DIRECT_IP_IEI.moHeader);
  if (h === undefined) throw new DirectIpError('SBD_MISSING_IE', 'MO message has no MO header IE', 'moHeader');
  const view = viewOf(h);
  const header: MoHeader = {
    cdrReference: view.getUint32(0),
    imei: readImei(h, 4, 'moHeader.imei'),
    sessionStatus: view.getUint8(19),
    momsn: view.getUint16(20),
    mtmsn: view.getUint16(22),
    sessionTime: view.getUint32(24) * 1000,
  };
  const payload = ies.get(DIRECT_IP_IEI.moPayload);
  const location = ies.get(DIRECT_IP_IEI.moLocation);
  return {
    kind: 'mo',
    header,
    ...(payload === undefined ? {} : { payload }),
    ...(location === undefined ? {} : { location: readLocation(location) }),
  };
}

function readMoConfirmation(content: Uint8Array): MoConfirmation {
  const status = content[0]!;
  if (status !== 0 && status !== 1) {
    throw new DirectIpError(
      'SBD_BAD_VALUE',
      `MO confirmation status ${status} is not 0 (failed) or 1 (received)`,
      'moConfirmation.status',
    );
  }
  return { kind: 'mo-confirmation', status };
}

function readMt(ies: Map<number, Uint8Array>): MtMessage {
  const h = ies.get(DIRECT_IP_IEI.mtHeader);
  if (h === undefined) throw new DirectIpError('SBD_MISSING_IE', 'MT message has no MT header IE', 'mtHeader');
  const payload = ies.get(DIRECT_IP_IEI.mtPayload);
  const p = ies.get(DIRECT_IP_IEI.mtPriority);
  let priority: number | undefined;
  if (p !== undefined) {
    priority = viewOf(p).getUint16(0);
    checkPriority(priority);
  }
  return {
    kind: 'mt',
    clientMessageId: h.slice(0, CLIENT_MESSAGE_ID_BYTES),
    imei: readImei(h, CLIENT_MESSAGE_ID_BYTES, 'mtHeader.imei'),
    flags: viewOf(h).getUint16(19),
    ...(payload === undefined ? {} : { payload }),
    ...(priority === undefined ? {} : { priority }),
  };
}

function checkPriority(priority: unknown): void {
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 1 || priority > 5) {
    throw new DirectIpError('SBD_BAD_VALUE', `MT priority must be 1..5, got ${describe(priority)}`, 'mtPriority');
  }
}

function readMtConfirmation(c: Uint8Array): MtConfirmation {
  const view = viewOf(c);
  return {
    kind: 'mt-confirmation',
    clientMessageId: c.slice(0, CLIENT_MESSAGE_ID_BYTES),
    imei: readImei(c, CLIENT_MESSAGE_ID_BYTES, 'mtConfirmation.imei'),
    autoIdReference: view.getUint32(19),
    status: view.getInt16(23),
  };
}

// ---------------------------------------------------------------------------------------------
// Encoding

/**
 * Writes one message. Refuses (DirectIpError) anything parseDirectIp would refuse, so that
 * parseDirectIp(encodeDirectIp(m)) gives `m` back — except a location, which is rounded to the
 * nearest thousandth of a minute, and an MO session time, which must be whole seconds.
 */
export function encodeDirectIp(m: DirectIpMessage): Uint8Array {
  if (typeof m !== 'object' || m === null)
    throw new DirectIpError('SBD_UNKNOWN_MESSAGE', `message must be an object, got ${describe(m)}`);
  switch (m.kind) {
    case 'mo':
      return frame(encodeMoIes(m));
    case 'mo-confirmation': {
      if (m.status !== 0 && m.status !== 1) {
        throw new DirectIpError(
          'SBD_BAD_VALUE',
          `MO confirmation status must be 0 or 1, got ${describe(m.status)}`,
          'moConfirmation.status',
        );
      }
      return frame([ie(DIRECT_IP_IEI.moConfirmation, Uint8Array.of(m.status))]);
    }
    case 'mt':
      return frame(encodeMtIes(m));
    case 'mt-confirmation': {
      const out = new Uint8Array(25);
      out.set(checkBytes(m.clientMessageId, CLIENT_MESSAGE_ID_BYTES, 'mtConfirmation.clientMessageId'));
      writeImei(out, CLIENT_MESSAGE_ID_BYTES, m.imei, 'mtConfirmation.imei');
      const view = viewOf(out);
      view.setUint32(19, checkInteger(m.autoIdReference, 0, MAX_U32, 'mtConfirmation.autoIdReference'));
      view.setInt16(23, checkInteger(m.status, -0x8000, 0x7fff, 'mtConfirmation.status'));
      return frame([ie(DIRECT_IP_IEI.mtConfirmation, out)]);
    }
    default:
      throw new DirectIpError(
        'SBD_UNKNOWN_MESSAGE',
        `kind ${describe((m as { kind?: unknown }).kind)} is not mo, mt, mo-confirmation or mt-confirmation`,
        'kind',
      );
  }
}

function encodeMoIes(m: MoMessage): Uint8Array[] {
  const h = m.header;
  if (typeof h !== 'object' || h === null)
    throw new DirectIpError('SBD_MISSING_IE', 'MO message has no header', 'moHeader');
  const out = new Uint8Array(28);
  const view = viewOf(out);
  view.setUint32(0, checkInteger(h.cdrReference, 0, MAX_U32, 'moHeader.cdrReference'));
  writeImei(out, 4, h.imei, 'moHeader.imei');
  view.setUint8(4 + IMEI_BYTES, checkInteger(h.sessionStatus, 0, MAX_U8, 'moHeader.sessionStatus'));
  view.setUint16(20, checkInteger(h.momsn, 0, MAX_U16, 'moHeader.momsn'));
  view.setUint16(22, checkInteger(h.mtmsn, 0, MAX_U16, 'moHeader.mtmsn'));
  // The wire carries whole seconds; a fraction would be lost silently, so it is refused.
  const sessionTime = checkInteger(h.sessionTime, 0, MAX_U32 * 1000, 'moHeader.sessionTime');
  if (sessionTime % 1000 !== 0) {
    throw new DirectIpError(
      'SBD_BAD_VALUE',
      `moHeader.sessionTime ${sessionTime} ms is not whole seconds`,
      'moHeader.sessionTime',
    );
  }
  view.setUint32(24, sessionTime / 1000);
  const ies = [ie(DIRECT_IP_IEI.moHeader, out)];
  if (m.payload !== undefined) ies.push(payloadIe(DIRECT_IP_IEI.moPayload, m.payload));
  if (m.location !== undefined) ies.push(ie(DIRECT_IP_IEI.moLocation, writeLocation(m.location)));
  return ies;
}

function encodeMtIes(m: MtMessage): Uint8Array[] {
  const out = new Uint8Array(21);
  out.set(checkBytes(m.clientMessageId, CLIENT_MESSAGE_ID_BYTES, 'mtHeader.clientMessageId'));
  writeImei(out, CLIENT_MESSAGE_ID_BYTES, m.imei, 'mtHeader.imei');
  viewOf(out).setUint16(19, checkInteger(m.flags, 0, MAX_U16, 'mtHeader.flags'));
  const ies = [ie(DIRECT_IP_IEI.mtHeader, out)];
  if (m.payload !== undefined) ies.push(payloadIe(DIRECT_IP_IEI.mtPayload, m.payload));
  if (m.priority !== undefined) {
    checkPriority(m.priority);
    const p = new Uint8Array(2);
    viewOf(p).setUint16(0, m.priority);
    ies.push(ie(DIRECT_IP_IEI.mtPriority, p));
  }
  return ies;
}

function payloadIe(iei: number, payload: unknown): Uint8Array {
  const rule = IE_RULES.get(iei)!;
  if (!(payload instanceof Uint8Array)) {
    throw new DirectIpError('SBD_BAD_VALUE', `${rule.name} must be a Uint8Array, got ${describe(payload)}`, rule.field);
  }
  checkIeLength(rule, payload.length);
  return ie(iei, payload);
}

/** One IE: IEI · length u16 · content. */
function ie(iei: number, content: Uint8Array): Uint8Array {
  const out = new Uint8Array(IE_HEADER_BYTES + content.length);
  out[0] = iei;
  viewOf(out).setUint16(1, content.length);
  out.set(content, IE_HEADER_BYTES);
  return out;
}

/**
 * Protocol revision · overall length · the IEs. Every message this module can build is at most
 * 2,011 bytes (an MO with the largest payload and a location), well under the 4,096-byte limit.
 */
function frame(ies: readonly Uint8Array[]): Uint8Array {
  const length = ies.reduce((sum, x) => sum + x.length, 0);
  const out = new Uint8Array(HEADER_BYTES + length);
  out[0] = DIRECT_IP_PROTOCOL_REVISION;
  viewOf(out).setUint16(1, length);
  let offset = HEADER_BYTES;
  for (const x of ies) {
    out.set(x, offset);
    offset += x.length;
  }
  return out;
}

function hexByte(b: number): string {
  return b.toString(16).padStart(2, '0');
}
