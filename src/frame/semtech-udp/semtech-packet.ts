/**
 * The Semtech UDP packet-forwarder protocol ("GWMP"), versions 1 and 2, as every LoRa gateway
 * running Lora-net/packet_forwarder or sx1302_hal's lora_pkt_fwd speaks it (PROTOCOL.TXT,
 * packet_forwarder/PROTOCOL.md). Pure: bytes in, typed values out, and back.
 *
 *   byte 0      protocol version (1 or 2; same layout in both)
 *   bytes 1-2   token, big-endian here (the gateway only echoes the two bytes)
 *   byte 3      identifier: 0x00 PUSH_DATA · 0x01 PUSH_ACK · 0x02 PULL_DATA · 0x03 PULL_RESP
 *               0x04 PULL_ACK · 0x05 TX_ACK
 *   bytes 4-11  gateway EUI (PUSH_DATA, PULL_DATA, TX_ACK only)
 *   rest        JSON: {"rxpk":[…],"stat":{…}} (PUSH_DATA, from byte 12), {"txpk":{…}} (PULL_RESP,
 *               from byte 4), optional {"txpk_ack":{…}} (TX_ACK, from byte 12)
 *
 * Where the documents leave room, this codec decides (and the tests pin down):
 * - rxpk `chan` and `rfch` are optional and get no default: every known forwarder writes them, and a
 *   made-up 0 would be indistinguishable from a real IF channel or RF chain 0.
 * - rxpk `time` may have 0 to 9 fraction digits (forwarders write 6; some single-channel ones none)
 *   and `Z` or a numeric offset; `time` is whole Unix milliseconds, `timeIso` keeps the text and its
 *   microseconds. A time that does not parse refuses that rxpk entry.
 * - `data` is base64 in either alphabet (`+/` or `-_`, mixed: the document's own first rxpk example
 *   has both), padding optional (its examples are unpadded); any other character, a misplaced `=` or
 *   an impossible length refuses it. Encoding writes the standard alphabet, padded.
 * - One bad rxpk entry becomes an `{ ok: false }` result beside the good ones; a bad `stat` object,
 *   a bad txpk or a bad txpk_ack refuses the whole datagram (there is nothing else in it to keep).
 * - A PULL_RESP txpk needs what lora_pkt_fwd needs to transmit (else the gateway drops it without a
 *   TX_ACK): `imme: true`, `tmst` or `tmms`; `freq`, `rfch`, `modu`, `datr`, `size`, `data`; `codr`
 *   (4/5..4/8, or the aliases 2/3 and 1/2) for LoRa; `fdev` for FSK.
 * - TX_ACK: no JSON, `{}`, no `error`, `"error":""` and `"error":"NONE"` all mean success (null);
 *   `warn`/`value` (TX_POWER since protocol v1.5: sent at a lower power) are accepted and not kept.
 * - NUL bytes after the JSON are dropped: some forwarders send the C string's terminator (a Kerlink
 *   TX_ACK is the 12-byte header plus one 0x00).
 * - The fixed-size packets (PUSH_ACK, PULL_ACK, PULL_DATA) must be exactly their size.
 * - Payloads (`size`) are at most 255 bytes, the concentrator's buffer and LoRa's maximum.
 */
import { SemtechPacketError, type SemtechErrorCode } from './semtech-packet-error.js';

/** The largest UDP payload over IPv4 (65,535 − 8 UDP header − 20 IP header), in bytes. */
export const SEMTECH_MAX_DATAGRAM_BYTES = 65_507;
/** Most rxpk entries accepted in one PUSH_DATA; lora_pkt_fwd sends at most 255 (NB_PKT_MAX). */
export const SEMTECH_MAX_RXPK = 256;
/** Largest radio payload (rxpk/txpk `size`), in bytes. */
export const SEMTECH_MAX_PAYLOAD_BYTES = 255;

export type SemtechVersion = 1 | 2;
export type SemtechPacketType = 'PUSH_DATA' | 'PUSH_ACK' | 'PULL_DATA' | 'PULL_RESP' | 'PULL_ACK' | 'TX_ACK';

/** Byte 3 of each packet type. */
export const SEMTECH_IDENTIFIERS: Readonly<Record<SemtechPacketType, number>> = {
  PUSH_DATA: 0x00,
  PUSH_ACK: 0x01,
  PULL_DATA: 0x02,
  PULL_RESP: 0x03,
  PULL_ACK: 0x04,
  TX_ACK: 0x05,
};
const TYPE_BY_IDENTIFIER: readonly SemtechPacketType[] = [
  'PUSH_DATA',
  'PUSH_ACK',
  'PULL_DATA',
  'PULL_RESP',
  'PULL_ACK',
  'TX_ACK',
];

