import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { toHex } from '../../src/codecs/codec.js';
import {
  SL651_ELEMENTS,
  buildSl651Reply,
  decodeSl651,
  encodeSl651HexFrame,
  encodeSl651AsciiFrame,
  encodeSl651Report,
  type Sl651ElementInput,
  type Sl651Message,
  type Sl651ObservationInput,
  type Sl651ReportInput,
} from '../../src/codecs/sl651/index.js';

/**
 * decode(encode(x)) == x for arbitrary valid reports. The ASCII mode has no public golden frame: these
 * round trips are its only test, so they check this codec agrees with itself, not with real devices.
 */

const BEIJING_MS = 8 * 3600_000;
const FIRST = Date.UTC(2000, 0, 1) - BEIJING_MS; // two-digit years: 2000-2099 Beijing time
const LAST = Date.UTC(2099, 11, 31, 23, 59, 59) - BEIJING_MS;
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const isoSeconds = fc.integer({ min: FIRST / 1000, max: LAST / 1000 }).map((s) => iso(s * 1000));
const isoMinutes = fc.integer({ min: FIRST / 60_000, max: Math.floor(LAST / 60_000) }).map((m) => iso(m * 60_000));
const hexOf = (n: number): fc.Arbitrary<string> => fc.uint8Array({ minLength: n, maxLength: n }).map(toHex);

const BCD_ROWS = SL651_ELEMENTS.filter((e) => e.kind === 'bcd');
const TABLE_IDS = new Set(SL651_ELEMENTS.map((e) => e.id));
const idText = (code: number[]): string => '0x' + code.map((b) => b.toString(16).padStart(2, '0')).join('');

/** A BCD value of `bytes` bytes: null (all FF), or k / 10^decimals with the 0xFF sign byte for negatives. */
function bcdValue(bytes: number, decimals: number, allowNull = true): fc.Arbitrary<number | null> {
  const max = 10n ** BigInt(2 * bytes) - 1n;
  const negMax = bytes > 1 ? 10n ** BigInt(2 * (bytes - 1)) - 1n : 0n;
  const num = fc.bigInt({ min: -negMax, max }).map((k) => (k === 0n ? 0 : Number(k) / 10 ** decimals));
  return allowNull ? fc.oneof(fc.constant(null), num) : num;
}

/** An element and the decoded fields it must come back as. */
interface Case {
  input: Sl651ElementInput;
  expected: Record<string, unknown>;
}

const standardScalar: fc.Arbitrary<Case> = fc.constantFrom(...BCD_ROWS).chain((info) => {
  const bytes = Math.ceil(info.digits / 2);
  return bcdValue(bytes, info.decimals).map((value) => ({
    input: { id: info.id, value },
    expected: { id: idText([info.id]), value, bytes, decimals: info.decimals },
  }));
});

// Extended (0xFF-prefixed) and unknown identifiers, with their own definition byte.
const customId = fc.oneof(
  fc.integer({ min: 0, max: 0xff }).map((b) => [0xff, b]),
  fc
    .integer({ min: 0, max: 0xef })
    .filter((b) => !TABLE_IDS.has(b))
    .map((b) => [b]),
);
const customScalar: fc.Arbitrary<Case> = fc
  .tuple(customId, fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 7 }))
  .chain(([code, bytes, decimals]) =>
    bcdValue(bytes, decimals).map((value) => ({
      input: { id: idText(code), value, bytes, decimals },
      expected: { id: idText(code), value, bytes, decimals },
    })),
  );

const statusBits: fc.Arbitrary<Case> = fc
  .integer({ min: 0, max: 0xffffffff })
  .map((value) => ({ input: { id: 0x45, value }, expected: { id: '0x45', value, bytes: 4, decimals: 0 } }));

const timeStep: fc.Arbitrary<Case> = fc
  .oneof(fc.constant(null), fc.integer({ min: 0, max: 100 * 1440 - 1 }))
  .map((value) => ({ input: { id: '0x04', value }, expected: { id: '0x04', value, bytes: 3, decimals: 0 } }));

