import type { Sl651EndChar } from './control-chars.js';

/**
 * The decoded shapes. They are type aliases (not interfaces) of JSON-safe values; optional fields are
 * left out rather than set to undefined, so a decoded message is a JsonObject.
 */

/** A number in the element's unit, null for invalid data (all 0xFF), text for F2, or a series. */
export type Sl651Value = number | string | null | (number | null)[];

export type Sl651Element = {
  /** '0x39'; extended identifiers '0xff09'; null only for an ASCII mnemonic the table lacks. */
  id: string | null;
  key: string;
  name: string;
  unit: string | null;
  value: Sl651Value;
  /** Value bytes and decimals from the data-definition byte (HEX scalars); decimals of an ASCII number. */
  bytes?: number;
  decimals?: number;
  /** Minutes between the values of a uniform-interval series (and 5 for the F4/F5-FC series). */
  stepMin?: number;
  /** Hex of value bytes that are not BCD (value is then null). */
  raw?: string;
};

/** Elements after one F0F0 observation time (null for elements before any F0F0). */
export type Sl651Observation = { observedAt: string | null; elements: Sl651Element[] };

export type Sl651Packet = { total: number; seq: number };

export type Sl651Direction = 'up' | 'down';
export type Sl651Mode = 'hex' | 'ascii';

export type Sl651Message = {
  protocol: 'sl651';
  mode: Sl651Mode;
  functionCode: number;
  type: string;
  direction: Sl651Direction;
  centre: number;
  /** Remote station address: 10 hex digits, opaque (not always BCD). */
  station: string;
  /** 4 hex digits, opaque. */
  password: string;
  endChar: Sl651EndChar;
  /** Total packets and this packet's number (1-based) of a SYN frame; null for a single STX frame. */
  packet: Sl651Packet | null;
  /** Set when a single stray 0x7E after the CRC was dropped (some published samples have one). */
  ignoredTrailingByte?: string;
  serial?: number;
  /** Send time (the station's clock for uplinks, the centre's for replies). */
  sentAt?: string;
  /** The F1F1 station address in the body, its type code (letter) and type name. */
  bodyStation?: string | null;
  stationTypeCode?: string | null;
  stationType?: string | null;
  observations?: Sl651Observation[];
  /** Latest non-null value a key (series: their latest sample), for rules. */
  values?: Record<string, number | string | null>;
  /** A body this codec does not split into fields (after serial and send time when it has them). */
  bodyHex?: string;
  bodyText?: string;
};
