import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../src/codecs/codec.js';
import {
  buildDlt645Frame,
  decodeDlt645,
  encodeDlt645BroadcastTime,
  encodeDlt645ErrorReply,
  encodeDlt645ReadReply,
  encodeDlt645ReadRequest,
  errorNames,
  lookupDi,
  type DiDefinition,
} from '../../src/codecs/dlt645/index.js';
import { mutateFrame, mutationsArb } from './helpers.js';

const hex2 = (n: number) => n.toString(16).padStart(2, '0');
const address = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 12 }).map((d) => d.join(''));
const preamble = fc.integer({ min: 0, max: 4 });

/** DIs the table knows: energy (with tariffs, settlements and blocks), variables and their blocks, the 0280 singles. */
const knownDi: fc.Arbitrary<DiDefinition> = fc
  .oneof(
    fc
      .tuple(
        fc.integer({ min: 0, max: 0x0a }),
        fc.oneof(fc.integer({ min: 0, max: 0x3f }), fc.constant(0xff)),
        fc.integer({ min: 0, max: 0x0c }),
      )
      .map(([a, b, c]) => `00${hex2(a)}${hex2(b)}${hex2(c)}`),
    fc.constantFrom(
      '02010100',
      '02010200',
      '02010300',
      '0201ff00',
      '02020100',
      '02020200',
      '02020300',
      '0202ff00',
      '02030000',
      '02030100',
      '0203ff00',
      '02040200',
      '0204ff00',
      '02050300',
      '02060000',
      '02060100',
      '0206ff00',
      '02070100',
      '0207ff00',
      '02800001',
      '02800002',
      '02800003',
      '02800007',
      '02800008',
      '0280000a',
    ),
  )
  .map((di) => lookupDi(di)!);

/** A value that fits the DI's format exactly (a whole number of its last digit). */
function valueFor(def: DiDefinition): fc.Arbitrary<number | number[]> {
  const { bytes, decimals, signed } = def.format;
  const maxInt = signed ? 8 * 10 ** (bytes * 2 - 1) - 1 : 10 ** (bytes * 2) - 1;
  const one = fc.integer({ min: signed ? -maxInt : 0, max: maxInt }).map((n) => n / 10 ** decimals);
  if (!def.block) return one;
  return def.count === null
    ? fc.array(one, { minLength: 1, maxLength: 9 })
    : fc.array(one, { minLength: def.count, maxLength: def.count });
}

const readReply = fc
  .record({ address, def: knownDi, followUp: fc.boolean(), preamble })
  .chain((r) => valueFor(r.def).map((value) => ({ ...r, value })));

const isJsonSafe = (x: unknown) => expect(JSON.parse(JSON.stringify(x))).toEqual(x);

describe('DL/T 645 encode/decode round trip', () => {
  it('decodes a read reply to the address, DI and value it was built from', () => {
    fc.assert(
      fc.property(readReply, ({ address: a, def, followUp, preamble: p, value }) => {
        const m = decodeDlt645(encodeDlt645ReadReply({ address: a, di: def.di, value, followUp, preamble: p }));
        expect(m).toMatchObject({
          kind: 'read-reply',
          address: a,
          di: def.di,
          name: def.name,
          unit: def.unit,
          value,
          control: { followUp },
        });
        const list = Array.isArray(value) ? value : [value];
        expect(m.kind === 'read-reply' && m.values).toEqual(Object.fromEntries(list.map((v, i) => [def.keyAt(i), v])));
      }),
      { numRuns: 300 },
    );
  });

  it('decodes a read request to its address and any DI', () => {
    fc.assert(
      fc.property(address, fc.integer({ min: 0, max: 0xffffffff }), preamble, (a, n, p) => {
        const di = n.toString(16).padStart(8, '0');
        expect(decodeDlt645(encodeDlt645ReadRequest({ address: a, di, preamble: p }))).toMatchObject({
          kind: 'read-request',
          address: a,
          di,
          seq: null,
          paramsHex: null,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('decodes an error reply to its error word', () => {
    fc.assert(
      fc.property(address, fc.integer({ min: 0, max: 255 }), (a, code) => {
        expect(decodeDlt645(encodeDlt645ErrorReply({ address: a, error: code }))).toMatchObject({
          kind: 'error-reply',
          error: { code, names: errorNames(code) },
        });
      }),
      { numRuns: 300 },
    );
  });

  it('decodes a broadcast time to the instant it was built from', () => {
    const t0 = Date.UTC(2000, 0, 1) - 8 * 3_600_000;
    const t1 = Date.UTC(2099, 11, 31, 23, 59, 59) - 8 * 3_600_000;
    fc.assert(
      fc.property(fc.integer({ min: t0 / 1000, max: t1 / 1000 }), (s) => {
        const time = new Date(s * 1000).toISOString();
        expect(decodeDlt645(encodeDlt645BroadcastTime({ time }))).toMatchObject({ kind: 'broadcast-time', time });
      }),
      { numRuns: 300 },
    );
  });
});

function returnsOrThrowsCodecError(bytes: Uint8Array): void {
  try {
    isJsonSafe(decodeDlt645(bytes));
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
  }
}

describe('DL/T 645 decoder on hostile input', () => {
  it('returns or throws CodecError on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), returnsOrThrowsCodecError), { numRuns: 2000 });
  });

  it('returns or throws CodecError on mutated valid frames', () => {
    const valid = readReply.map((r) =>
      encodeDlt645ReadReply({ address: r.address, di: r.def.di, value: r.value, preamble: r.preamble }),
    );
    fc.assert(
      fc.property(valid, mutationsArb(), (f, ms) => returnsOrThrowsCodecError(mutateFrame(f, ms))),
      { numRuns: 2000 },
    );
  });

  it('returns or throws CodecError on well-framed frames with arbitrary control and data', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 60 }), (control, data) => {
        returnsOrThrowsCodecError(buildDlt645Frame({ address: '000000000161', control, data }));
      }),
      { numRuns: 2000 },
    );
  });
});