/** Why a gateway refused a downlink. `NONE` is not here: it parses as `error: null`. */
export type TxAckError =
  'TOO_LATE' | 'TOO_EARLY' | 'COLLISION_PACKET' | 'COLLISION_BEACON' | 'TX_FREQ' | 'TX_POWER' | 'GPS_UNLOCKED';
/** TX_POWER was an error up to protocol v1.4 and is a warning since v1.5; older gateways still send it as an error. */
export const TX_ACK_ERRORS: readonly TxAckError[] = [
  'TOO_LATE',
  'TOO_EARLY',
  'COLLISION_PACKET',
  'COLLISION_BEACON',
  'TX_FREQ',
  'TX_POWER',
  'GPS_UNLOCKED',
];

export type Modulation = 'LORA' | 'FSK';
/** CRC status of a received packet: 1 CRC OK, −1 CRC failed, 0 no CRC. */
export type CrcStatus = 1 | 0 | -1;

/** One packet a gateway received (an rxpk entry), with its radio metadata. */
export interface Rxpk {
  /** Reception time, whole Unix milliseconds (UTC); only from GPS-synchronised gateways. */
  readonly time?: number;
  /** `time` as sent (ISO 8601, usually microseconds, e.g. "2013-03-31T16:21:17.528002Z"). */
  readonly timeIso?: string;
  /** Reception time as GPS milliseconds since 1980-01-06 00:00:00 (no leap seconds). */
  readonly tmms?: number;
  /** Concentrator counter at "RX finished", µs; 32-bit unsigned, wraps every ~71.6 minutes. */
  readonly tmst: number;
  /** Centre frequency, MHz. */
  readonly freq: number;
  /** Concentrator IF channel; absent when the gateway did not say. */
  readonly chan?: number;
  /** Concentrator RF chain; absent when the gateway did not say. */
  readonly rfch?: number;
  readonly stat: CrcStatus;
  readonly modu: Modulation;
  /** LoRa: "SF<5..12>BW<125|250|500>" (see loraDataRate); FSK: bit rate in bit/s. */
  readonly datr: string | number;
  /** LoRa coding rate as sent, e.g. "4/5". */
  readonly codr?: string;
  /** RSSI of the channel, dBm. */
  readonly rssi: number;
  /** RSSI of the signal, dBm (sx1302 gateways). */
  readonly rssis?: number;
  /** LoRa SNR, dB. */
  readonly lsnr?: number;
  /** LoRa frequency offset, Hz. */
  readonly foff?: number;
  /** Payload length in bytes; always `data.length`. */
  readonly size: number;
  /** The PHYPayload. */
  readonly data: Uint8Array;
}

/** An rxpk entry: parsed, or refused on its own without losing its neighbours. */
export type RxpkResult =
  | { readonly ok: true; readonly rxpk: Rxpk }
  | { readonly ok: false; readonly code: SemtechErrorCode; readonly message: string; readonly field?: string };

/** The gateway's periodic status report (`stat`). Every field is optional. */
export interface GatewayStat {
  /** Gateway system time as sent (the documents use "2014-01-12 08:59:28 GMT"); not parsed. */
  readonly time?: string;
  /** Latitude, degrees (north positive). */
  readonly lati?: number;
  /** Longitude, degrees (east positive). */
  readonly long?: number;
  /** Altitude, metres. */
  readonly alti?: number;
  /** Radio packets received. */
  readonly rxnb?: number;
  /** Radio packets received with a valid PHY CRC. */
  readonly rxok?: number;
  /** Radio packets forwarded. */
  readonly rxfw?: number;
  /** Percentage of upstream datagrams acknowledged. */
  readonly ackr?: number;
  /** Downlink datagrams received. */
  readonly dwnb?: number;
  /** Packets emitted. */
  readonly txnb?: number;
  /** Temperature, °C. */
  readonly temp?: number;
}

/**
 * A packet for the gateway to transmit (PULL_RESP's txpk). `size` is not a field: encoding writes
 * `data.length`, and parsing refuses a `size` that disagrees with `data`.
 */
export interface Txpk {
  /** Send at once (ignores tmst and tmms). */
  readonly imme?: boolean;
  /** Send when the concentrator counter reaches this value, µs (u32). */
  readonly tmst?: number;
  /** Send at this GPS time, ms since 1980-01-06 (needs a GPS-locked gateway). */
  readonly tmms?: number;
  /** Centre frequency, MHz. */
  readonly freq: number;
  /** RF chain to transmit on. */
  readonly rfch: number;
  /** Output power, dBm (gateway default when absent). */
  readonly powe?: number;
  readonly modu: Modulation;
  /** LoRa: "SF<5..12>BW<125|250|500>"; FSK: bit rate in bit/s. */
  readonly datr: string | number;
  /** LoRa coding rate ("4/5".."4/8"); required for LoRa. */
  readonly codr?: string;
  /** FSK frequency deviation, Hz; required for FSK. */
  readonly fdev?: number;
  /** Invert LoRa IQ polarity (true for LoRaWAN downlinks). */
  readonly ipol?: boolean;
  /** Preamble length, symbols (gateway default when absent). */
  readonly prea?: number;
  /** The PHYPayload to send. */
  readonly data: Uint8Array;
  /** Send without a PHY CRC (LoRaWAN downlinks have none). */
  readonly ncrc?: boolean;
}

