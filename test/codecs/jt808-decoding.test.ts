import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex } from '../../src/codecs/codec.js';
import {
  decodeJt808,
  encodeAuthentication,
  encodeHeartbeat,
  encodeJt808Frame,
  encodeLocationReport,
  encodePlatformReply,
  frame,
  jt808Codec,
  unframe,
  xorCheck,
} from '../../src/codecs/jt808/index.js';

const dword = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
const word = (n: number) => n.toString(16).padStart(4, '0');

/** A 2013 0x0200 frame from basic-block values written out by hand (not by the codec's encoder). */
function location(
  o: { alarm?: number; status?: number; lat?: number; lon?: number; time?: string; items?: string },
  version: 2013 | 2019 = 2013,
): Uint8Array {
  const body =
    dword(o.alarm ?? 0) +
    dword(o.status ?? 0) +
    dword(o.lat ?? 0) +
    dword(o.lon ?? 0) +
    word(100) +
    word(605) +
    word(180) +
    (o.time ?? '240501120000') +
    (o.items ?? '');
  return encodeJt808Frame({ phone: '13912344321', serial: 1, version, messageId: 0x0200, body: fromHex(body) });
}

describe('JT/T 808 location report decoding', () => {
  it('signs latitude south with status bit 2 and longitude west with status bit 3', () => {
    const d = decodeJt808(location({ status: 0x0c, lat: 33868800, lon: 151209300 }));
    expect(d).toMatchObject({
      lat: -33.8688,
      lon: -151.2093,
      status: { south: true, west: true },
      position: { lat: -33.8688, lon: -151.2093, altitudeM: 100 },
    });
    expect(decodeJt808(location({ status: 0x04, lat: 33868800, lon: 151209300 }))).toMatchObject({
      lat: -33.8688,
      lon: 151.2093,
    });
  });

  it('reads speed in 0.1 km/h, heading in degrees and altitude in metres', () => {
    expect(decodeJt808(location({}))).toMatchObject({ altitudeM: 100, speedKmh: 60.5, headingDeg: 180 });
  });

  it('reports which GNSS systems are in use from status bits 18–21', () => {
    expect(decodeJt808(location({ status: 0x003c0000 }))).toMatchObject({
      status: { gpsUsed: true, beidouUsed: true, glonassUsed: true, galileoUsed: true },
    });
    expect(decodeJt808(location({ status: 0x00140000 }))).toMatchObject({
      status: { gpsUsed: true, beidouUsed: false, glonassUsed: true, galileoUsed: false },
    });
  });

  it('reports the load state from status bits 8–9', () => {
    const load = (bits: number) => decodeJt808(location({ status: bits << 8 })).status;
    expect([0, 1, 2, 3].map((b) => (load(b) as { load: string }).load)).toEqual(['empty', 'half', 'reserved', 'full']);
  });

  it('names alarm bits 15–17 and status bit 22 only in 2019 frames, and alarm bit 31 only in 2013 frames', () => {
    const all = { alarm: 0xffffffff, status: 0x00400000 };
    const v2013 = decodeJt808(location(all, 2013));
    const v2019 = decodeJt808(location(all, 2019));
    expect(v2013.alarm).toMatchObject({ flags: 0xffffffff, illegalDoorOpen: true });
    expect(v2013.alarm).not.toHaveProperty('illegalDriving');
    expect(v2013.status).not.toHaveProperty('driving');
    expect(v2019.alarm).toMatchObject({ illegalDriving: true, tyrePressureWarning: true, rightTurnBlindSpot: true });
    expect(v2019.alarm).not.toHaveProperty('illegalDoorOpen');
    expect(v2019.status).toMatchObject({ driving: true });
  });

  it('turns Beijing time into UTC, across midnight and the new year', () => {
    expect(decodeJt808(location({ time: '240101050000' })).time).toBe('2023-12-31T21:00:00.000Z');
  });

  it('gives a null time and the raw BCD when the terminal sends zeros or an impossible date', () => {
    expect(decodeJt808(location({ time: '000000000000' }))).toMatchObject({ time: null, timeBcd: '000000000000' });
    expect(decodeJt808(location({ time: '241301000000' }))).toMatchObject({ time: null, timeBcd: '241301000000' });
    expect(decodeJt808(location({ time: '240230120000' }))).toMatchObject({ time: null }); // 30 February
    expect(decodeJt808(location({ time: '2405011200a0' }))).toMatchObject({ time: null, timeBcd: '2405011200a0' });
  });

  it('keeps a known item with an unexpected length raw, with a warning, and loses no base field', () => {
    const d = decodeJt808(location({ lat: 30000000, items: '010200ff' + '300117' }));
    expect(d).toMatchObject({ lat: 30, items: { signalStrength: 23, raw: [{ id: 1, hex: '00ff' }] } });
    expect(d.warnings).toEqual([expect.stringContaining('0x01 has 2 byte(s), expected 4')]);
  });

  it('decodes the first of a repeated item and keeps the repeat raw', () => {
    const d = decodeJt808(location({ items: '300117' + '300118' }));
    expect(d.items).toEqual({ signalStrength: 23, raw: [{ id: 0x30, hex: '18' }] });
  });

  it('keeps trailing bytes that are not a whole item, with a warning', () => {
    expect(decodeJt808(location({ items: '31010c' + 'e1' }))).toMatchObject({
      items: { gnssSatellites: 12, remainderHex: 'e1' },
      warnings: [expect.stringContaining('stray')],
    });
    expect(decodeJt808(location({ items: '31010c' + 'e10a0102' }))).toMatchObject({
      items: { gnssSatellites: 12, remainderHex: 'e10a0102' },
    });
  });

  it('reads the 2019 carriage temperature as sign-magnitude °C and a 1-byte 0x11 as a position type alone', () => {
    expect(decodeJt808(location({ items: '06028005' + '110100' })).items).toEqual({
      carriageTempC: -5,
      overspeedArea: { areaType: 0 },
    });
  });

  it('splits 0x2B into AD0 (low word) and AD1 (high word)', () => {
    expect(decodeJt808(location({ items: '2b0400020001' })).items).toEqual({ analog: { ad0: 1, ad1: 2 } });
  });
});