function series(id: number): fc.Arbitrary<Case> {
  const rain = id === 0xf4;
  const sample = fc.oneof(
    fc.constant(null),
    fc.integer({ min: 0, max: rain ? 254 : 65534 }).map((k) => k / (rain ? 10 : 100)),
  );
  return fc
    .array(sample, { minLength: 12, maxLength: 12 })
    .map((value) => ({ input: { id, value }, expected: { id: idText([id]), value, stepMin: 5 } }));
}
const anySeries = fc.integer({ min: 0xf4, max: 0xfc }).chain(series);

const hexElement = fc.oneof({ weight: 5, arbitrary: standardScalar }, customScalar, statusBits, timeStep, anySeries);

// F2 text or F3 picture bytes run to the end of the body, so they may only close it.
const tail: fc.Arbitrary<Case[]> = fc.oneof(
  fc.constant<Case[]>([]),
  fc
    .stringMatching(/^[\x20-\x7e]{0,20}$/)
    .map((value) => [{ input: { id: 0xf2, value }, expected: { id: '0xf2', value } }]),
  hexOf(8).map((value) => [{ input: { id: '0xf3', value }, expected: { id: '0xf3', value } }]),
);

const header = {
  centre: fc.integer({ min: 0, max: 255 }),
  station: hexOf(5),
  password: hexOf(2),
  serial: fc.integer({ min: 0, max: 0xffff }),
  sentAt: isoSeconds,
};
const typeCode = fc.oneof(
  fc.integer({ min: 0x41, max: 0x5a }).map((b) => String.fromCharCode(b)),
  fc
    .integer({ min: 0, max: 255 })
    .filter((b) => b < 0x41 || b > 0x5a)
    .map((b) => '0x' + b.toString(16).padStart(2, '0')),
);

/** Groups of elements; only the first may lack an F0F0 time. */
function groups(
  element: fc.Arbitrary<Case>,
  last: fc.Arbitrary<Case[]>,
): fc.Arbitrary<{ observedAt: string | null; cases: Case[] }[]> {
  const group = (t: fc.Arbitrary<string | null>): fc.Arbitrary<{ observedAt: string | null; cases: Case[] }> =>
    fc.record({ observedAt: t, cases: fc.array(element, { maxLength: 5 }) });
  return fc
    .tuple(group(fc.option(isoMinutes, { nil: null })), fc.array(group(isoMinutes), { maxLength: 3 }), last)
    .map(([first, rest, end]) => {
      const all = [first, ...rest];
      const last = all.length - 1;
      return all.map((g, i) => (i === last ? { ...g, cases: [...g.cases, ...end] } : g)); // no mutation of generated values
    });
}

/** A uniform-interval body: other elements, then 04 time step and one element with N values. */
const uniformGroups = fc
  .tuple(
    isoMinutes,
    fc.array(standardScalar, { maxLength: 3 }),
    fc.integer({ min: 1, max: 100 * 1440 - 1 }),
    fc.constantFrom(...BCD_ROWS),
    fc.integer({ min: 1, max: 12 }),
  )
  .chain(([observedAt, before, step, info, n]) => {
    const bytes = Math.ceil(info.digits / 2);
    return fc.array(bcdValue(bytes, info.decimals), { minLength: n, maxLength: n }).map((values) => [
      {
        observedAt,
        cases: [
          ...before,
          { input: { id: 0x04, value: step }, expected: { id: '0x04', value: step, bytes: 3, decimals: 0 } },
          {
            input: { id: info.id, value: values },
            expected: { id: idText([info.id]), value: values, bytes, decimals: info.decimals, stepMin: step },
          },
        ] as Case[],
      },
    ]);
  });

interface Built {
  input: Sl651ReportInput;
  groups: { observedAt: string | null; cases: Case[] }[];
}