export type SemtechPacket =
  | {
      readonly type: 'PUSH_DATA';
      readonly version: SemtechVersion;
      readonly token: number;
      readonly gatewayEui: string;
      readonly rxpk: readonly RxpkResult[];
      readonly stat?: GatewayStat;
    }
  | { readonly type: 'PUSH_ACK'; readonly version: SemtechVersion; readonly token: number }
  | {
      readonly type: 'PULL_DATA';
      readonly version: SemtechVersion;
      readonly token: number;
      readonly gatewayEui: string;
    }
  | { readonly type: 'PULL_ACK'; readonly version: SemtechVersion; readonly token: number }
  | { readonly type: 'PULL_RESP'; readonly version: SemtechVersion; readonly token: number; readonly txpk: Txpk }
  /** `error` null: the downlink was accepted ("NONE", no error field, or no JSON at all). */
  | {
      readonly type: 'TX_ACK';
      readonly version: SemtechVersion;
      readonly token: number;
      readonly gatewayEui: string;
      readonly error: TxAckError | null;
    };

const HEADER_BYTES = 4;
const EUI_BYTES = 8;
const HEADER_WITH_EUI_BYTES = HEADER_BYTES + EUI_BYTES;
const MAX_U32 = 0xffff_ffff;

const LORA_DATR = /^SF(5|6|7|8|9|10|11|12)BW(125|250|500)$/;
/** Coding rates lora_pkt_fwd accepts in a txpk; "2/3" and "1/2" are its aliases of 4/6 and 4/8. */
const TXPK_LORA_CODING_RATES: ReadonlySet<string> = new Set(['4/5', '4/6', '4/7', '4/8', '2/3', '1/2']);

/** Spreading factor and bandwidth of a LoRa `datr` such as "SF12BW125"; undefined for anything else. */
export function loraDataRate(datr: string): { spreadingFactor: number; bandwidthKHz: number } | undefined {
  const m = LORA_DATR.exec(datr);
  if (m === null) return undefined;
  return { spreadingFactor: Number(m[1]), bandwidthKHz: Number(m[2]) };
}

// ---------------------------------------------------------------------------------------------
// Parsing

/**
 * Reads one datagram. Byte arrays in the result are copies. Throws only SemtechPacketError about the
 * bytes (a non-Uint8Array argument is a TypeError): SEMTECH_TOO_LARGE, SEMTECH_TOO_SHORT,
 * SEMTECH_BAD_VERSION, SEMTECH_UNKNOWN_IDENTIFIER, SEMTECH_TRAILING_BYTES, SEMTECH_BAD_JSON,
 * SEMTECH_BAD_STAT, SEMTECH_BAD_TXPK, SEMTECH_BAD_TX_ACK. A bad rxpk entry does not throw: it is an
 * `{ ok: false, code: 'SEMTECH_BAD_RXPK' }` result in `rxpk`.
 */
