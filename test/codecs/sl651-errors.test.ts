import { describe, expect, it } from 'vitest';
import { CodecError, fromHex, type CodecErrorCode } from '../../src/codecs/codec.js';
import {
  decodeSl651,
  encodeSl651AsciiFrame,
  encodeSl651HexFrame,
  encodeSl651Report,
  sl651Codec,
  sl651Crc16,
  type Sl651FrameFields,
} from '../../src/codecs/sl651/index.js';
import { codecErrorOf } from './helpers.js';

const S1 =
  '7E7E010012345678123430002B020003591011154947F1F1001234567848F0F0591011154920190000052619000005392300000127381211150320FA';
const HEAD = [0x00, 0x01, 0x24, 0x05, 0x01, 0x10, 0x00, 0x00]; // serial 1, sent 2024-05-01 10:00:00 Beijing
const STATION = [0xf1, 0xf1, 0x00, 0x12, 0x34, 0x56, 0x78, 0x48];
const TT = [0xf0, 0xf0, 0x24, 0x05, 0x01, 0x10, 0x00];

function fields(body: number[], over: Partial<Sl651FrameFields> = {}): Sl651FrameFields {
  return {
    direction: 'up',
    centre: 1,
    station: '0012345678',
    password: '1234',
    functionCode: 0x32,
    packet: null,
    endChar: 'ETX',
    body: Uint8Array.from(body),
    ...over,
  };
}
const hexFrame = (body: number[], over: Partial<Sl651FrameFields> = {}): Uint8Array =>
  encodeSl651HexFrame(fields(body, over));

/** The frame with byte `at` replaced and the CRC recomputed, so only that field is wrong. */
function patched(frame: Uint8Array, at: number, byte: number): Uint8Array {
  const out = frame.slice();
  out[at] = byte;
  const crc = sl651Crc16(out, 0, out.length - 2);
  out[out.length - 2] = crc >> 8;
  out[out.length - 1] = crc & 0xff;
  return out;
}

const codeOf = (bytes: Uint8Array): CodecErrorCode => codecErrorOf(() => sl651Codec.decode(bytes)).code;
const errorOf = (bytes: Uint8Array): CodecError => codecErrorOf(() => decodeSl651(bytes));

describe('SL 651 framing errors', () => {
  it('rejects bytes that start with neither 7E 7E nor SOH 01', () => {
    expect(codeOf(fromHex('68010203'))).toBe('CODEC_MALFORMED');
    expect(codeOf(new Uint8Array(0))).toBe('CODEC_MALFORMED');
    expect(codeOf(fromHex('7E00' + S1.slice(4)))).toBe('CODEC_MALFORMED');
  });

  it('rejects a HEX frame shorter than its 14-byte header', () => {
    expect(errorOf(fromHex('7E7E0100123456781234')).message).toMatch(/shorter than the 14-byte header/);
  });

  it('rejects a frame shorter than its length field says', () => {
    expect(errorOf(fromHex(S1.slice(0, -6))).message).toMatch(/truncated/);
  });

  it('rejects bytes after the frame, except a single stray 7E, which it drops and reports', () => {
    expect(errorOf(fromHex(S1 + '00')).message).toMatch(/1 bytes after/);
    expect(errorOf(fromHex(S1 + '7E7E')).message).toMatch(/2 bytes after/);
    expect(decodeSl651(fromHex(S1 + '7E')).ignoredTrailingByte).toBe('7e');
    expect(decodeSl651(fromHex(S1)).ignoredTrailingByte).toBeUndefined();
  });

  it('rejects a frame whose CRC does not match, pointing at the CRC', () => {
    const bad = fromHex(S1.slice(0, -2) + 'FB');
    const e = errorOf(bad);
    expect(e.code).toBe('CODEC_CHECKSUM');
    expect(e.offset).toBe(bad.length - 2);
  });

  it('rejects the CRC sent low byte first, as Modbus RTU would send it', () => {
    expect(codeOf(fromHex(S1.slice(0, -4) + 'FA20'))).toBe('CODEC_CHECKSUM');
  });

  it('rejects a direction nibble other than 0 (up) or 8 (down)', () => {
    expect(errorOf(patched(fromHex(S1), 11, 0x40)).message).toMatch(/direction nibble 4/);
  });

  it('rejects a text start that is neither STX nor SYN', () => {
    expect(errorOf(patched(fromHex(S1), 13, 0x03)).message).toMatch(/not STX 02 or SYN 16/);
  });

  it('rejects an end character the standard does not define', () => {
    const f = fromHex(S1);
    expect(errorOf(patched(f, f.length - 3, 0x00)).message).toMatch(/not an end character/);
  });

  it('rejects a SYN frame whose length cannot hold the 3 packet bytes', () => {
    expect(errorOf(patched(hexFrame([0x00, 0x01]), 13, 0x16)).message).toMatch(/cannot hold the 3 packet bytes/);
  });

  it('rejects packet numbers outside 1 <= seq <= total', () => {
    const syn = hexFrame([0x00, 0x01], { packet: { total: 2, seq: 1 } }); // packet word 002001 at bytes 14-16
    expect(errorOf(patched(syn, 16, 0x03)).message).toMatch(/packet 3 of 2/);
    expect(errorOf(patched(syn, 16, 0x00)).message).toMatch(/packet 0 of 2/);
  });

  it('refuses a function code SL 651 does not define as CODEC_UNSUPPORTED', () => {
    const e = errorOf(hexFrame(HEAD, { functionCode: 0x99 }));
    expect(e.code).toBe('CODEC_UNSUPPORTED');
    expect(e.offset).toBe(10);
  });
});