function report(
  codes: number[],
  body: fc.Arbitrary<{ observedAt: string | null; cases: Case[] }[]>,
): fc.Arbitrary<Built> {
  return fc
    .record({
      ...header,
      functionCode: fc.constantFrom(...codes),
      stationTypeCode: typeCode,
      bodyStation: hexOf(5),
      endChar: fc.constantFrom('ETX' as const, 'ETB' as const),
      g: body,
    })
    .map(({ g, ...rest }) => ({
      input: {
        ...rest,
        observations: g.map((x): Sl651ObservationInput => ({
          observedAt: x.observedAt,
          elements: x.cases.map((c) => c.input),
        })),
      },
      groups: g,
    }));
}

const KEYS = ['id', 'value', 'bytes', 'decimals', 'stepMin', 'raw'] as const;
function essentials(msg: Sl651Message): unknown {
  return (msg.observations ?? []).map((g) => ({
    observedAt: g.observedAt,
    elements: g.elements.map((e) => Object.fromEntries(KEYS.filter((k) => e[k] !== undefined).map((k) => [k, e[k]]))),
  }));
}

function checkReport({ input, groups: g }: Built, mode: 'hex' | 'ascii'): void {
  const msg = decodeSl651(encodeSl651Report({ ...input, mode }));
  expect(msg).toMatchObject({
    protocol: 'sl651',
    mode,
    direction: 'up',
    functionCode: input.functionCode,
    centre: input.centre,
    station: input.station,
    password: input.password,
    serial: input.serial,
    sentAt: input.sentAt,
    endChar: input.endChar,
    packet: null,
    bodyStation: input.bodyStation,
    stationTypeCode: input.stationTypeCode,
  });
  // A first group without a time or elements leaves nothing on the wire.
  const sent = g.filter((x) => x.observedAt !== null || x.cases.length > 0);
  expect(essentials(msg)).toEqual(
    sent.map((x) => ({ observedAt: x.observedAt, elements: x.cases.map((c) => c.expected) })),
  );
}

