import { describe, expect, it } from 'vitest';
import { fromHex, type CodecError, type CodecErrorCode } from '../../src/codecs/codec.js';
import {
  encodeAuthentication,
  encodeHeartbeat,
  encodeJt808Frame,
  encodeLocationReport,
  encodeRegistration,
  encodeRegistrationReply,
  frame,
  jt808Codec,
} from '../../src/codecs/jt808/index.js';
import { codecErrorOf } from './helpers.js';

function rejects(hexOrBytes: string | Uint8Array, code: CodecErrorCode, offset?: number): CodecError {
  const bytes = typeof hexOrBytes === 'string' ? fromHex(hexOrBytes) : hexOrBytes;
  const e = codecErrorOf(() => jt808Codec.decode(bytes));
  expect(e.code).toBe(code);
  if (offset !== undefined) expect(e.offset).toBe(offset);
  return e;
}

/** F18 (go-jt808): a valid 2013 heartbeat, 7E | 0002 0000 012345678901 0000 | 8A | 7E. */
const HEARTBEAT = '7e0002000001234567890100008a7e';
const HEARTBEAT_CONTENT = fromHex('000200000123456789010000');
const PHONE = { phone: '13912344321', serial: 1 };

/** The heartbeat's header with other body properties, re-framed with a correct check. */
function withProps(props: number, body = new Uint8Array(0)): Uint8Array {
  const c = Uint8Array.from([...HEARTBEAT_CONTENT, ...body]);
  c[2] = props >> 8;
  c[3] = props & 0xff;
  return frame(c);
}

describe('JT/T 808 decoder errors', () => {
  it('rejects bytes that do not start with the 0x7E flag', () => {
    rejects(HEARTBEAT.slice(2), 'CODEC_MALFORMED', 0);
  });

  it('rejects a frame that is cut off before its closing 0x7E', () => {
    rejects(HEARTBEAT.slice(0, -2), 'CODEC_MALFORMED', 0);
  });

  it('rejects an escape 0x7D followed by anything but 01 or 02, pointing at the 0x7D', () => {
    rejects('7e00027d03000001234567890100008a7e', 'CODEC_MALFORMED', 3);
  });

  it('rejects a 0x7D escape with nothing after it', () => {
    rejects('7e0002000001234567890100008a7d7e', 'CODEC_MALFORMED', 14);
  });

  it('rejects two frames run together (a bare 0x7E inside the frame)', () => {
    rejects(HEARTBEAT + HEARTBEAT, 'CODEC_MALFORMED', 14);
  });

  it('rejects a frame too short for a header and a check', () => {
    rejects('7e00020000017e', 'CODEC_MALFORMED');
    rejects('7e7e', 'CODEC_MALFORMED');
    rejects('7e', 'CODEC_MALFORMED');
    rejects(new Uint8Array(0), 'CODEC_MALFORMED');
  });

  it('rejects a frame whose XOR check does not match, pointing at the check byte', () => {
    const e = rejects('7e0002000001234567890100008b7e', 'CODEC_CHECKSUM', 12);
    expect(e.message).toContain('0x8b');
  });

  it('rejects a frame whose declared body length fits neither the 2013 nor the 2019 header', () => {
    rejects(withProps(0x0005), 'CODEC_MALFORMED', 2);
    rejects(withProps(0x4000 | 0x0002, new Uint8Array(3)), 'CODEC_MALFORMED', 2);
  });

  it('refuses an RSA-encrypted body (body property bit 10)', () => {
    const e = rejects(withProps(0x0400), 'CODEC_UNSUPPORTED', 2);
    expect(e.message).toContain('RSA');
  });

  it('refuses the reserved encryption modes (bits 11 and 12) as well', () => {
    rejects(withProps(0x0800), 'CODEC_UNSUPPORTED');
    rejects(withProps(0x1000), 'CODEC_UNSUPPORTED');
  });

  it('refuses a whole message whose id it does not decode', () => {
    const e = rejects(
      encodeJt808Frame({ ...PHONE, messageId: 0x0900, body: Uint8Array.of(0xf1, 1, 2) }),
      'CODEC_UNSUPPORTED',
    );
    expect(e.message).toContain('0x0900');
  });

  it('rejects a location body shorter than its 28-byte basic block, pointing at the missing field', () => {
    const e = rejects(
      encodeJt808Frame({ ...PHONE, messageId: 0x0200, body: new Uint8Array(27) }),
      'CODEC_MALFORMED',
      12 + 22,
    );
    expect(e.message).toContain('time');
  });

  it('rejects a registration body shorter than even the 2011 layout (25 bytes)', () => {
    rejects(encodeJt808Frame({ ...PHONE, messageId: 0x0100, body: new Uint8Array(24) }), 'CODEC_MALFORMED');
  });

  it('rejects general and registration replies whose bodies are too short', () => {
    rejects(encodeJt808Frame({ ...PHONE, messageId: 0x8001, body: new Uint8Array(4) }), 'CODEC_MALFORMED', 12 + 4);
    rejects(encodeJt808Frame({ ...PHONE, messageId: 0x0001, body: new Uint8Array(2) }), 'CODEC_MALFORMED');
    rejects(encodeJt808Frame({ ...PHONE, messageId: 0x8100, body: new Uint8Array(2) }), 'CODEC_MALFORMED');
  });
});