describe('SL 651 body errors', () => {
  it('rejects a body that ends inside the serial or the send time', () => {
    expect(errorOf(hexFrame([0x00])).message).toMatch(/inside the serial/);
    expect(errorOf(hexFrame([0x00, 0x01, 0x24])).message).toMatch(/inside the send time/);
  });

  it('rejects a send time that is not a calendar time or not BCD', () => {
    expect(errorOf(hexFrame([0x00, 0x01, 0x24, 0x13, 0x01, 0x10, 0x00, 0x00])).message).toMatch(/not a calendar time/);
    expect(errorOf(hexFrame([0x00, 0x01, 0x24, 0x02, 0x30, 0x10, 0x00, 0x00])).message).toMatch(/not a calendar time/); // 30 February
    expect(errorOf(hexFrame([0x00, 0x01, 0x24, 0x0a, 0x01, 0x10, 0x00, 0x00])).message).toMatch(/not a BCD time/);
  });

  it('rejects an observation time that is not BCD, at its offset in the frame', () => {
    const e = errorOf(hexFrame([...HEAD, ...STATION, 0xf0, 0xf0, 0x24, 0x05, 0x01, 0x1f, 0x00]));
    expect(e.message).toMatch(/observation time/);
    expect(e.offset).toBe(14 + HEAD.length + STATION.length + 2);
  });

  it('rejects an element whose value runs past the end of the body', () => {
    const e = errorOf(hexFrame([...HEAD, ...STATION, ...TT, 0x39, 0x23, 0x00, 0x01]));
    expect(e.code).toBe('CODEC_MALFORMED');
    expect(e.message).toMatch(/inside the value of 0x39/);
  });

  it('rejects an element identifier left without its definition byte', () => {
    expect(errorOf(hexFrame([...HEAD, ...TT, 0x39])).message).toMatch(/data definition of 0x39/);
  });

  it('rejects a guide identifier that is not doubled (F0 F1 ...)', () => {
    expect(errorOf(hexFrame([...HEAD, 0xf0, 0xf1, 0x24, 0x05, 0x01, 0x10, 0x00])).message).toMatch(/not doubled/);
  });

  it('rejects a data definition of zero bytes', () => {
    expect(errorOf(hexFrame([...HEAD, ...TT, 0x39, 0x03])).message).toMatch(/zero-length/);
  });

  it('rejects a uniform-interval element whose bytes are not whole values', () => {
    const body = [...HEAD, ...STATION, ...TT, 0x04, 0x18, 0x00, 0x00, 0x05, 0x39, 0x23, 0, 0, 0x01, 0x00, 0x02];
    expect(errorOf(hexFrame(body, { functionCode: 0x31 })).message).toMatch(/not whole 4-byte values/);
    expect(
      errorOf(hexFrame([...HEAD, ...TT, 0x04, 0x18, 0x00, 0x00, 0x05, 0x39, 0x23], { functionCode: 0x31 })).message,
    ).toMatch(/not whole/);
  });
});