describe('SL 651 HEX/BCD round trip', () => {
  it('decodes every encoded report (0x30, 0x32-0x35, 0x37, 0x3A) back to its elements', () => {
    fc.assert(
      fc.property(report([0x30, 0x32, 0x33, 0x34, 0x35, 0x37, 0x3a], groups(hexElement, tail)), (b) =>
        checkReport(b, 'hex'),
      ),
      { numRuns: 300 },
    );
  });

  it('decodes every encoded uniform-interval report (0x31, 0x38) back to its time step and N values', () => {
    fc.assert(
      fc.property(report([0x31, 0x38], uniformGroups), (b) => checkReport(b, 'hex')),
      { numRuns: 300 },
    );
  });

  it('decodes every encoded link keep back to its serial and send time', () => {
    fc.assert(
      fc.property(fc.record(header), (h) => {
        expect(decodeSl651(encodeSl651Report({ ...h, functionCode: 0x2f }))).toEqual({
          protocol: 'sl651',
          mode: 'hex',
          functionCode: 0x2f,
          type: 'linkKeep',
          direction: 'up',
          centre: h.centre,
          station: h.station,
          password: h.password,
          endChar: 'ETX',
          packet: null,
          serial: h.serial,
          sentAt: h.sentAt,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('decodes every reply it builds as a downlink echoing the serial', () => {
    fc.assert(
      fc.property(
        fc.record({ ...header, functionCode: fc.constantFrom(0x30, 0x31, 0x32, 0x33, 0x34, 0x35) }),
        fc.constantFrom('ESC' as const, 'EOT' as const),
        fc.constantFrom('hex' as const, 'ascii' as const),
        (u, endChar, mode) => {
          const msg = decodeSl651(buildSl651Reply({ ...u, mode }, u.sentAt, endChar));
          expect(msg).toMatchObject({
            mode,
            direction: 'down',
            functionCode: u.functionCode,
            centre: u.centre,
            station: u.station,
            password: u.password,
            serial: u.serial,
            sentAt: u.sentAt,
            endChar,
          });
          expect(msg.observations).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reports the packet count of every multi-packet frame and keeps its body raw', () => {
    const packet = fc
      .integer({ min: 2, max: 0xfff })
      .chain((total) => fc.record({ total: fc.constant(total), seq: fc.integer({ min: 1, max: total }) }));
    fc.assert(
      fc.property(
        fc.record({ ...header, body: fc.uint8Array({ maxLength: 200 }) }),
        packet,
        fc.constantFrom('hex' as const, 'ascii' as const),
        (h, p, mode) => {
          const fields = {
            direction: 'up' as const,
            centre: h.centre,
            station: h.station,
            password: h.password,
            functionCode: 0x36,
            packet: p,
            endChar: 'ETB' as const,
            body: h.body,
          };
          const msg = decodeSl651(mode === 'hex' ? encodeSl651HexFrame(fields) : encodeSl651AsciiFrame(fields));
          expect(msg).toMatchObject({ type: 'picture', packet: p, endChar: 'ETB' });
          if (mode === 'hex') expect(msg.bodyHex).toBe(toHex(h.body));
          else expect(msg.bodyText).toBe(String.fromCharCode(...h.body));
          expect(msg.serial).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ASCII: values are decimal text, so there is no invalid marker, no extended identifier and no F2/F3.
const asciiScalar: fc.Arbitrary<Case> = fc.constantFrom(...BCD_ROWS).chain((info) =>
  bcdValue(Math.ceil(info.digits / 2), info.decimals, false).map((value) => ({
    input: { id: info.id, value },
    expected: { id: idText([info.id]), value, decimals: info.decimals },
  })),
);
const asciiStep = fc.oneof(
  fc.integer({ min: 0, max: 99 }),
  fc.integer({ min: 1, max: 99 }).map((h) => h * 60),
  fc.integer({ min: 1, max: 99 }).map((d) => d * 1440),
);
const asciiElement = fc.oneof(
  { weight: 5, arbitrary: asciiScalar },
  fc
    .integer({ min: 0, max: 0xffffffff })
    .map((value): Case => ({ input: { id: 0x45, value }, expected: { id: '0x45', value } })),
  asciiStep.map((value): Case => ({ input: { id: 0x04, value }, expected: { id: '0x04', value } })),
  anySeries,
);
const asciiUniform = fc
  .tuple(
    isoMinutes,
    fc.array(asciiScalar, { maxLength: 3 }),
    asciiStep,
    fc.constantFrom(...BCD_ROWS),
    fc.integer({ min: 1, max: 12 }),
  )
  .chain(([observedAt, before, step, info, n]) =>
    fc
      .array(bcdValue(Math.ceil(info.digits / 2), info.decimals, false), { minLength: n, maxLength: n })
      .map((values) => [
        {
          observedAt,
          cases: [
            ...before,
            { input: { id: 0x04, value: step }, expected: { id: '0x04', value: step } },
            {
              input: { id: info.id, value: values },
              expected: { id: idText([info.id]), value: values, stepMin: step },
            },
          ] as Case[],
        },
      ]),
  );
const letterType = fc
  .integer({ min: 0x21, max: 0x7e })
  .map((b) => (b >= 0x41 && b <= 0x5a ? String.fromCharCode(b) : '0x' + b.toString(16).padStart(2, '0')));

describe('SL 651 ASCII round trip (provisional mode: no public golden frame, self-consistency only)', () => {
  it('decodes every ASCII report it encodes back to its elements', () => {
    const built = report([0x30, 0x32, 0x33, 0x34, 0x37, 0x3a], groups(asciiElement, fc.constant([]))).chain((b) =>
      letterType.map((t) => ({ ...b, input: { ...b.input, stationTypeCode: t } })),
    );
    fc.assert(
      fc.property(built, (b) => checkReport(b, 'ascii')),
      { numRuns: 300 },
    );
  });

  it('decodes every ASCII uniform-interval report it encodes back to its time step and values', () => {
    const built = report([0x31, 0x38], asciiUniform).chain((b) =>
      letterType.map((t) => ({ ...b, input: { ...b.input, stationTypeCode: t } })),
    );
    fc.assert(
      fc.property(built, (b) => checkReport(b, 'ascii')),
      { numRuns: 300 },
    );
  });
});
