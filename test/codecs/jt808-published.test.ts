import { describe, expect, it } from 'vitest';
import { CodecError, fromHex, toHex } from '../../src/codecs/codec.js';
import {
  decodeAuthenticationBody,
  decodeLocationBody,
  encodeLocationReport,
  encodePlatformReply,
  encodeRegistrationReply,
  jt808Codec,
} from '../../src/codecs/jt808/index.js';
import { AUTH_2019_BODY, BAD_CHECK_FRAMES, PUBLISHED_FRAMES, ROBUSTNESS_FRAMES } from './fixtures/jt808-published.js';
import { reencode } from './fixtures/jt808-reencode.js';

describe('JT/T 808 frames published by other implementations', () => {
  for (const f of PUBLISHED_FRAMES) {
    it(`decodes ${f.name} to the values ${f.source} asserts`, () => {
      expect(jt808Codec.decode(fromHex(f.hex))).toMatchObject(f.expected);
    });
  }

  for (const f of [...PUBLISHED_FRAMES, ...ROBUSTNESS_FRAMES].filter((x) => x.reencodes)) {
    it(`re-encodes the decoded ${f.name} to the published bytes`, () => {
      expect(toHex(reencode(jt808Codec.decode(fromHex(f.hex))))).toBe(f.hex.toLowerCase());
    });
  }

  for (const f of ROBUSTNESS_FRAMES) {
    it(`decodes ${f.name} (${f.source}) without losing anything`, () => {
      expect(jt808Codec.decode(fromHex(f.hex))).toMatchObject(f.expected);
    });
  }

  it("writes the 0x0200 frame SmallChi's encoder produces from the same inputs, items in its order", () => {
    const bytes = encodeLocationReport({
      phone: '112233445566',
      serial: 8888,
      version: 2013,
      alarm: 1,
      status: 2,
      lat: 12.222222,
      lon: 132.444444,
      altitudeM: 40,
      speedKmh: 6,
      headingDeg: 0,
      time: '2018-07-15T02:10:10Z',
      items: {
        mileageKm: 10,
        fuelL: 5.5,
        recorderSpeedKmh: 5.6,
        alarmEventId: 1,
        overspeedArea: { areaType: 1, areaId: 1 },
        areaAlarm: { areaType: 1, areaId: 1, direction: 1 },
        routeTimeAlarm: { routeId: 2, drivingTimeS: 34, result: 1 },
        extendedSignal: 23,
        ioStatus: 244,
        analog: { ad0: 242, ad1: 0 },
        signalStrength: 2,
        gnssSatellites: 5,
      },
    });
    expect(toHex(bytes)).toBe(PUBLISHED_FRAMES.find((f) => f.name.startsWith('F3 '))!.hex.toLowerCase());
  });

  it("writes the 0x8001 alarm confirmation hylexus's encoder produces", () => {
    const bytes = encodePlatformReply({ phone: '13912344323', serial: 0, replySerial: 222, replyId: 0, result: 4 });
    expect(toHex(bytes)).toBe('7e80010005013912344323000000de000004207e');
  });

  it("writes the 0x8100 replies hylexus's encoder produces, GBK auth code included", () => {
    expect(
      toHex(
        encodeRegistrationReply({
          phone: '13912344323',
          serial: 0,
          replySerial: 111,
          result: 0,
          authCode: 'Code-123456!!!哈哈',
        }),
      ),
    ).toBe('7e810000150139123443230000006f00436f64652d313233343536212121b9feb9fea37e');
    expect(toHex(encodeRegistrationReply({ phone: '13912344323', serial: 0, replySerial: 111, result: 1 }))).toBe(
      '7e810000030139123443230000006f01927e',
    );
  });

  it('reads the 2019 0x0102 body SmallChi asserts (code length, code, IMEI, 0x00-padded version)', () => {
    expect(decodeAuthenticationBody(fromHex(AUTH_2019_BODY.hex), 2019, [])).toEqual(AUTH_2019_BODY.expected);
  });

  it("rejects SmallChi's device frames whose published XOR check is wrong", () => {
    for (const f of Object.values(BAD_CHECK_FRAMES)) {
      const thrown = (() => {
        try {
          jt808Codec.decode(fromHex(f.hex));
        } catch (e) {
          return e;
        }
      })();
      expect(thrown).toBeInstanceOf(CodecError);
      expect(thrown).toMatchObject({ code: 'CODEC_CHECKSUM' });
    }
  });

  it('keeps the base fields of SmallChi Test8 and counts its items as the source does: 6 standard, 12 unknown, 1 malformed', () => {
    const body = fromHex(BAD_CHECK_FRAMES.test8.hex).subarray(13, -2); // 7E + 12-byte header … check + 7E
    const warnings: string[] = [];
    const r = decodeLocationBody(body, 2013, 12, warnings);
    expect(r).toMatchObject({
      lat: 32.910979,
      lon: 118.783122,
      altitudeM: 30,
      headingDeg: 30,
      time: '2011-01-10T19:11:52.000Z',
    });
    const { raw, remainderHex, ...standard } = r.items;
    expect(Object.keys(standard)).toEqual([
      'mileageKm',
      'recorderSpeedKmh',
      'extendedSignal',
      'analog',
      'signalStrength',
      'gnssSatellites',
    ]);
    expect(raw?.map((i) => i.id)).toEqual([0x05, 0x06, 0x07, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xea, 0xeb, 0xee]);
    expect(remainderHex).toBe('f6041450');
    expect(warnings.some((w) => w.includes('0xf6'))).toBe(true);
  });

  it('keeps both items with the repeated id 0x00 in SmallChi Test7', () => {
    const body = fromHex(BAD_CHECK_FRAMES.test7.hex).subarray(13, -2);
    const r = decodeLocationBody(body, 2013, 12, []);
    expect(r.items.raw).toEqual([
      { id: 0, hex: '00ce0b29' },
      { id: 0, hex: '00b222222222222222222222' },
      { id: 0xeb, hex: '000c00b222222222222222222222' },
    ]);
    expect(r.items).toMatchObject({ mileageKm: 941.5, signalStrength: 23, gnssSatellites: 27 });
  });
});
