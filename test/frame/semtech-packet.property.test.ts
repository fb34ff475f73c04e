/**
 * Properties of the Semtech UDP codec: every packet type survives encode then parse unchanged, and
 * parsing anything at all — random bytes, random JSON behind a valid header, truncated packets —
 * either succeeds or throws SemtechPacketError, never another error.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  encodeSemtechPacket,
  parseSemtechPacket,
  SEMTECH_MAX_PAYLOAD_BYTES,
  TX_ACK_ERRORS,
  type GatewayStat,
  type Rxpk,
  type SemtechPacket,
  type Txpk,
} from '../../src/frame/semtech-udp/semtech-packet.js';
import { SEMTECH_ERROR_CODES, SemtechPacketError } from '../../src/frame/semtech-udp/semtech-packet-error.js';
import { toHex } from './helpers.js';

const MAX_U32 = 0xffff_ffff;
/** 9999-12-31T23:59:59.999Z: the last instant a four-digit year can write. */
const LAST_ISO_MS = 253_402_300_799_999;

const version = fc.constantFrom(1 as const, 2 as const);
const token = fc.integer({ min: 0, max: 0xffff });
const gatewayEui = fc.uint8Array({ minLength: 8, maxLength: 8 }).map(toHex);
const payload = fc.uint8Array({ maxLength: SEMTECH_MAX_PAYLOAD_BYTES });
const u32 = fc.integer({ min: 0, max: MAX_U32 });
const uint = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
/** Finite doubles, −0 as 0 (JSON writes −0 as 0). */
const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x));
const positive = fc.double({ min: Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true });
const loraDatr = fc
  .tuple(fc.integer({ min: 5, max: 12 }), fc.constantFrom(125, 250, 500))
  .map(([sf, bw]) => `SF${sf}BW${bw}`);
const fskDatr = fc.integer({ min: 1, max: 1_000_000 });
const modulation = fc.oneof(
  fc.record({ modu: fc.constant('LORA' as const), datr: loraDatr }, { noNullPrototype: true }),
  fc.record({ modu: fc.constant('FSK' as const), datr: fskDatr }, { noNullPrototype: true }),
);

/** time and timeIso as a GPS gateway writes them: the text with microseconds, the number in whole ms. */
const rxTime = fc.tuple(fc.integer({ min: 0, max: LAST_ISO_MS }), fc.integer({ min: 0, max: 999 })).map(([ms, us]) => ({
  time: ms,
  timeIso: new Date(ms).toISOString().replace('Z', `${String(us).padStart(3, '0')}Z`),
}));

const rxpk: fc.Arbitrary<Rxpk> = fc
  .tuple(
    fc.record(
      {
        tmst: u32,
        freq: positive,
        stat: fc.constantFrom(1 as const, 0 as const, -1 as const),
        rssi: finite,
        data: payload,
        tmms: uint,
        chan: uint,
        rfch: uint,
        codr: fc.string({ minLength: 1, maxLength: 8 }),
        rssis: finite,
        lsnr: finite,
        foff: finite,
      },
      { requiredKeys: ['tmst', 'freq', 'stat', 'rssi', 'data'], noNullPrototype: true },
    ),
    modulation,
    fc.option(rxTime, { nil: undefined }),
  )
  .map(([fields, mod, time]) => ({ ...fields, ...mod, ...time, size: fields.data.length }));

const stat: fc.Arbitrary<GatewayStat> = fc.record(
  {
    time: fc.string(),
    lati: finite,
    long: finite,
    alti: finite,
    rxnb: finite,
    rxok: finite,
    rxfw: finite,
    ackr: finite,
    dwnb: finite,
    txnb: finite,
    temp: finite,
  },
  { requiredKeys: [], noNullPrototype: true },
);

