import { CodecError } from '../codec.js';
import { decodeBcd, encodeBcd } from './bcd.js';
import { ByteWriter, checkUint } from './byte-writer.js';

/** The two header layouts. 2011 frames use the 2013 header (only the 0x0100 body differs). */
export type Jt808Version = 2013 | 2019;

/** Split-packet numbering (body property bit 13): the seq-th of total packets, seq from 1. */
export interface PacketInfo {
  total: number;
  seq: number;
}

export interface Jt808Header {
  messageId: number;
  /** Body length in unescaped bytes (bits 0–9). */
  bodyLength: number;
  /** Encryption bits 10–12: 0 none, 1 (bit 10) RSA; anything else is reserved. */
  encryption: number;
  /** Bit 14 as sent. Devices exist that set it yet send a 2013 header, so `version` is what decides. */
  versionFlag: boolean;
  /** The header layout the frame actually has (see decodeHeader). */
  version: Jt808Version;
  /** 2019 protocol version byte (1 for the 2019 edition); absent in 2013. */
  protocolVersion?: number;
  /** Terminal phone as the BCD digits sent: 12 (2013) or 20 (2019), left-padded with 0. */
  phone: string;
  /** Message serial number (0–65535, wraps). */
  serial: number;
  packet?: PacketInfo;
  /** 12 / 16 (2013, split) or 17 / 21 (2019, split). */
  headerLength: number;
}

const PROP_LENGTH_MASK = 0x03ff;
const PROP_ENCRYPTION_SHIFT = 10;
const PROP_SPLIT = 1 << 13;
const PROP_VERSION = 1 << 14;

/** Header length of a layout, with or without the 4-byte packet block. */
export function headerLength(version: Jt808Version, split: boolean): number {
  return (version === 2019 ? 17 : 12) + (split ? 4 : 0);
}

/**
 * The header of unescaped header + body. The layout is the one for which header + declared body
 * length is exactly the content length: first the layout bit 14 announces, then the other one, because
 * real terminals set bit 14 with a 2013 header (research pitfall 1). Neither fitting is CODEC_MALFORMED.
 */
export function decodeHeader(content: Uint8Array, warnings: string[] = []): Jt808Header {
  if (content.length < 4)
    throw new CodecError('CODEC_MALFORMED', 'header shorter than message id + body properties', 0);
  const messageId = (content[0]! << 8) | content[1]!;
  const props = (content[2]! << 8) | content[3]!;
  const bodyLength = props & PROP_LENGTH_MASK;
  const split = (props & PROP_SPLIT) !== 0;
  const versionFlag = (props & PROP_VERSION) !== 0;
  const announced: Jt808Version = versionFlag ? 2019 : 2013;
  const other: Jt808Version = versionFlag ? 2013 : 2019;
  let version: Jt808Version;
  if (headerLength(announced, split) + bodyLength === content.length) version = announced;
  else if (headerLength(other, split) + bodyLength === content.length) {
    version = other;
    warnings.push(`version flag says ${announced} but the lengths fit a ${other} header; decoded as ${other}`);
  } else {
    throw new CodecError(
      'CODEC_MALFORMED',
      `body length ${bodyLength} does not fit the ${content.length} bytes of header + body under either header layout`,
      2,
    );
  }
  let p = 4;
  let protocolVersion: number | undefined;
  if (version === 2019) protocolVersion = content[p++]!;
  const phoneBytes = version === 2019 ? 10 : 6;
  const phone = decodeBcd(content.subarray(p, p + phoneBytes));
  p += phoneBytes;
  const serial = (content[p]! << 8) | content[p + 1]!;
  p += 2;
  const header: Jt808Header = {
    messageId,
    bodyLength,
    encryption: (props >> PROP_ENCRYPTION_SHIFT) & 0x07,
    versionFlag,
    version,
    phone,
    serial,
    headerLength: headerLength(version, split),
  };
  if (protocolVersion !== undefined) header.protocolVersion = protocolVersion;
  if (split)
    header.packet = { total: (content[p]! << 8) | content[p + 1]!, seq: (content[p + 2]! << 8) | content[p + 3]! };
  return header;
}

export interface HeaderInput {
  messageId: number;
  bodyLength: number;
  /** Default 2013. */
  version?: Jt808Version;
  /** 2019 only; default 1 (the 2019 edition). */
  protocolVersion?: number;
  /** Decimal digits; left-padded with 0, surplus leading zeros dropped (see encodeBcd). */
  phone: string;
  serial: number;
  packet?: PacketInfo;
}

/** Header bytes for an unencrypted message; bit 14 is set exactly for the 2019 layout. */
export function encodeHeader(h: HeaderInput): Uint8Array {
  const version = h.version ?? 2013;
  checkUint(h.bodyLength, PROP_LENGTH_MASK, 'body length');
  const props = h.bodyLength | (h.packet ? PROP_SPLIT : 0) | (version === 2019 ? PROP_VERSION : 0);
  const w = new ByteWriter().u16(h.messageId, 'message id').u16(props, 'body properties');
  if (version === 2019) w.u8(h.protocolVersion ?? 1, 'protocol version');
  w.bytes(encodeBcd(h.phone, version === 2019 ? 10 : 6, 'phone')).u16(h.serial, 'serial');
  if (h.packet) w.u16(h.packet.total, 'packet total').u16(h.packet.seq, 'packet seq');
  return w.toBytes();
}
