/**
 * Properties of the Iridium SBD DirectIP codec: every message kind survives encode then parse
 * unchanged, a location survives to within half a thousandth of a minute, and parsing anything at
 * all — random bytes, random IEs behind a valid header, truncated messages — either succeeds or
 * throws DirectIpError, never another error.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DIRECT_IP_ERROR_CODES,
  DIRECT_IP_IEI,
  DirectIpError,
  MO_MAX_PAYLOAD_BYTES,
  MT_MAX_PAYLOAD_BYTES,
  directIpMessageLength,
  encodeDirectIp,
  parseDirectIp,
  type DirectIpMessage,
  type MoLocation,
  type MoMessage,
  type MtConfirmation,
  type MtMessage,
} from '../../src/frame/iridium-sbd/index.js';
import { toHex } from './helpers.js';

const MAX_U32 = 0xffff_ffff;
const imei = fc.stringMatching(/^[0-9]{15}$/);
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: MAX_U32 });
const clientMessageId = fc.uint8Array({ minLength: 4, maxLength: 4 });

/**
 * A coordinate exactly as the wire carries it (degrees + thousandths of a minute, a sign), computed
 * the way the spec defines it, so parse(encode(x)) must give x back bit for bit.
 */
function wireCoordinate(maxDegrees: number): fc.Arbitrary<number> {
  return fc.tuple(fc.integer({ min: 0, max: maxDegrees * 60_000 }), fc.boolean()).map(([total, negative]) => {
    const value = Math.floor(total / 60_000) + (total % 60_000) / 60_000;
    return negative && value !== 0 ? -value : value;
  });
}
const wireLocation: fc.Arbitrary<MoLocation> = fc.record(
  { lat: wireCoordinate(90), lon: wireCoordinate(180), cepRadiusKm: u32 },
  { noNullPrototype: true },
);

const mo: fc.Arbitrary<MoMessage> = fc.record(
  {
    kind: fc.constant('mo' as const),
    header: fc.record(
      {
        cdrReference: u32,
        imei,
        sessionStatus: fc.integer({ min: 0, max: 0xff }),
        momsn: u16,
        mtmsn: u16,
        sessionTime: u32.map((s) => s * 1000),
      },
      { noNullPrototype: true },
    ),
    payload: fc.uint8Array({ minLength: 1, maxLength: MO_MAX_PAYLOAD_BYTES }),
    location: wireLocation,
  },
  { requiredKeys: ['kind', 'header'], noNullPrototype: true },
);

const mt: fc.Arbitrary<MtMessage> = fc.record(
  {
    kind: fc.constant('mt' as const),
    clientMessageId,
    imei,
    flags: u16,
    payload: fc.uint8Array({ minLength: 1, maxLength: MT_MAX_PAYLOAD_BYTES }),
    priority: fc.integer({ min: 1, max: 5 }),
  },
  { requiredKeys: ['kind', 'clientMessageId', 'imei', 'flags'], noNullPrototype: true },
);

const mtConfirmation: fc.Arbitrary<MtConfirmation> = fc.record(
  {
    kind: fc.constant('mt-confirmation' as const),
    clientMessageId,
    imei,
    autoIdReference: u32,
    status: fc.integer({ min: -0x8000, max: 0x7fff }),
  },
  { noNullPrototype: true },
);

const message: fc.Arbitrary<DirectIpMessage> = fc.oneof(
  mo,
  mt,
  mtConfirmation,
  fc.record(
    { kind: fc.constant('mo-confirmation' as const), status: fc.constantFrom(0 as const, 1 as const) },
    { noNullPrototype: true },
  ),
);

/** Parses, and fails the property on any error but a DirectIpError with a listed code. */
function parsesOrRefuses(bytes: Uint8Array): void {
  try {
    parseDirectIp(bytes);
  } catch (e) {
    if (!(e instanceof DirectIpError)) throw e;
    expect(DIRECT_IP_ERROR_CODES).toContain(e.code);
  }
}