const txpk: fc.Arbitrary<Txpk> = fc
  .tuple(
    fc.record(
      {
        imme: fc.boolean(),
        tmst: u32,
        tmms: uint,
        powe: fc.integer({ min: -128, max: 127 }),
        ipol: fc.boolean(),
        prea: fc.integer({ min: 0, max: 0xffff }),
        ncrc: fc.boolean(),
        fdev: fc.integer({ min: 0, max: 200_000 }),
      },
      { requiredKeys: [], noNullPrototype: true },
    ),
    fc.record({ freq: positive, rfch: fc.integer({ min: 0, max: 7 }), data: payload }, { noNullPrototype: true }),
    fc.oneof(
      fc.record(
        {
          modu: fc.constant('LORA' as const),
          datr: loraDatr,
          codr: fc.constantFrom('4/5', '4/6', '4/7', '4/8', '2/3', '1/2'),
        },
        { noNullPrototype: true },
      ),
      fc.record(
        { modu: fc.constant('FSK' as const), datr: fskDatr, fdev: fc.integer({ min: 0, max: 200_000 }) },
        { noNullPrototype: true },
      ),
    ),
  )
  .map(([optional, required, mod]) => ({ ...optional, ...required, ...mod }))
  .filter((t) => t.imme === true || t.tmst !== undefined || t.tmms !== undefined);

const packet: fc.Arbitrary<SemtechPacket> = fc.oneof(
  fc.record(
    {
      type: fc.constant('PUSH_DATA' as const),
      version,
      token,
      gatewayEui,
      rxpk: fc.array(
        rxpk.map((r) => ({ ok: true as const, rxpk: r })),
        { maxLength: 6 },
      ),
      stat,
    },
    { requiredKeys: ['type', 'version', 'token', 'gatewayEui', 'rxpk'], noNullPrototype: true },
  ),
  fc.record({ type: fc.constant('PUSH_ACK' as const), version, token }, { noNullPrototype: true }),
  fc.record({ type: fc.constant('PULL_DATA' as const), version, token, gatewayEui }, { noNullPrototype: true }),
  fc.record({ type: fc.constant('PULL_ACK' as const), version, token }, { noNullPrototype: true }),
  fc.record({ type: fc.constant('PULL_RESP' as const), version, token, txpk }, { noNullPrototype: true }),
  fc.record(
    {
      type: fc.constant('TX_ACK' as const),
      version,
      token,
      gatewayEui,
      error: fc.constantFrom(null, ...TX_ACK_ERRORS),
    },
    { noNullPrototype: true },
  ),
);

/** Parses, and fails the property on any error but a SemtechPacketError. */
function parsesOrRefuses(bytes: Uint8Array): void {
  try {
    const p = parseSemtechPacket(bytes);
    if (p.type === 'PUSH_DATA') {
      for (const r of p.rxpk) if (!r.ok) expect(SEMTECH_ERROR_CODES).toContain(r.code);
    }
  } catch (e) {
    if (!(e instanceof SemtechPacketError)) throw e;
    expect(SEMTECH_ERROR_CODES).toContain(e.code);
  }
}

/** Header bytes of a packet type that carries JSON: [version, token, token, identifier, EUI…]. */
const jsonHeader = fc
  .tuple(version, token, fc.constantFrom(0x00, 0x03, 0x05), fc.uint8Array({ minLength: 8, maxLength: 8 }))
  .map(([v, t, id, eui]) => Uint8Array.from([v, t >>> 8, t & 0xff, id, ...(id === 0x03 ? [] : eui)]));

function withJson(header: Uint8Array, json: string): Uint8Array {
  return Uint8Array.from([...header, ...Buffer.from(json, 'utf8')]);
}