export function parseSemtechPacket(bytes: Uint8Array): SemtechPacket {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('a Semtech UDP packet must be a Uint8Array');
  const n = bytes.length;
  if (n > SEMTECH_MAX_DATAGRAM_BYTES) {
    throw new SemtechPacketError(
      'SEMTECH_TOO_LARGE',
      `datagram has ${n} bytes; UDP carries at most ${SEMTECH_MAX_DATAGRAM_BYTES}`,
    );
  }
  if (n < HEADER_BYTES)
    throw new SemtechPacketError(
      'SEMTECH_TOO_SHORT',
      `datagram has ${n} bytes; the header needs ${HEADER_BYTES}`,
      'header',
    );
  const version = bytes[0]!;
  if (version !== 1 && version !== 2) {
    throw new SemtechPacketError('SEMTECH_BAD_VERSION', `protocol version ${version} is not 1 or 2`, 'version');
  }
  const token = (bytes[1]! << 8) | bytes[2]!;
  const identifier = bytes[3]!;
  const type = TYPE_BY_IDENTIFIER[identifier];
  if (type === undefined) {
    throw new SemtechPacketError(
      'SEMTECH_UNKNOWN_IDENTIFIER',
      `identifier 0x${hexByte(identifier)} is not a packet type (0x00..0x05)`,
      'identifier',
    );
  }
  switch (type) {
    case 'PUSH_ACK':
    case 'PULL_ACK':
      expectExactLength(bytes, HEADER_BYTES, type);
      return { type, version, token };
    case 'PULL_DATA':
      expectExactLength(bytes, HEADER_WITH_EUI_BYTES, type);
      return { type, version, token, gatewayEui: readEui(bytes) };
    case 'PUSH_DATA': {
      expectMinLength(bytes, HEADER_WITH_EUI_BYTES, type);
      const root = readJsonObject(bytes, HEADER_WITH_EUI_BYTES, type);
      if (root === undefined)
        throw new SemtechPacketError(
          'SEMTECH_BAD_JSON',
          'PUSH_DATA carries no JSON object after the gateway EUI',
          'json',
        );
      return omitUndefined({
        type,
        version,
        token,
        gatewayEui: readEui(bytes),
        rxpk: readRxpkArray(root),
        stat: readStatMember(root),
      });
    }
    case 'PULL_RESP': {
      const root = readJsonObject(bytes, HEADER_BYTES, type);
      if (root === undefined)
        throw new SemtechPacketError('SEMTECH_BAD_JSON', 'PULL_RESP carries no JSON object after the header', 'json');
      const txpk = own(root, 'txpk');
      if (txpk === undefined)
        throw new SemtechPacketError('SEMTECH_BAD_TXPK', 'PULL_RESP JSON has no txpk object', 'txpk');
      return { type, version, token, txpk: readTxpk(txpk) };
    }
    case 'TX_ACK': {
      expectMinLength(bytes, HEADER_WITH_EUI_BYTES, type);
      const root = readJsonObject(bytes, HEADER_WITH_EUI_BYTES, type);
      return {
        type,
        version,
        token,
        gatewayEui: readEui(bytes),
        error: root === undefined ? null : readTxAckError(root),
      };
    }
  }
}

function expectMinLength(bytes: Uint8Array, min: number, type: SemtechPacketType): void {
  if (bytes.length < min) {
    throw new SemtechPacketError(
      'SEMTECH_TOO_SHORT',
      `${type} has ${bytes.length} bytes; it needs at least ${min} (header and gateway EUI)`,
      'header',
    );
  }
}

function expectExactLength(bytes: Uint8Array, size: number, type: SemtechPacketType): void {
  expectMinLength(bytes, size, type);
  if (bytes.length > size) {
    throw new SemtechPacketError('SEMTECH_TRAILING_BYTES', `${type} has ${bytes.length} bytes; it is exactly ${size}`);
  }
}

function readEui(bytes: Uint8Array): string {
  let s = '';
  for (let i = HEADER_BYTES; i < HEADER_WITH_EUI_BYTES; i++) s += hexByte(bytes[i]!);
  return s;
}

function hexByte(b: number): string {
  return b.toString(16).padStart(2, '0');
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The JSON object from `start` on; undefined when there is nothing there (after trailing NULs). */
function readJsonObject(bytes: Uint8Array, start: number, type: SemtechPacketType): JsonObject | undefined {
  let end = bytes.length;
  while (end > start && bytes[end - 1] === 0) end--;
  let text: string;
  try {
    text = UTF8.decode(bytes.subarray(start, end));
  } catch {
    throw new SemtechPacketError('SEMTECH_BAD_JSON', `${type} JSON is not valid UTF-8`, 'json');
  }
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SemtechPacketError('SEMTECH_BAD_JSON', `${type} JSON does not parse: ${(e as Error).message}`, 'json');
  }
  if (!isObject(value))
    throw new SemtechPacketError('SEMTECH_BAD_JSON', `${type} JSON must be an object, got ${describe(value)}`, 'json');
  return value;
}

function readRxpkArray(root: JsonObject): RxpkResult[] {
  const list = own(root, 'rxpk');
  if (list === undefined) return [];
  if (!Array.isArray(list))
    throw new SemtechPacketError('SEMTECH_BAD_JSON', `rxpk must be an array, got ${describe(list)}`, 'rxpk');
  if (list.length > SEMTECH_MAX_RXPK) {
    throw new SemtechPacketError(
      'SEMTECH_TOO_LARGE',
      `rxpk has ${list.length} entries; at most ${SEMTECH_MAX_RXPK} are accepted`,
      'rxpk',
    );
  }
  return list.map((entry: unknown, i): RxpkResult => {
    try {
      return { ok: true, rxpk: readRxpk(entry, `rxpk[${i}]`) };
    } catch (e) {
      if (!(e instanceof SemtechPacketError)) throw e;
      return omitUndefined({ ok: false as const, code: e.code, message: e.message, field: e.field });
    }
  });
}

function readStatMember(root: JsonObject): GatewayStat | undefined {
  const stat = own(root, 'stat');
  return stat === undefined ? undefined : readStat(stat);
}