describe('SL 651 ASCII-mode errors (provisional mode, self-constructed frames)', () => {
  const ascii = (body: string, over: Partial<Sl651FrameFields> = {}): Uint8Array =>
    encodeSl651AsciiFrame(
      fields(
        Array.from(body, (c) => c.charCodeAt(0)),
        over,
      ),
    );

  it('rejects a header character that is not a hex digit', () => {
    const f = ascii('0001 240501100000');
    f[5] = 0x47; // 'G'
    expect(errorOf(f).message).toMatch(/not a hex digit/);
  });

  it('rejects a frame whose 4-character CRC does not match', () => {
    const f = ascii('0001 240501100000');
    f[f.length - 1] = f[f.length - 1] === 0x30 ? 0x31 : 0x30;
    expect(codeOf(f)).toBe('CODEC_CHECKSUM');
  });

  it('rejects a frame shorter or longer than its length field says', () => {
    const f = ascii('0001 240501100000');
    expect(errorOf(f.subarray(0, f.length - 1)).message).toMatch(/truncated/);
    expect(errorOf(Uint8Array.from([...f, 0x7e])).message).toMatch(/after/);
  });

  it('rejects a serial that is not 4 hex digits and a send time that is not 12 digits', () => {
    expect(errorOf(ascii('01 240501100000')).message).toMatch(/serial 01/);
    expect(errorOf(ascii('0001 2405011000')).message).toMatch(/send time 2405011000/);
  });

  it('rejects ST without its address and type, and TT without 10 digits', () => {
    expect(errorOf(ascii('0001 240501100000 ST 0012345678')).message).toMatch(/ends before the station type/);
    expect(errorOf(ascii('0001 240501100000 TT 24050110')).message).toMatch(/observation time/);
  });

  it('refuses a function code SL 651 does not define as CODEC_UNSUPPORTED', () => {
    expect(codeOf(ascii('0001 240501100000', { functionCode: 0xe0 }))).toBe('CODEC_UNSUPPORTED');
  });
});

describe('SL 651 encoders refuse what they cannot send', () => {
  const base = {
    centre: 1,
    station: '0012345678',
    password: '1234',
    functionCode: 0x32,
    serial: 1,
    sentAt: '2024-05-01T02:00:00Z',
    stationTypeCode: 'H',
  };
  const withElement =
    (e: object, observedAt: string | null = '2024-05-01T02:00:00Z') =>
    () =>
      encodeSl651Report({ ...base, observations: [{ observedAt, elements: [e as never] }] });

  it.each([
    ['a value too large for its bytes', withElement({ id: 0x38, value: 100 })],
    [
      'a negative value in one byte (no room after the sign byte)',
      withElement({ id: '0xff09', value: -1, bytes: 1, decimals: 0 }),
    ],
    ['a 5-minute series without 12 values', withElement({ id: 0xf4, value: [0, 0] })],
    ['a rainfall series value above 25.4 mm', withElement({ id: 0xf4, value: Array(12).fill(25.5) })],
    ['an unknown identifier without its byte count', withElement({ id: 0x99, value: 1 })],
    ['a guide identifier as an element', withElement({ id: 0xf0, value: 1 })],
    ['an observation time with seconds', withElement({ id: 0x38, value: 12 }, '2024-05-01T02:00:30Z')],
    ['a send time outside 2000-2099', () => encodeSl651Report({ ...base, sentAt: '2100-06-01T00:00:00Z' })],
    ['a serial above 65535', () => encodeSl651Report({ ...base, serial: 70_000 })],
    ['a station address that is not 10 hex digits', () => encodeSl651Report({ ...base, station: '12345' })],
    ['a password that is not 4 hex digits', () => encodeSl651Report({ ...base, password: '12345' })],
    ['a centre address above 255', () => encodeSl651Report({ ...base, centre: 256 })],
    [
      'a station type that is neither a letter nor 0xNN',
      () => encodeSl651Report({ ...base, stationTypeCode: 'river' }),
    ],
    [
      'F2 manual data that is not last',
      () =>
        encodeSl651Report({
          ...base,
          observations: [
            {
              observedAt: null,
              elements: [
                { id: 0xf2, value: 'x' },
                { id: 0x38, value: 12 },
              ],
            },
          ],
        }),
    ],
    [
      'a group without a time after the first',
      () =>
        encodeSl651Report({
          ...base,
          observations: [
            { observedAt: null, elements: [] },
            { observedAt: null, elements: [] },
          ],
        }),
    ],
    ['a body longer than the 12-bit length', () => encodeSl651HexFrame(fields(Array(4096).fill(0)))],
    ['null status bits (a bit field has no invalid marker)', withElement({ id: 0x45, value: null })],
    [
      'an invalid (null) value in ASCII mode',
      () =>
        encodeSl651Report({
          ...base,
          mode: 'ascii',
          observations: [{ observedAt: null, elements: [{ id: 0x39, value: null }] }],
        }),
    ],
  ])('%s', (_what, encode) => {
    expect(encode).toThrow(CodecError);
  });
});
