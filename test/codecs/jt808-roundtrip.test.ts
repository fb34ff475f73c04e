import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { toHex } from '../../src/codecs/codec.js';
import {
  decodeBcdTime,
  decodeGbk,
  decodeJt808,
  encodeAuthentication,
  encodeBcdTime,
  encodeGbk,
  encodeHeartbeat,
  encodeJt808Frame,
  encodeLocationReport,
  encodeLogout,
  encodePlatformReply,
  encodeRegistration,
  encodeRegistrationReply,
  encodeTerminalReply,
  type LocationItemsInput,
  type RawItem,
} from '../../src/codecs/jt808/index.js';
import { reencode } from './fixtures/jt808-reencode.js';

const RUNS = { numRuns: 300 };
const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const tenths = (max: number) => fc.integer({ min: 0, max }).map((n) => n / 10);
const micro = (limit: number) => fc.integer({ min: -limit * 1e6, max: limit * 1e6 }).map((n) => n / 1e6);
const HOUR = 3_600_000;
/** Whole seconds whose Beijing time is in 2000–2099 (what BCD YY holds). */
const isoSecond = fc
  .integer({
    min: (Date.UTC(2000, 0, 1) - 8 * HOUR) / 1000,
    max: (Date.UTC(2099, 11, 31, 23, 59, 59) - 8 * HOUR) / 1000,
  })
  .map((s) => new Date(s * 1000).toISOString());

/** Header fields of either edition; the phone is as many digits as the header holds, or fewer. */
const fields2013 = fc.record({
  version: fc.constant(2013 as const),
  phone: fc.stringMatching(/^[0-9]{1,12}$/),
  serial: u16,
  protocolVersion: fc.constant(undefined),
});
const fields2019 = fc.record({
  version: fc.constant(2019 as const),
  phone: fc.stringMatching(/^[0-9]{1,20}$/),
  serial: u16,
  protocolVersion: u8,
});
const frameFields = fc.oneof(fields2013, fields2019);
type Fields = { version: 2013 | 2019; phone: string; serial: number; protocolVersion: number | undefined };

/** What the decoder reports for the header of a frame written from f. */
function decodedHeader(f: Fields) {
  const phone = f.phone.padStart(f.version === 2019 ? 20 : 12, '0');
  return {
    protocol: 'jt808',
    version: f.version,
    ...(f.version === 2019 && { protocolVersion: f.protocolVersion }),
    phone,
    phoneTrimmed: phone.replace(/^0+(?=.)/, ''),
    serial: f.serial,
  };
}

/** Printable ASCII and GBK ideographs, as plates and codes use them (no 0x00: that is padding). */
const text = (maxLength: number) =>
  fc.string({
    unit: fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      fc.constantFrom('粤', '京', '沪', '测', '甘', '哈', '鲁', '川'),
    ),
    maxLength,
  });
const fits = (width: number) => (s: string) => encodeGbk(s, 'test').length <= width;

const KNOWN_ITEM_IDS = new Set([0x01, 0x02, 0x03, 0x04, 0x06, 0x11, 0x12, 0x13, 0x25, 0x2a, 0x2b, 0x30, 0x31]);
const items: fc.Arbitrary<LocationItemsInput> = fc.record(
  {
    mileageKm: tenths(0xffffffff),
    fuelL: tenths(0xffff),
    recorderSpeedKmh: tenths(0xffff),
    alarmEventId: u16,
    carriageTempC: fc.integer({ min: -0x7fff, max: 0x7fff }),
    overspeedArea: fc.oneof(fc.record({ areaType: u8 }), fc.record({ areaType: u8, areaId: u32 })),
    areaAlarm: fc.record({ areaType: u8, areaId: u32, direction: u8 }),
    routeTimeAlarm: fc.record({ routeId: u32, drivingTimeS: u16, result: u8 }),
    extendedSignal: u32,
    ioStatus: u16,
    analog: fc.record({ ad0: u16, ad1: u16 }),
    signalStrength: u8,
    gnssSatellites: u8,
    raw: fc.array(
      fc.record({ id: u8.filter((id) => !KNOWN_ITEM_IDS.has(id)), hex: fc.uint8Array({ maxLength: 24 }).map(toHex) }),
      { maxLength: 4 },
    ),
  },
  { requiredKeys: [] },
);