function readRxpk(value: unknown, path: string): Rxpk {
  const r = reader(value, 'SEMTECH_BAD_RXPK', path, 'rxpk');
  const timeIso = r.optional('time', isString, 'a string');
  let time: number | undefined;
  if (timeIso !== undefined) {
    time = parseUtcTime(timeIso);
    if (time === undefined) r.fail('time', 'must be an ISO 8601 time such as "2013-03-31T16:21:17.528002Z"', timeIso);
  }
  const modu = r.required('modu', isModulation, '"LORA" or "FSK"');
  const size = r.required('size', isPayloadSize, `an integer in 0..${SEMTECH_MAX_PAYLOAD_BYTES}`);
  return omitUndefined({
    time,
    timeIso,
    tmms: r.optional('tmms', isUint, 'a non-negative integer (GPS ms)'),
    tmst: r.required('tmst', isU32, `an integer in 0..${MAX_U32} (µs)`),
    freq: r.required('freq', isPositive, 'a positive number (MHz)'),
    chan: r.optional('chan', isUint, 'a non-negative integer'),
    rfch: r.optional('rfch', isUint, 'a non-negative integer'),
    stat: r.required('stat', isCrcStatus, '1, 0 or -1'),
    modu,
    datr: readDatr(r, modu),
    codr: r.optional('codr', isNonEmptyString, 'a non-empty string'),
    rssi: r.required('rssi', isFiniteNumber, 'a number (dBm)'),
    rssis: r.optional('rssis', isFiniteNumber, 'a number (dBm)'),
    lsnr: r.optional('lsnr', isFiniteNumber, 'a number (dB)'),
    foff: r.optional('foff', isFiniteNumber, 'a number (Hz)'),
    size,
    data: readData(r, size),
  });
}

function readStat(value: unknown): GatewayStat {
  const r = reader(value, 'SEMTECH_BAD_STAT', 'stat', 'stat');
  const num = (key: string): number | undefined => r.optional(key, isFiniteNumber, 'a number');
  return omitUndefined({
    time: r.optional('time', isString, 'a string'),
    lati: num('lati'),
    long: num('long'),
    alti: num('alti'),
    rxnb: num('rxnb'),
    rxok: num('rxok'),
    rxfw: num('rxfw'),
    ackr: num('ackr'),
    dwnb: num('dwnb'),
    txnb: num('txnb'),
    temp: num('temp'),
  });
}

function readTxpk(value: unknown): Txpk {
  const r = reader(value, 'SEMTECH_BAD_TXPK', 'txpk', 'txpk');
  const imme = r.optional('imme', isBoolean, 'a boolean');
  const tmst = r.optional('tmst', isU32, `an integer in 0..${MAX_U32} (µs)`);
  const tmms = r.optional('tmms', isUint, 'a non-negative integer (GPS ms)');
  if (imme !== true && tmst === undefined && tmms === undefined) {
    throw new SemtechPacketError(
      'SEMTECH_BAD_TXPK',
      'txpk says neither when to send (imme true, tmst or tmms)',
      'txpk.tmst',
    );
  }
  const modu = r.required('modu', isModulation, '"LORA" or "FSK"');
  const size = r.required('size', isPayloadSize, `an integer in 0..${SEMTECH_MAX_PAYLOAD_BYTES}`);
  return omitUndefined({
    imme,
    tmst,
    tmms,
    freq: r.required('freq', isPositive, 'a positive number (MHz)'),
    rfch: r.required('rfch', isUint, 'a non-negative integer'),
    powe: r.optional('powe', isInteger, 'an integer (dBm)'),
    modu,
    datr: readDatr(r, modu),
    codr:
      modu === 'LORA'
        ? r.required(
            'codr',
            (v): v is string => typeof v === 'string' && TXPK_LORA_CODING_RATES.has(v),
            'a LoRa coding rate ("4/5", "4/6", "4/7" or "4/8")',
          )
        : r.optional('codr', isNonEmptyString, 'a non-empty string'),
    fdev:
      modu === 'FSK'
        ? r.required('fdev', isUint, 'a non-negative integer (Hz)')
        : r.optional('fdev', isUint, 'a non-negative integer (Hz)'),
    ipol: r.optional('ipol', isBoolean, 'a boolean'),
    prea: r.optional('prea', (v): v is number => isUint(v) && v <= 0xffff, 'an integer in 0..65535 (symbols)'),
    data: readData(r, size),
    ncrc: r.optional('ncrc', isBoolean, 'a boolean'),
  });
}

