import type { Dlt645Control, Dlt645Direction, Dlt645Function } from './control.js';
import type { Dlt645ErrorName } from './error-word.js';

/**
 * A decoded DL/T 645-2007 frame (JSON-safe). Every kind carries the link fields; `kind` tells the
 * rest apart. Numbers are in the unit the `values` key names (`forwardActiveEnergyKwh`).
 */

/** `values` of a data reply: one key per value, null where the meter sent non-BCD filler. */
export type Dlt645Values = { [key: string]: number | null };

/**
 * A read value: a number, an array for block DIs, null for non-BCD filler, or hex for a DI this codec does not know.
 */
export type Dlt645Value = number | null | (number | null)[] | string;

type Link = {
  protocol: 'dlt645';
  /** 12 hex digits, most significant first: "000000000161". */
  address: string;
  control: Dlt645Control;
  direction: Dlt645Direction;
  function: Dlt645Function;
};

/** 0x11 read (and 0x12 read follow-up with its frame sequence number `seq`). */
export type Dlt645ReadRequest = Link & {
  kind: 'read-request';
  di: string;
  name: string | null;
  unit: string | null;
  seq: number | null;
  /** Bytes after the DI of a 0x11 request (block count, load-record start time), or null. */
  paramsHex: string | null;
};

/** 0x91/0xB1 (and 0x92/0xB2 follow-up) normal reply with data. */
export type Dlt645ReadReply = Link & {
  kind: 'read-reply';
  di: string;
  name: string | null;
  unit: string | null;
  value: Dlt645Value;
  values: Dlt645Values;
  /** The value bytes as sent (offset removed, least significant byte first). */
  dataHex: string;
  seq: number | null;
};

/** Any abnormal reply (D6 = 1, e.g. 0xD1): the error word. */
export type Dlt645ErrorReply = Link & {
  kind: 'error-reply';
  error: { code: number; names: Dlt645ErrorName[] };
};

/** 0x93: the meter's answer to a read-address command. */
export type Dlt645AddressReply = Link & { kind: 'address-reply'; meterAddress: string };

/** 0x08 broadcast time sync: ss mm hh DD MM YY of the master's clock. */
export type Dlt645BroadcastTime = Link & {
  kind: 'broadcast-time';
  /** ISO-8601 UTC, from the meter-local clock (UTC+8 unless told otherwise); null when not a real date. */
  time: string | null;
  clockHex: string;
};

/** 0x14 write: DI, password (PA P0 P1 P2), operator code (C0..C3) and the value. */
export type Dlt645WriteRequest = Link & {
  kind: 'write-request';
  di: string;
  name: string | null;
  unit: string | null;
  passwordHex: string;
  operatorHex: string;
  value: Dlt645Value;
  values: Dlt645Values;
  dataHex: string;
};

/** 0x15 write communication address. */
export type Dlt645WriteAddress = Link & { kind: 'write-address'; newAddress: string };

/** Everything else (write acknowledgements, clear and control commands): the data as hex. */
export type Dlt645Other = Link & { kind: 'other'; dataHex: string };

export type Dlt645Message =
  | Dlt645ReadRequest
  | Dlt645ReadReply
  | Dlt645ErrorReply
  | Dlt645AddressReply
  | Dlt645BroadcastTime
  | Dlt645WriteRequest
  | Dlt645WriteAddress
  | Dlt645Other;