/** Revision 1 and the right overall length before `ies`, so the IE walk is always reached. */
function framed(ies: Uint8Array): Uint8Array {
  return Uint8Array.from([0x01, ies.length >> 8, ies.length & 0xff, ...ies]);
}

const bytes = (n: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: n, maxLength: n });
const imeiBytes = imei.map((i) => Buffer.from(i, 'latin1'));
const join = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));
/** Content of the right size and shape for each known IEI (an IMEI where one belongs), so parsing gets past the length checks. */
const PLAUSIBLE_CONTENT: ReadonlyMap<number, fc.Arbitrary<Uint8Array>> = new Map([
  [DIRECT_IP_IEI.moHeader, fc.tuple(bytes(4), imeiBytes, bytes(9)).map(([a, i, b]) => join(a, i, b))],
  [DIRECT_IP_IEI.moPayload, fc.uint8Array({ minLength: 1, maxLength: 40 })],
  // Flags 0..3 mostly, degrees and thousandths near and beyond their limits.
  [
    DIRECT_IP_IEI.moLocation,
    fc
      .tuple(
        fc.constantFrom(0, 1, 2, 3, 4, 0xf0),
        fc.constantFrom(0, 45, 90, 91),
        fc.constantFrom(0, 59_999, 60_000),
        fc.constantFrom(0, 180, 181),
        fc.constantFrom(0, 30_000, 60_000),
        bytes(4),
      )
      .map(([f, la, lat, lo, lot, cep]) =>
        join(Uint8Array.of(f, la, lat >> 8, lat & 0xff, lo, lot >> 8, lot & 0xff), cep),
      ),
  ],
  [DIRECT_IP_IEI.moConfirmation, fc.constantFrom(0, 1, 2).map((x) => Uint8Array.of(x))],
  [DIRECT_IP_IEI.mtHeader, fc.tuple(bytes(4), imeiBytes, bytes(2)).map(([a, i, b]) => join(a, i, b))],
  [DIRECT_IP_IEI.mtPayload, fc.uint8Array({ minLength: 1, maxLength: 40 })],
  [DIRECT_IP_IEI.mtConfirmation, fc.tuple(bytes(4), imeiBytes, bytes(6)).map(([a, i, b]) => join(a, i, b))],
  [DIRECT_IP_IEI.mtPriority, fc.integer({ min: 0, max: 7 }).map((x) => Uint8Array.of(0, x))],
]);
const FAMILY_IEIS: readonly (readonly number[])[] = [
  [DIRECT_IP_IEI.moHeader, DIRECT_IP_IEI.moPayload, DIRECT_IP_IEI.moLocation],
  [DIRECT_IP_IEI.mtHeader, DIRECT_IP_IEI.mtPayload, DIRECT_IP_IEI.mtPriority],
  [DIRECT_IP_IEI.moConfirmation],
  [DIRECT_IP_IEI.mtConfirmation],
  Object.values(DIRECT_IP_IEI),
];
/** One IE: an IEI (usually from `ieis`, sometimes any byte), plausible or random content, its length field usually right. */
function ieLike(ieis: readonly number[]): fc.Arbitrary<Uint8Array> {
  return fc
    .oneof(
      { weight: 4, arbitrary: fc.constantFrom(...ieis) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xff }) },
    )
    .chain((iei) =>
      fc.tuple(
        fc.constant(iei),
        fc.oneof(
          { weight: 4, arbitrary: PLAUSIBLE_CONTENT.get(iei) ?? fc.uint8Array({ maxLength: 8 }) },
          { weight: 1, arbitrary: fc.uint8Array({ maxLength: 30 }) },
        ),
        // How far the length field is off: mostly 0, sometimes one byte short or long.
        fc.constantFrom(0, 0, 0, 0, 0, 0, -1, 1),
      ),
    )
    .map(([iei, content, skew]) => {
      const length = Math.max(0, content.length + skew);
      return join(Uint8Array.of(iei, length >> 8, length & 0xff), content);
    });
}
/** The IEs of one message: mostly from one family, so that some messages parse and the value checks run. */
const ieSequence = fc.constantFrom(...FAMILY_IEIS).chain((ieis) => fc.array(ieLike(ieis), { maxLength: 4 }));