function readTxAckError(root: JsonObject): TxAckError | null {
  const ack = own(root, 'txpk_ack');
  if (ack === undefined) return null;
  const r = reader(ack, 'SEMTECH_BAD_TX_ACK', 'txpk_ack', 'txpk_ack');
  const error = r.optional('error', isString, 'a string');
  if (error === undefined || error === '' || error === 'NONE') return null;
  if (!(TX_ACK_ERRORS as readonly string[]).includes(error))
    r.fail('error', `must be NONE or one of ${TX_ACK_ERRORS.join(', ')}`, error);
  return error as TxAckError;
}

function readDatr(r: Reader, modu: Modulation): string | number {
  return modu === 'LORA'
    ? r.required(
        'datr',
        (v): v is string => typeof v === 'string' && LORA_DATR.test(v),
        'a LoRa data rate "SF<5..12>BW<125|250|500>"',
      )
    : r.required('datr', (v): v is number => isUint(v) && v > 0, 'an FSK bit rate (a positive integer, bit/s)');
}

function readData(r: Reader, size: number): Uint8Array {
  const text = r.required('data', isString, 'a base64 string');
  const data = decodeBase64(text);
  if (data === undefined) r.fail('data', 'must be base64', text);
  if (data.length !== size) {
    throw new SemtechPacketError(
      r.code,
      `${r.path}.size ${size} does not match the ${data.length} bytes of ${r.path}.data`,
      `${r.kind}.size`,
    );
  }
  return data;
}

// ---------------------------------------------------------------------------------------------
// Encoding

/**
 * Writes one datagram. Refuses, with the SemtechPacketError parsing would raise, anything the parser
 * would refuse, so that parseSemtechPacket(encodeSemtechPacket(p)) always gives `p` back; also
 * SEMTECH_BAD_HEADER for a token or EUI out of range, and SEMTECH_BAD_RXPK for an rxpk entry that is
 * an `{ ok: false }` result. Writes data in padded standard base64, `size` = data.length, and only
 * the fields that are defined.
 */
export function encodeSemtechPacket(p: SemtechPacket): Uint8Array {
  const identifier = (SEMTECH_IDENTIFIERS as Record<string, number | undefined>)[p.type];
  if (identifier === undefined)
    throw new SemtechPacketError('SEMTECH_UNKNOWN_IDENTIFIER', `${String(p.type)} is not a packet type`, 'identifier');
  if (p.version !== 1 && p.version !== 2)
    throw new SemtechPacketError(
      'SEMTECH_BAD_VERSION',
      `protocol version ${String(p.version)} is not 1 or 2`,
      'version',
    );
  if (!isInteger(p.token) || p.token < 0 || p.token > 0xffff) {
    throw new SemtechPacketError(
      'SEMTECH_BAD_HEADER',
      `token must be an integer in 0..65535, got ${describe(p.token)}`,
      'token',
    );
  }
  let eui: string | undefined;
  let json: unknown;
  switch (p.type) {
    case 'PUSH_ACK':
    case 'PULL_ACK':
      break;
    case 'PULL_DATA':
      eui = p.gatewayEui;
      break;
    case 'PUSH_DATA':
      eui = p.gatewayEui;
      json = pushDataJson(p.rxpk, p.stat);
      break;
    case 'PULL_RESP':
      json = { txpk: txpkJson(p.txpk) };
      break;
    case 'TX_ACK':
      eui = p.gatewayEui;
      json = txAckJson(p.error);
      break;
  }
  const body = json === undefined ? undefined : Buffer.from(JSON.stringify(json), 'utf8');
  const length = HEADER_BYTES + (eui === undefined ? 0 : EUI_BYTES) + (body?.length ?? 0);
  if (length > SEMTECH_MAX_DATAGRAM_BYTES) {
    throw new SemtechPacketError(
      'SEMTECH_TOO_LARGE',
      `${p.type} would have ${length} bytes; UDP carries at most ${SEMTECH_MAX_DATAGRAM_BYTES}`,
    );
  }
  const out = new Uint8Array(length);
  out[0] = p.version;
  out[1] = p.token >>> 8;
  out[2] = p.token & 0xff;
  out[3] = identifier;
  let at = HEADER_BYTES;
  if (eui !== undefined) {
    writeEui(out, eui);
    at += EUI_BYTES;
  }
  if (body !== undefined) out.set(body, at);
  return out;
}

const EUI_HEX = /^[0-9a-fA-F]{16}$/;

function writeEui(out: Uint8Array, eui: string): void {
  if (typeof eui !== 'string' || !EUI_HEX.test(eui)) {
    throw new SemtechPacketError(
      'SEMTECH_BAD_HEADER',
      `gateway EUI must be 16 hex digits, got ${describe(eui)}`,
      'gatewayEui',
    );
  }
  for (let i = 0; i < EUI_BYTES; i++) out[HEADER_BYTES + i] = parseInt(eui.slice(2 * i, 2 * i + 2), 16);
}

