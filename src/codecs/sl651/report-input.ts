import type { Sl651EndChar } from './control-chars.js';
import type { Sl651Direction, Sl651Mode, Sl651Packet, Sl651Value } from './types.js';

/** What the encoders take: the decoded shape, minus what they can work out themselves. */

export interface Sl651ElementInput {
  /** A byte (0x39), '0x39', or an extended '0xff09'. */
  id: string | number;
  /** Number (null = invalid, sent as all 0xFF), F2 text, F3 hex, a 12-value series for F4/F5-FC, or
   *  the N values of a uniform-interval report's element (must then be the body's last element). */
  value: Sl651Value;
  /** Value bytes and decimals of the data definition; default the table's standard definition. */
  bytes?: number;
  decimals?: number;
}

export interface Sl651ObservationInput {
  /** ISO time (whole minutes) written as F0F0; null only for a first group without one. */
  observedAt: string | null;
  elements: readonly Sl651ElementInput[];
}

export interface Sl651BodyInput {
  /** F1F1 station address; defaults to the header's station. */
  bodyStation?: string | null;
  /** Station type letter ('H') or '0xNN'; null or absent: no F1F1 group (a link keep has none). */
  stationTypeCode?: string | null;
  observations?: readonly Sl651ObservationInput[];
}

export interface Sl651ReportInput extends Sl651BodyInput {
  mode?: Sl651Mode;
  direction?: Sl651Direction;
  centre: number;
  station: string;
  password: string;
  functionCode: number;
  serial: number;
  /** ISO time in whole seconds, sent as Beijing time. */
  sentAt: string;
  packet?: Sl651Packet | null;
  endChar?: Sl651EndChar;
}