describe('DirectIP codec properties', () => {
  it('gives back every message kind unchanged through encode then parse', () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(parseDirectIp(encodeDirectIp(m))).toStrictEqual(m);
      }),
      { numRuns: 1000 },
    );
  });

  it('re-encodes a parsed message to the same bytes', () => {
    fc.assert(
      fc.property(message, (m) => {
        const bytes = encodeDirectIp(m);
        expect(toHex(encodeDirectIp(parseDirectIp(bytes)))).toBe(toHex(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps any decimal location to within half a thousandth of a minute, with its sign', () => {
    const header = { cdrReference: 0, imei: '300234010753370', sessionStatus: 0, momsn: 0, mtmsn: 0, sessionTime: 0 };
    const degrees = (max: number): fc.Arbitrary<number> =>
      fc.double({ min: -max, max, noNaN: true }).map((x) => (x === 0 ? 0 : x));
    fc.assert(
      fc.property(degrees(90), degrees(180), (lat, lon) => {
        const back = parseDirectIp(encodeDirectIp({ kind: 'mo', header, location: { lat, lon, cepRadiusKm: 0 } }));
        if (back.kind !== 'mo' || back.location === undefined) throw new Error('no location');
        const halfThousandth = 0.5 / 60_000 + 1e-12;
        expect(Math.abs(back.location.lat - lat)).toBeLessThanOrEqual(halfThousandth);
        expect(Math.abs(back.location.lon - lon)).toBeLessThanOrEqual(halfThousandth);
        // Never the opposite hemisphere: a sign only flips to 0.
        expect(back.location.lat * lat).toBeGreaterThanOrEqual(0);
        expect(back.location.lon * lon).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 5000 },
    );
  });

  it('throws nothing but DirectIpError, whatever the bytes', () => {
    const anyBytes = fc.uint8Array({ maxLength: 80 });
    const behindHeader = fc.uint8Array({ maxLength: 80 }).map(framed);
    fc.assert(fc.property(fc.oneof(anyBytes, behindHeader), parsesOrRefuses), { numRuns: 10_000 });
  });

  it('throws nothing but DirectIpError for any sequence of IE-like elements after a valid header', () => {
    fc.assert(
      fc.property(ieSequence, (ies) => {
        parsesOrRefuses(framed(join(...ies)));
      }),
      { numRuns: 10_000 },
    );
  });

  it('refuses every truncation of a valid message with SBD_TOO_SHORT or SBD_BAD_LENGTH, and nothing else', () => {
    fc.assert(
      fc.property(message, (m) => {
        const bytes = encodeDirectIp(m);
        for (let n = 0; n < bytes.length; n++) {
          let caught: unknown;
          try {
            parseDirectIp(bytes.subarray(0, n));
          } catch (e) {
            caught = e;
          }
          expect(caught).toBeInstanceOf(DirectIpError);
          expect((caught as DirectIpError).code).toBe(n < 3 ? 'SBD_TOO_SHORT' : 'SBD_BAD_LENGTH');
        }
      }),
      { numRuns: 100 },
    );
  });

  it('knows the full length of a message from any prefix of 3 bytes or more', () => {
    fc.assert(
      fc.property(message, fc.nat(), (m, cut) => {
        const bytes = encodeDirectIp(m);
        const n = cut % (bytes.length + 1);
        expect(directIpMessageLength(bytes.subarray(0, n))).toBe(n < 3 ? undefined : bytes.length);
      }),
      { numRuns: 1000 },
    );
  });
});
