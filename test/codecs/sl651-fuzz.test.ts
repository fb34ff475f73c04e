import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CodecError, fromHex } from '../../src/codecs/codec.js';
import {
  decodeSl651,
  encodeSl651AsciiFrame,
  encodeSl651HexFrame,
  encodeSl651Report,
  sl651Codec,
} from '../../src/codecs/sl651/index.js';
import { SL651_PUBLISHED } from './fixtures/sl651-published.js';
import { mutateFrame, mutationsArb } from './helpers.js';

/** Decoding either returns or throws a CodecError; anything else fails the property. */
function returnsOrCodecError(bytes: Uint8Array): boolean {
  try {
    sl651Codec.decode(bytes);
    return true;
  } catch (e) {
    return e instanceof CodecError;
  }
}

const ASCII_SAMPLE = encodeSl651Report({
  mode: 'ascii',
  centre: 1,
  station: '0012345678',
  password: '1234',
  functionCode: 0x32,
  serial: 7,
  sentAt: '2024-05-01T02:00:00Z',
  stationTypeCode: 'H',
  observations: [
    {
      observedAt: '2024-05-01T02:00:00Z',
      elements: [
        { id: 0x39, value: 10.49 },
        { id: 0x38, value: 12.6 },
        { id: 0xf4, value: Array(12).fill(0) },
      ],
    },
  ],
});
/** Replace (any value), insert or delete one byte, or truncate. */
const MUTATIONS = mutationsArb(['set', 'insert', 'delete', 'truncate']);
const SEEDS = [
  ...SL651_PUBLISHED.map((f) => fromHex(f.hex)),
  ...SL651_PUBLISHED.flatMap((f) => (f.reply ? [fromHex(f.reply.hex)] : [])),
  ASCII_SAMPLE,
];

/** Element-shaped noise: identifier, a definition byte and as many value bytes as it says (sometimes one off). */
const elementish = fc
  .array(
    fc
      .tuple(
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom(0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 6),
        fc.integer({ min: 0, max: 7 }),
        fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 0, -1, 1),
        fc.uint8Array({ minLength: 30, maxLength: 30 }),
      )
      .map(([id, size, dp, skew, pool]) => {
        const valueBytes = id === 0xf4 ? 12 : id > 0xf4 && id < 0xfd ? 24 : size; // the series are fixed-size
        return [id, (size << 3) | dp, ...pool.slice(0, Math.max(0, valueBytes + skew))];
      }),
    { maxLength: 8 },
  )
  .map((parts) => parts.flat());
const PLAUSIBLE_START = [
  0x00, 0x01, 0x24, 0x05, 0x01, 0x10, 0x00, 0x00, 0xf1, 0xf1, 1, 2, 3, 4, 5, 0x48, 0xf0, 0xf0, 0x24, 0x05, 0x01, 0x10,
  0x00,
];

/** Any body behind a valid header, length and CRC: reaches the body parsers, which the CRC otherwise guards. */
const validlyFramed = fc
  .record({
    mode: fc.constantFrom('hex' as const, 'ascii' as const),
    direction: fc.constantFrom('up' as const, 'down' as const),
    functionCode: fc.constantFrom(0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x3a, 0x46, 0x99),
    packet: fc.option(fc.record({ total: fc.integer({ min: 1, max: 3 }), seq: fc.constant(1) }), { nil: null }),
    endChar: fc.constantFrom('ETX' as const, 'ETB' as const, 'ESC' as const),
    body: fc.oneof(
      fc.uint8Array({ maxLength: 120 }),
      // A plausible start (serial, a valid time, F1F1 ... F0F0 ...) then noise, so the element loop runs deep.
      fc.uint8Array({ maxLength: 80 }).map((tail) => Uint8Array.from([...PLAUSIBLE_START, ...tail])),
      { weight: 3, arbitrary: elementish.map((tail) => Uint8Array.from([...PLAUSIBLE_START, ...tail])) },
      fc
        .stringMatching(/^[0-9A-F]{4} \d{12}( [A-Z0-9.-]{1,8}){0,12}$/)
        .map((s) => Uint8Array.from(s, (c) => c.charCodeAt(0))),
    ),
  })
  .map(({ mode, ...f }) => {
    const fields = { ...f, centre: 1, station: '0012345678', password: '1234' };
    return mode === 'hex' ? encodeSl651HexFrame(fields) : encodeSl651AsciiFrame(fields);
  });

describe('SL 651 fuzz: decode returns or throws CodecError, never anything else', () => {
  it('on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), returnsOrCodecError), { numRuns: 2000 });
  });

  it('on arbitrary bytes behind a HEX or ASCII start', () => {
    const start = fc.constantFrom([0x7e, 0x7e], [0x01]);
    fc.assert(
      fc.property(start, fc.uint8Array({ maxLength: 600 }), (s, rest) =>
        returnsOrCodecError(Uint8Array.from([...s, ...rest])),
      ),
      { numRuns: 2000 },
    );
  });

  it('on published and encoded frames with bytes flipped, inserted, deleted or cut off', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), MUTATIONS, (frame, ms) => returnsOrCodecError(mutateFrame(frame, ms))),
      { numRuns: 2000 },
    );
  });

  it('on arbitrary bodies inside a valid frame (length and CRC right)', () => {
    fc.assert(fc.property(validlyFramed, returnsOrCodecError), { numRuns: 2000 });
  });

  it('on published frames whose body bytes are mutated and whose CRC is then fixed', () => {
    const fixed = fc
      .tuple(
        fc.constantFrom(...SL651_PUBLISHED.filter((f) => !f.name.includes('picture'))),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
      )
      .map(([f, flips]) => {
        const d = decodeSl651(fromHex(f.hex));
        const frame = fromHex(f.hex);
        const body = frame.slice(14, 14 + (((frame[11]! << 8) | frame[12]!) & 0xfff));
        for (const [at, b] of flips) body[at % body.length] = b;
        return encodeSl651HexFrame({
          direction: d.direction,
          centre: d.centre,
          station: d.station,
          password: d.password,
          functionCode: d.functionCode,
          packet: null,
          endChar: d.endChar,
          body,
        });
      });
    fc.assert(fc.property(fixed, returnsOrCodecError), { numRuns: 2000 });
  });

  it('returns JSON-safe objects (JSON round trip is the identity)', () => {
    fc.assert(
      fc.property(validlyFramed, (bytes) => {
        try {
          const out = sl651Codec.decode(bytes);
          expect(JSON.parse(JSON.stringify(out))).toStrictEqual(out);
        } catch (e) {
          expect(e).toBeInstanceOf(CodecError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