describe('JT/T 808 header handling', () => {
  it('decodes a 2019 header whose version flag is clear, and says so', () => {
    const c = Uint8Array.from(unframe(encodeHeartbeat({ phone: '13912344321', serial: 3, version: 2019 })));
    c[2] = c[2]! & ~0x40;
    const d = decodeJt808(frame(c));
    expect(d).toMatchObject({
      version: 2019,
      protocolVersion: 1,
      phone: '00000000013912344321',
      serial: 3,
      warnings: [expect.stringContaining('version flag says 2013')],
    });
  });

  it('gives the same phoneTrimmed for one terminal in 2013 and 2019 frames', () => {
    const a = decodeJt808(encodeHeartbeat({ phone: '13912344321', serial: 0 }));
    const b = decodeJt808(encodeHeartbeat({ phone: '13912344321', serial: 0, version: 2019 }));
    expect([a.phone, b.phone]).toEqual(['013912344321', '00000000013912344321']);
    expect(a.phoneTrimmed).toBe('13912344321');
    expect(b.phoneTrimmed).toBe('13912344321');
  });

  it('escapes the check byte itself when it is 0x7E', () => {
    const serial = [...Array(0x10000).keys()].find(
      (s) => xorCheck(unframe(encodeHeartbeat({ phone: '1', serial: s }))) === 0x7e,
    )!;
    const bytes = encodeHeartbeat({ phone: '1', serial });
    expect(toHex(bytes).endsWith('7d027e')).toBe(true);
    expect(decodeJt808(bytes)).toMatchObject({ serial });
  });

  it('never leaves a 0x7E between the flags of an encoded frame', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 0xffff }), (body, serial) => {
        const bytes = encodeJt808Frame({ phone: '7e7d', serial, messageId: 0x7e7d, body });
        expect(bytes.subarray(1, -1).includes(0x7e)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('JT/T 808 tolerance of odd terminals', () => {
  it('reads a 2019 registration body too short for the 2019 widths with the 2013 widths, and says so', () => {
    const body = fromHex(
      '001f0073' +
        '6364000000' +
        '7777772e3830382e636f6d000000000000000000' +
        '37363534333231' +
        '01' +
        'b2e24131323334',
    );
    const d = decodeJt808(encodeJt808Frame({ phone: '1', serial: 0, version: 2019, messageId: 0x0100, body }));
    expect(d).toMatchObject({
      version: 2019,
      fieldLayout: 2013,
      makerId: 'cd',
      terminalModel: 'www.808.com',
      plate: '测A1234',
      warnings: [expect.stringContaining('2013 widths')],
    });
  });

  it('reads a 2019 authentication that is not in the 2019 layout as a plain auth code, and says so', () => {
    const bytes = encodeAuthentication({ phone: '1', serial: 0, authCode: 'abc123' });
    const c = Uint8Array.from(
      unframe(
        encodeJt808Frame({
          phone: '1',
          serial: 0,
          version: 2019,
          messageId: 0x0102,
          body: unframe(bytes).subarray(12),
        }),
      ),
    );
    expect(decodeJt808(frame(c))).toMatchObject({
      authCode: 'abc123',
      warnings: [expect.stringContaining('2013 form')],
    });
  });

  it('ignores, with a warning, bytes after a heartbeat or a general reply', () => {
    expect(
      decodeJt808(encodeJt808Frame({ phone: '1', serial: 0, messageId: 0x0002, body: Uint8Array.of(1) })),
    ).toMatchObject({ type: 'heartbeat', warnings: [expect.any(String)] });
    const reply = encodeJt808Frame({ phone: '1', serial: 0, messageId: 0x8001, body: fromHex('000102000099') });
    expect(decodeJt808(reply)).toMatchObject({
      replySerial: 1,
      replyId: 0x0200,
      result: 0,
      warnings: [expect.stringContaining('1 byte')],
    });
  });

  it('names a reply result outside the table "unknown"', () => {
    expect(
      decodeJt808(encodePlatformReply({ phone: '1', serial: 0, replySerial: 1, replyId: 2, result: 9 })),
    ).toMatchObject({ result: 9, resultName: 'unknown' });
  });
});

describe('JT/T 808 location encoder for the digital twin', () => {
  it('takes alarm and status as named flags and sets the hemisphere bits from the signs', () => {
    const bytes = encodeLocationReport({
      phone: '13912344321',
      serial: 9,
      version: 2019,
      lat: -12.5,
      lon: 130.25,
      altitudeM: 12,
      speedKmh: 72.3,
      headingDeg: 45,
      time: '2024-06-01T00:00:00.000Z',
      alarm: { overspeed: true },
      status: { accOn: true, positioned: true, gpsUsed: true, beidouUsed: true, load: 'full', west: true },
      items: {
        mileageKm: 1500.2,
        fuelL: 80.5,
        signalStrength: 25,
        gnssSatellites: 14,
        extendedSignal: { lowBeam: true, brake: true },
      },
    });
    const d = decodeJt808(bytes);
    // accOn 0x1, positioned 0x2, south 0x4, load full 0x300, GPS 0x40000, BeiDou 0x80000; `west` is overridden by lon ≥ 0.
    expect(d).toMatchObject({
      alarm: { flags: 2, overspeed: true },
      status: { flags: 0x000c0307, south: true, west: false, load: 'full' },
      lat: -12.5,
      lon: 130.25,
      speedKmh: 72.3,
      time: '2024-06-01T00:00:00.000Z',
      items: {
        mileageKm: 1500.2,
        fuelL: 80.5,
        signalStrength: 25,
        gnssSatellites: 14,
        extendedSignal: { flags: 0x11, lowBeam: true, brake: true },
      },
    });
  });

  it('is the codec named jt808, and ignores the LoRaWAN fPort', () => {
    expect(jt808Codec.name).toBe('jt808');
    expect(jt808Codec.description).toMatch(/JT\/T 808/);
    const bytes = encodeHeartbeat({ phone: '1', serial: 0 });
    expect(jt808Codec.decode(bytes, 5)).toEqual(jt808Codec.decode(bytes));
  });
});