describe('JT/T 808 encoder errors', () => {
  const base = { ...PHONE, lat: 30, lon: 120, time: '2024-01-01T00:00:00Z' };
  const cases: Array<[string, () => unknown]> = [
    [
      'a phone with more significant digits than the header holds',
      () => encodeHeartbeat({ phone: '1234567890123', serial: 0 }),
    ],
    ['a phone that is not digits', () => encodeHeartbeat({ phone: '+8613912344321', serial: 0 })],
    ['a serial above 65535', () => encodeHeartbeat({ phone: '1', serial: 65536 })],
    ['a latitude beyond 90°', () => encodeLocationReport({ ...base, lat: 90.000001 })],
    ['a longitude that is not a number', () => encodeLocationReport({ ...base, lon: Number.NaN })],
    ['a time Beijing dates before 2000', () => encodeLocationReport({ ...base, time: '1999-12-31T15:59:59Z' })],
    ['a time that is not ISO-8601', () => encodeLocationReport({ ...base, time: 'yesterday' })],
    ['a fractional alarm word', () => encodeLocationReport({ ...base, alarm: 1.5 })],
    ['an unknown load state', () => encodeLocationReport({ ...base, status: { load: 'heavy' } })],
    ['a speed beyond 6553.5 km/h', () => encodeLocationReport({ ...base, speedKmh: 6553.6 })],
    [
      'an additional item longer than 255 bytes',
      () => encodeLocationReport({ ...base, items: { raw: [{ id: 0xe1, hex: '00'.repeat(256) }] } }),
    ],
    ['a body over 1023 bytes', () => encodeJt808Frame({ ...PHONE, messageId: 0x0900, body: new Uint8Array(1024) })],
    [
      'a plate character GBK has no code for',
      () =>
        encodeRegistration({
          ...PHONE,
          provinceId: 1,
          cityId: 1,
          makerId: '',
          terminalModel: '',
          terminalId: '',
          plateColor: 1,
          plate: '粤A😀',
        }),
    ],
    [
      'a maker id wider than its field',
      () =>
        encodeRegistration({
          ...PHONE,
          provinceId: 1,
          cityId: 1,
          makerId: 'ABCDEF',
          terminalModel: '',
          terminalId: '',
          plateColor: 1,
          plate: '',
        }),
    ],
    [
      'a successful registration reply without an auth code',
      () => encodeRegistrationReply({ ...PHONE, replySerial: 1, result: 0 }),
    ],
    [
      'a 2019 authentication without IMEI and software version',
      () => encodeAuthentication({ ...PHONE, version: 2019, authCode: 'x' }),
    ],
  ];
  for (const [what, run] of cases) {
    it(`refuses ${what} with CODEC_MALFORMED`, () => {
      expect(codecErrorOf(run).code).toBe('CODEC_MALFORMED');
    });
  }
});