function pushDataJson(entries: readonly RxpkResult[], stat: GatewayStat | undefined): JsonObject {
  if (!Array.isArray(entries))
    throw new SemtechPacketError('SEMTECH_BAD_JSON', 'PUSH_DATA rxpk must be an array', 'rxpk');
  if (entries.length > SEMTECH_MAX_RXPK) {
    throw new SemtechPacketError(
      'SEMTECH_TOO_LARGE',
      `rxpk has ${entries.length} entries; at most ${SEMTECH_MAX_RXPK} are accepted`,
      'rxpk',
    );
  }
  const root: JsonObject = {};
  if (entries.length > 0) {
    root['rxpk'] = entries.map((entry, i) => {
      if (!entry.ok) {
        throw new SemtechPacketError(
          'SEMTECH_BAD_RXPK',
          `rxpk[${i}] is a refused entry (${entry.message}) and cannot be encoded`,
          'rxpk',
        );
      }
      return rxpkJson(entry.rxpk, `rxpk[${i}]`);
    });
  }
  if (stat !== undefined) {
    const wire = statJson(stat);
    readStat(wire);
    root['stat'] = wire;
  }
  return root;
}

function rxpkJson(x: Rxpk, path: string): JsonObject {
  if (x.time !== undefined && !(isInteger(x.time) && Math.abs(x.time) <= MAX_DATE_MS)) {
    throw new SemtechPacketError(
      'SEMTECH_BAD_RXPK',
      `${path}.time must be whole Unix milliseconds, got ${describe(x.time)}`,
      'rxpk.time',
    );
  }
  const timeText = x.timeIso ?? (x.time === undefined ? undefined : formatUtcTime(x.time));
  const wire = omitUndefined({
    time: timeText,
    tmms: x.tmms,
    tmst: x.tmst,
    chan: x.chan,
    rfch: x.rfch,
    freq: x.freq,
    stat: x.stat,
    modu: x.modu,
    datr: x.datr,
    codr: x.codr,
    rssi: x.rssi,
    rssis: x.rssis,
    lsnr: x.lsnr,
    foff: x.foff,
    size: x.size,
    data: encodeBase64(x.data, 'SEMTECH_BAD_RXPK', path, 'rxpk'),
  });
  const back = readRxpk(wire, path);
  if (x.time !== undefined && back.time !== x.time) {
    throw new SemtechPacketError(
      'SEMTECH_BAD_RXPK',
      `${path}.time ${describe(x.time)} disagrees with ${path}.timeIso ${describe(x.timeIso)} (` +
        `${describe(back.time)} ms)`,
      'rxpk.time',
    );
  }
  return wire;
}

function statJson(s: GatewayStat): JsonObject {
  if (!isObject(s))
    throw new SemtechPacketError('SEMTECH_BAD_STAT', `stat must be an object, got ${describe(s)}`, 'stat');
  return omitUndefined({
    time: s.time,
    lati: s.lati,
    long: s.long,
    alti: s.alti,
    rxnb: s.rxnb,
    rxok: s.rxok,
    rxfw: s.rxfw,
    ackr: s.ackr,
    dwnb: s.dwnb,
    txnb: s.txnb,
    temp: s.temp,
  });
}

function txpkJson(t: Txpk): JsonObject {
  if (!isObject(t))
    throw new SemtechPacketError('SEMTECH_BAD_TXPK', `txpk must be an object, got ${describe(t)}`, 'txpk');
  const data = encodeBase64(t.data, 'SEMTECH_BAD_TXPK', 'txpk', 'txpk');
  const wire = omitUndefined({
    imme: t.imme,
    tmst: t.tmst,
    tmms: t.tmms,
    freq: t.freq,
    rfch: t.rfch,
    powe: t.powe,
    modu: t.modu,
    datr: t.datr,
    codr: t.codr,
    fdev: t.fdev,
    ipol: t.ipol,
    prea: t.prea,
    size: t.data.length,
    data,
    ncrc: t.ncrc,
  });
  readTxpk(wire);
  return wire;
}

function txAckJson(error: TxAckError | null): JsonObject | undefined {
  if (error === null) return undefined;
  if (!TX_ACK_ERRORS.includes(error)) {
    throw new SemtechPacketError(
      'SEMTECH_BAD_TX_ACK',
      `txpk_ack.error must be null or one of ${TX_ACK_ERRORS.join(', ')}, got ${describe(error)}`,
      'txpk_ack.error',
    );
  }
  return { txpk_ack: { error } };
}