const RXPK_KEYS = [
  'time',
  'tmms',
  'tmst',
  'freq',
  'chan',
  'rfch',
  'stat',
  'modu',
  'datr',
  'codr',
  'rssi',
  'rssis',
  'lsnr',
  'foff',
  'size',
  'data',
];
const TXPK_KEYS = [
  'imme',
  'tmst',
  'tmms',
  'freq',
  'rfch',
  'powe',
  'modu',
  'datr',
  'codr',
  'fdev',
  'ipol',
  'prea',
  'size',
  'data',
  'ncrc',
];
const STAT_KEYS = ['time', 'lati', 'long', 'alti', 'rxnb', 'rxok', 'rxfw', 'ackr', 'dwnb', 'txnb', 'temp'];
/** Values near the fields' types, so the checks past "is it a number" are reached too. */
const nearValue = fc.oneof(
  fc.jsonValue({ maxDepth: 1 }),
  fc.constantFrom(
    'LORA',
    'FSK',
    'SF7BW125',
    'SF12BW500',
    '4/5',
    'AQ==',
    '',
    'NONE',
    'TOO_LATE',
    '2013-03-31T16:21:17.528002Z',
    0,
    1,
    -1,
    MAX_U32,
    MAX_U32 + 1,
    255,
    256,
    true,
  ),
);
const objectOf = (keys: string[]): fc.Arbitrary<Record<string, unknown>> =>
  fc.dictionary(fc.constantFrom(...keys), nearValue, { maxKeys: keys.length });
const nearJson = fc
  .oneof(
    fc.record(
      {
        rxpk: fc.array(fc.oneof(objectOf(RXPK_KEYS), fc.jsonValue({ maxDepth: 1 })), { maxLength: 4 }),
        stat: fc.oneof(objectOf(STAT_KEYS), fc.jsonValue({ maxDepth: 1 })),
      },
      { requiredKeys: [], noNullPrototype: true },
    ),
    fc.record({ txpk: fc.oneof(objectOf(TXPK_KEYS), fc.jsonValue({ maxDepth: 1 })) }, { noNullPrototype: true }),
    fc.record(
      {
        txpk_ack: fc.oneof(
          fc.dictionary(fc.constantFrom('error', 'warn', 'value'), nearValue),
          fc.jsonValue({ maxDepth: 1 }),
        ),
      },
      { noNullPrototype: true },
    ),
  )
  .map((v) => JSON.stringify(v));

describe('Semtech UDP codec properties', () => {
  it('gives back every packet type unchanged through encode then parse', () => {
    fc.assert(
      fc.property(packet, (p) => {
        expect(parseSemtechPacket(encodeSemtechPacket(p))).toStrictEqual(p);
      }),
      { numRuns: 2000 },
    );
  });

  it('re-encodes a parsed packet to the same bytes', () => {
    fc.assert(
      fc.property(packet, (p) => {
        const bytes = encodeSemtechPacket(p);
        expect(toHex(encodeSemtechPacket(parseSemtechPacket(bytes)))).toBe(toHex(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('throws nothing but SemtechPacketError, whatever the bytes', () => {
    const anyBytes = fc.uint8Array({ maxLength: 64 });
    // Mostly valid versions and identifiers, so the per-type checks are reached.
    const headerLike = fc
      .tuple(version, fc.integer({ min: 0, max: 7 }), fc.uint8Array({ maxLength: 40 }))
      .map(([v, id, rest]) => Uint8Array.from([v, 0x12, 0x34, id, ...rest]));
    fc.assert(fc.property(fc.oneof(anyBytes, headerLike), parsesOrRefuses), { numRuns: 20_000 });
  });

  it('throws nothing but SemtechPacketError for arbitrary JSON after a valid header', () => {
    fc.assert(
      fc.property(jsonHeader, fc.oneof(fc.json(), nearJson, fc.string()), (header, json) => {
        parsesOrRefuses(withJson(header, json));
      }),
      { numRuns: 10_000 },
    );
  });

  it('either parses or throws SemtechPacketError for every truncation of a valid packet', () => {
    fc.assert(
      fc.property(packet, (p) => {
        const bytes = encodeSemtechPacket(p);
        for (let n = 0; n < bytes.length; n++) parsesOrRefuses(bytes.subarray(0, n));
      }),
      { numRuns: 100 },
    );
  });
});