/** The decoded items of input: flag words become { flags, … }, raw items come back in ascending id order. */
function decodedItems(input: LocationItemsInput) {
  const { raw, extendedSignal, ioStatus, ...rest } = input;
  const sorted: RawItem[] = [...(raw ?? [])].sort((a, b) => a.id - b.id);
  return {
    ...rest,
    ...(extendedSignal !== undefined && { extendedSignal: expect.objectContaining({ flags: extendedSignal }) }),
    ...(ioStatus !== undefined && { ioStatus: expect.objectContaining({ flags: ioStatus }) }),
    ...(sorted.length > 0 && { raw: sorted }),
  };
}

describe('JT/T 808 encode → decode round trip', () => {
  it('decodes every 0x0200 it encodes to the same report, and re-encodes that to the same bytes', () => {
    const location = fc.record({
      alarm: u32,
      status: u32,
      lat: micro(90),
      lon: micro(180),
      altitudeM: u16,
      speedKmh: tenths(0xffff),
      headingDeg: fc.integer({ min: 0, max: 359 }),
      time: fc.option(isoSecond),
      items,
    });
    fc.assert(
      fc.property(frameFields, location, (f, x) => {
        const bytes = encodeLocationReport({ ...f, ...x });
        const d = decodeJt808(bytes);
        const lat = x.lat === 0 ? 0 : x.lat,
          lon = x.lon === 0 ? 0 : x.lon;
        // Bits 2 and 3 always follow the signs of lat and lon.
        const status = ((x.status & ~0x0c) | (lat < 0 ? 4 : 0) | (lon < 0 ? 8 : 0)) >>> 0;
        expect(d).toMatchObject({
          ...decodedHeader(f),
          messageId: 0x0200,
          type: 'location',
          alarm: { flags: x.alarm },
          status: { flags: status },
          lat,
          lon,
          altitudeM: x.altitudeM,
          speedKmh: x.speedKmh,
          headingDeg: x.headingDeg,
          time: x.time,
          position: { lat, lon, altitudeM: x.altitudeM },
        });
        expect(d.items).toEqual(decodedItems(x.items));
        expect(d.warnings).toBeUndefined();
        expect(toHex(reencode(d))).toBe(toHex(bytes));
      }),
      RUNS,
    );
  });

  it('decodes every 0x0100 it encodes, in the 2011, 2013 and 2019 field widths', () => {
    const registration = (fieldLayout: 2011 | 2013 | 2019) => {
      const w = { 2011: [5, 8, 7], 2013: [5, 20, 7], 2019: [11, 30, 30] }[fieldLayout];
      return fc.record({
        fieldLayout: fc.constant(fieldLayout),
        provinceId: u16,
        cityId: u16,
        makerId: text(w[0]!).filter(fits(w[0]!)),
        terminalModel: text(w[1]!).filter(fits(w[1]!)),
        terminalId: text(w[2]!).filter(fits(w[2]!)),
        plateColor: u8,
        // A 2011 body is told from 2013 by its length, so its plate must stay under 12 bytes.
        plate: fieldLayout === 2011 ? text(11).filter(fits(11)) : text(20),
      });
    };
    const layoutAndFields = fc.oneof(
      fc.record({ f: fields2013, body: fc.oneof(registration(2011), registration(2013)) }),
      fc.record({ f: fields2019, body: registration(2019) }),
    );
    fc.assert(
      fc.property(layoutAndFields, ({ f, body }) => {
        const bytes = encodeRegistration({ ...f, ...body });
        const d = decodeJt808(bytes);
        expect(d).toEqual({ ...decodedHeader(f), messageId: 0x0100, type: 'registration', ...body });
        expect(toHex(reencode(d))).toBe(toHex(bytes));
      }),
      RUNS,
    );
  });

  it('decodes every 0x0102 it encodes, 2013 (code only) and 2019 (code, IMEI, software version)', () => {
    fc.assert(
      fc.property(
        frameFields,
        text(40),
        fc.stringMatching(/^[0-9]{0,15}$/),
        text(20).filter(fits(20)),
        (f, authCode, imei, softwareVersion) => {
          const body = f.version === 2019 ? { authCode, imei, softwareVersion } : { authCode };
          const bytes = encodeAuthentication({ ...f, ...body });
          const d = decodeJt808(bytes);
          expect(d).toEqual({ ...decodedHeader(f), messageId: 0x0102, type: 'authentication', ...body });
          expect(toHex(reencode(d))).toBe(toHex(bytes));
        },
      ),
      RUNS,
    );
  });

  it('decodes every general reply, registration reply, heartbeat and logout it encodes', () => {
    const reply = fc.record({ replySerial: u16, replyId: u16, result: u8 });
    fc.assert(
      fc.property(frameFields, reply, text(30), (f, r, authCode) => {
        const h = decodedHeader(f);
        const platform = decodeJt808(encodePlatformReply({ ...f, ...r }));
        expect(platform).toMatchObject({ ...h, messageId: 0x8001, type: 'platform-reply', ...r });
        expect(platform.resultName).toBe(
          ['success', 'failure', 'message-error', 'unsupported', 'alarm-confirmed'][r.result] ?? 'unknown',
        );
        expect(decodeJt808(encodeTerminalReply({ ...f, ...r }))).toMatchObject({
          ...h,
          messageId: 0x0001,
          type: 'terminal-reply',
          ...r,
        });
        const reg = { replySerial: r.replySerial, result: r.result % 6, ...(r.result % 6 === 0 && { authCode }) };
        expect(decodeJt808(encodeRegistrationReply({ ...f, ...reg }))).toMatchObject({
          ...h,
          messageId: 0x8100,
          type: 'registration-reply',
          ...reg,
        });
        expect(decodeJt808(encodeHeartbeat(f))).toEqual({ ...h, messageId: 0x0002, type: 'heartbeat' });
        expect(decodeJt808(encodeLogout(f))).toEqual({ ...h, messageId: 0x0003, type: 'logout' });
      }),
      RUNS,
    );
  });

  it('returns a packet of a split message as a fragment with its body, and decodes a message split into one packet', () => {
    const packet = fc
      .integer({ min: 2, max: 0xffff })
      .chain((total) => fc.record({ total: fc.constant(total), seq: fc.integer({ min: 1, max: total }) }));
    fc.assert(
      fc.property(frameFields, packet, fc.uint8Array({ maxLength: 100 }), (f, p, body) => {
        const d = decodeJt808(encodeJt808Frame({ ...f, messageId: 0x0801, body, packet: p }));
        expect(d).toEqual({
          ...decodedHeader(f),
          messageId: 0x0801,
          type: 'fragment',
          packet: p,
          bodyHex: toHex(body),
        });
      }),
      RUNS,
    );
    const whole = decodeJt808(
      encodeJt808Frame({
        phone: '13912344321',
        serial: 5,
        messageId: 0x0002,
        body: new Uint8Array(0),
        packet: { total: 1, seq: 1 },
      }),
    );
    expect(whole).toMatchObject({ type: 'heartbeat', packet: { total: 1, seq: 1 } });
  });

  it('turns every Beijing second of 2000–2099 into BCD and back', () => {
    fc.assert(
      fc.property(isoSecond, (iso) => {
        expect(decodeBcdTime(encodeBcdTime(iso))).toBe(iso);
      }),
      RUNS,
    );
  });

  it("encodes any text GBK can hold so that Node's GBK decoder gives it back", () => {
    const encodable = fc
      .string({
        unit: fc
          .integer({ min: 0x20, max: 0xffff })
          .filter((c) => c < 0xd800 || c > 0xdfff)
          .map((c) => String.fromCharCode(c)),
      })
      .map((s) =>
        [...s]
          .filter((ch) => {
            try {
              encodeGbk(ch, 't');
              return true;
            } catch {
              return false;
            }
          })
          .join(''),
      );
    fc.assert(
      fc.property(encodable, (s) => {
        expect(decodeGbk(encodeGbk(s, 't'))).toBe(s);
      }),
      RUNS,
    );
  });

  it('encodes every CJK unified ideograph of Unicode 1.1 (U+4E00–U+9FA5), all of which GBK holds', () => {
    for (let cp = 0x4e00; cp <= 0x9fa5; cp++) expect(encodeGbk(String.fromCharCode(cp), 't').length).toBe(2);
  });
});
