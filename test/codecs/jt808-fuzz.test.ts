import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CodecError, fromHex } from '../../src/codecs/codec.js';
import { encodeJt808Frame, encodeLocationReport, frame, jt808Codec, unframe } from '../../src/codecs/jt808/index.js';
import { BAD_CHECK_FRAMES, PUBLISHED_FRAMES, ROBUSTNESS_FRAMES } from './fixtures/jt808-published.js';
import { mutateFrame, mutationsArb } from './helpers.js';

const RUNS = { numRuns: 2000 };

/** The codec contract: a JSON-safe object back, or a CodecError; nothing else escapes. True when it decoded. */
function decodesOrRejects(bytes: Uint8Array): boolean {
  let out;
  try {
    out = jt808Codec.decode(bytes);
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    return false;
  }
  expect(JSON.parse(JSON.stringify(out))).toStrictEqual(out);
  return true;
}

const SEEDS: Uint8Array[] = [
  ...[...PUBLISHED_FRAMES, ...ROBUSTNESS_FRAMES].map((f) => fromHex(f.hex)),
  encodeLocationReport({
    phone: '13912344321',
    serial: 7,
    version: 2019,
    lat: -33.8688,
    lon: -151.2093,
    altitudeM: 58,
    speedKmh: 88.5,
    headingDeg: 270,
    time: '2024-05-01T10:00:00Z',
    items: { mileageKm: 1234.5, overspeedArea: { areaType: 0 }, raw: [{ id: 0xe1, hex: '7e7d7e' }] },
  }),
];
// Device bodies whose published check was wrong, re-framed with a right one so their odd items are reached.
const REFRAMED = Object.values(BAD_CHECK_FRAMES).map((f) => frame(fromHex(f.hex).subarray(1, -2)));
const CONTENTS = [...SEEDS, ...REFRAMED].map((b) => unframe(b));
const MUTATIONS = mutationsArb(['flip', 'set', 'insert', 'delete', 'truncate']);

describe('JT/T 808 decoder on hostile input', () => {
  it('returns or throws CodecError for arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => void decodesOrRejects(b)),
      RUNS,
    );
  });

  it('returns or throws CodecError for arbitrary content between flags, with a correct XOR', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (content) => void decodesOrRejects(frame(content))),
      RUNS,
    );
  });

  it('returns or throws CodecError for well-framed messages of every decoded id with random bodies', () => {
    const ids = fc.oneof(
      fc.constantFrom(0x0001, 0x0002, 0x0003, 0x0100, 0x0102, 0x0200, 0x8001, 0x8100),
      fc.integer({ min: 0, max: 0xffff }),
    );
    const msg = fc.record({
      messageId: ids,
      version: fc.constantFrom(2013 as const, 2019 as const),
      phone: fc.stringMatching(/^[0-9]{0,12}$/),
      serial: fc.integer({ min: 0, max: 0xffff }),
      body: fc.uint8Array({ maxLength: 400 }),
      packet: fc.option(fc.record({ total: fc.integer({ min: 0, max: 3 }), seq: fc.integer({ min: 0, max: 3 }) }), {
        nil: undefined,
      }),
    });
    let decoded = 0;
    fc.assert(
      fc.property(msg, (m) => void (decodesOrRejects(encodeJt808Frame(m)) && decoded++)),
      RUNS,
    );
    expect(decoded).toBeGreaterThan(0); // the body decoders were reached, not only the framing
  });

  it('returns or throws CodecError for published frames with bytes flipped, set, inserted, deleted or cut off', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), MUTATIONS, (seed, ms) => void decodesOrRejects(mutateFrame(seed, ms))),
      RUNS,
    );
  });

  it('returns or throws CodecError for mutated published messages re-framed with a correct XOR (so the body parsers see them)', () => {
    let decoded = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...CONTENTS),
        MUTATIONS,
        (content, ms) => void (decodesOrRejects(frame(mutateFrame(content, ms))) && decoded++),
      ),
      RUNS,
    );
    expect(decoded).toBeGreaterThan(0);
  });
});