// ---------------------------------------------------------------------------------------------
// Field readers

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An own member only: JSON.parse makes plain objects, and inherited names are never fields. */
function own(o: JsonObject, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

interface Reader {
  readonly code: SemtechErrorCode;
  /** Where the object sits, for messages: "rxpk[2]", "txpk". */
  readonly path: string;
  /** The object's kind, for `field`: "rxpk", "txpk", "stat", "txpk_ack". */
  readonly kind: string;
  required<T>(key: string, check: (v: unknown) => v is T, expected: string): T;
  optional<T>(key: string, check: (v: unknown) => v is T, expected: string): T | undefined;
  fail(key: string, expected: string, got: unknown): never;
}

function reader(value: unknown, code: SemtechErrorCode, path: string, kind: string): Reader {
  if (!isObject(value)) throw new SemtechPacketError(code, `${path} must be an object, got ${describe(value)}`, kind);
  const o = value;
  const r: Reader = {
    code,
    path,
    kind,
    fail(key, expected, got) {
      throw new SemtechPacketError(code, `${path}.${key} must be ${expected}, got ${describe(got)}`, `${kind}.${key}`);
    },
    required(key, check, expected) {
      const v = own(o, key);
      if (v === undefined)
        throw new SemtechPacketError(code, `${path}.${key} is required (${expected})`, `${kind}.${key}`);
      if (!check(v)) r.fail(key, expected, v);
      return v;
    },
    optional(key, check, expected) {
      const v = own(o, key);
      if (v === undefined) return undefined;
      if (!check(v)) r.fail(key, expected, v);
      return v;
    },
  };
  return r;
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}
function isNonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}
function isBoolean(v: unknown): v is boolean {
  return typeof v === 'boolean';
}
function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
function isPositive(v: unknown): v is number {
  return isFiniteNumber(v) && v > 0;
}
function isInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}
function isUint(v: unknown): v is number {
  return isInteger(v) && v >= 0;
}
function isU32(v: unknown): v is number {
  return isUint(v) && v <= MAX_U32;
}
function isPayloadSize(v: unknown): v is number {
  return isUint(v) && v <= SEMTECH_MAX_PAYLOAD_BYTES;
}
function isCrcStatus(v: unknown): v is CrcStatus {
  return v === 1 || v === 0 || v === -1;
}
function isModulation(v: unknown): v is Modulation {
  return v === 'LORA' || v === 'FSK';
}

/**
 * A short rendering of a value for error messages. Arrays and objects are named, not rendered: a
 * datagram can nest them thousands deep, and rendering recurses (a stack overflow is no SemtechPacketError).
 */
function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object' && v !== null) return 'an object';
  const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return s.length > 48 ? `${s.slice(0, 45)}...` : s;
}

/** The same object without its undefined members, so optional fields are absent rather than undefined. */
function omitUndefined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

// ---------------------------------------------------------------------------------------------
// Base64 and time

const BASE64_BODY = /^[A-Za-z0-9+/_-]*$/;

/** Base64 in either alphabet, padding optional; undefined for anything else. */
function decodeBase64(text: string): Uint8Array | undefined {
  let body = text;
  let pad = 0;
  while (pad < 2 && body.endsWith('=')) {
    body = body.slice(0, -1);
    pad++;
  }
  if (!BASE64_BODY.test(body)) return undefined;
  const rest = body.length % 4;
  if (rest === 1) return undefined; // 6 bits cannot end a byte
  if (pad > 0 && rest + pad !== 4) return undefined; // padding must complete the last quantum
  // Node's base64 decoder takes both alphabets; the checks above keep it from skipping anything.
  return new Uint8Array(Buffer.from(body, 'base64'));
}

function encodeBase64(data: unknown, code: SemtechErrorCode, path: string, kind: string): string {
  if (!(data instanceof Uint8Array))
    throw new SemtechPacketError(code, `${path}.data must be a Uint8Array, got ${describe(data)}`, `${kind}.data`);
  return Buffer.from(data.buffer, data.byteOffset, data.length).toString('base64');
}

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whole Unix milliseconds of an RFC 3339 time (fraction truncated); undefined if it is not one. */
function parseUtcTime(text: string): number | undefined {
  const m = ISO_TIME.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  // Second 60 is a leap second: Date rolls it into the next minute, the closest Unix time has.
  if (days === undefined || day < 1 || day > days || hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // not Date.UTC, which maps years 0..99 to 1900..1999
  date.setUTCHours(hour, minute, second, ms);
  let t = date.getTime();
  if (m[8] !== undefined) {
    const offsetHours = Number(m[9]);
    const offsetMinutes = Number(m[10]);
    if (offsetHours > 23 || offsetMinutes > 59) return undefined;
    t -= (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  return t;
}

/** The range of a JavaScript Date, ± Unix milliseconds. */
const MAX_DATE_MS = 8.64e15;

/** Unix milliseconds as the forwarders write rxpk.time: UTC, microsecond digits. */
function formatUtcTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.replace(/\.(\d{3})Z$/, '.$1000Z');
}
