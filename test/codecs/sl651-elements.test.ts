import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/codecs/codec.js';
import {
  SL651_ELEMENTS,
  SL651_STATION_TYPES,
  buildSl651Reply,
  decodeSl651,
  encodeSl651HexFrame,
  encodeSl651Report,
  sl651Codec,
  sl651Element,
  type Sl651FrameFields,
} from '../../src/codecs/sl651/index.js';
import { SL651_PUBLISHED } from './fixtures/sl651-published.js';

const HEAD = [0x00, 0x01, 0x24, 0x05, 0x01, 0x10, 0x00, 0x00]; // serial 1, sent 2024-05-01 10:00:00 Beijing
const TT = [0xf0, 0xf0, 0x24, 0x05, 0x01, 0x10, 0x00];
function frame(body: number[], over: Partial<Sl651FrameFields> = {}): Uint8Array {
  return encodeSl651HexFrame({
    direction: 'up',
    centre: 1,
    station: '0012345678',
    password: '1234',
    functionCode: 0x32,
    packet: null,
    endChar: 'ETX',
    body: Uint8Array.from(body),
    ...over,
  });
}
const elementsOf = (body: number[]) => decodeSl651(frame([...HEAD, ...TT, ...body])).observations![0]!.elements;

describe('SL 651 element values', () => {
  it('reads a first data byte 0xFF as a minus sign before the BCD magnitude', () => {
    expect(elementsOf([0x39, 0x23, 0xff, 0x00, 0x03, 0x45])[0]).toMatchObject({ id: '0x39', value: -0.345 });
    expect(elementsOf([0x02, 0x11, 0xff, 0x52])[0]).toMatchObject({ key: 'airTempC', value: -5.2, unit: '°C' });
  });

  it('reads all-0xFF data as invalid: value null, and no raw bytes', () => {
    const [e] = elementsOf([0x39, 0x23, 0xff, 0xff, 0xff, 0xff]);
    expect(e).toEqual({
      id: '0x39',
      key: 'waterLevelM',
      name: 'instantaneous river (tide) level',
      unit: 'm',
      value: null,
      bytes: 4,
      decimals: 3,
    });
  });

  it('keeps value bytes that are not BCD as raw hex, with a null value', () => {
    expect(elementsOf([0x39, 0x23, 0xaa, 0xaa, 0x00, 0x01])[0]).toMatchObject({ value: null, raw: 'aaaa0001' });
  });

  it('places the decimal point where the definition byte says, whatever the table says', () => {
    // 0x39 is N(7,3) in the table; Fujian sends 39 1A (3 bytes, 2 decimals).
    expect(elementsOf([0x39, 0x1a, 0x00, 0x27, 0x30])[0]).toMatchObject({ value: 27.3, bytes: 3, decimals: 2 });
  });

  it('reads 0x45 status as a HEX bit field, not BCD', () => {
    expect(elementsOf([0x45, 0x20, 0x00, 0x60, 0x04, 0x81])[0]).toMatchObject({ key: 'statusBits', value: 0x00600481 });
  });

  it('reads the 04 time step DDHHMM as minutes', () => {
    expect(elementsOf([0x04, 0x18, 0x01, 0x02, 0x05])[0]).toMatchObject({
      key: 'timeStepMin',
      value: 1440 + 125,
      unit: 'min',
    });
  });

  it('reads F4 and F5-FC as 12 fixed-size HEX values whatever the definition byte says', () => {
    const [rain, level] = elementsOf([
      0xf4,
      0x00,
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      9,
      10,
      0xff,
      0xfc,
      0x5c,
      ...Array(11).fill([0x01, 0xac]).flat(),
      0xff,
      0xff,
    ]);
    expect(rain).toMatchObject({
      key: 'rain5minSeriesMm',
      unit: 'mm',
      stepMin: 5,
      value: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, null],
    });
    expect(level).toMatchObject({
      id: '0xfc',
      key: 'relLevel8SeriesM',
      unit: 'm',
      value: [...Array(11).fill(4.28), null],
    });
  });

  it('keeps 0xFF-prefixed identifiers raw under ext_ keys, reading their value by the definition byte', () => {
    expect(elementsOf([0xff, 0x09, 0x08, 0x20])[0]).toEqual({
      id: '0xff09',
      key: 'ext_ff09',
      name: 'extended element 0xff09',
      unit: null,
      value: 20,
      bytes: 1,
      decimals: 0,
    });
  });

  it('names identifiers the table lacks unknown_ and still reads their value', () => {
    expect(elementsOf([0xc9, 0x11, 0x00, 0x51])[0]).toMatchObject({ id: '0xc9', key: 'unknown_c9', value: 5.1 });
  });

  it('reads F2 manual data as text to the end of the body', () => {
    const msg = decodeSl651(
      frame([...HEAD, 0xf2, 0xf2, ...Array.from('Z 1.5', (c) => c.charCodeAt(0))], { functionCode: 0x35 }),
    );
    expect(msg.observations).toEqual([
      {
        observedAt: null,
        elements: [{ id: '0xf2', key: 'manualData', name: 'manual data', unit: null, value: 'Z 1.5' }],
      },
    ]);
  });
});

describe('SL 651 observation groups and flattened values', () => {
  it('opens a new observation group at every F0F0, timing the elements after it', () => {
    const msg = decodeSl651(
      frame([
        ...HEAD,
        ...TT,
        0x39,
        0x23,
        0,
        0,
        0x10,
        0x00,
        0xf0,
        0xf0,
        0x24,
        0x05,
        0x01,
        0x11,
        0x00,
        0x39,
        0x23,
        0,
        0,
        0x20,
        0x00,
      ]),
    );
    expect(msg.observations!.map((g) => [g.observedAt, g.elements.map((e) => e.value)])).toEqual([
      ['2024-05-01T02:00:00Z', [1]],
      ['2024-05-01T03:00:00Z', [2]],
    ]);
    expect(msg.values).toEqual({ waterLevelM: 2 });
  });

  it('flattens each key to its latest non-null value, and a series to its latest sample', () => {
    const msg = decodeSl651(
      frame([
        ...HEAD,
        ...TT,
        0x39,
        0x23,
        0,
        0,
        0x10,
        0x00,
        0xf0,
        0xf0,
        0x24,
        0x05,
        0x01,
        0x11,
        0x00,
        0x39,
        0x23,
        0xff,
        0xff,
        0xff,
        0xff,
        0x38,
        0x12,
        0xff,
        0xff,
        0xf4,
        0x60,
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
        9,
        10,
        0xff,
        0xff,
      ]),
    );
    expect(msg.values).toEqual({ waterLevelM: 1, voltageV: null, rain5minSeriesMm: 1 });
  });

  it('gives a uniform-interval report one element whose value is the N samples, a time step apart', () => {
    const msg = decodeSl651(
      frame([...HEAD, ...TT, 0x04, 0x18, 0x00, 0x01, 0x00, 0x20, 0x19, 0, 0, 0x05, 0, 0, 0x10, 0xff, 0xff, 0xff], {
        functionCode: 0x31,
      }),
    );
    expect(msg.observations![0]!.elements[1]).toMatchObject({
      key: 'rainCurrentMm',
      value: [0.5, 1, null],
      stepMin: 60,
    });
    expect(msg.values).toEqual({ timeStepMin: 60, rainCurrentMm: 1 });
  });
});

describe('SL 651 directions, packets and replies', () => {
  it('reads a downlink with the station address first and the centre after it', () => {
    const down = frame(HEAD, {
      direction: 'down',
      centre: 0x25,
      station: '00418d2337',
      functionCode: 0x37,
      endChar: 'ENQ',
    });
    expect(toHex(down.subarray(2, 8))).toBe('00418d233725');
    expect(decodeSl651(down)).toEqual({
      protocol: 'sl651',
      mode: 'hex',
      functionCode: 0x37,
      type: 'queryRealtime',
      direction: 'down',
      centre: 0x25,
      station: '00418d2337',
      password: '1234',
      endChar: 'ENQ',
      packet: null,
      serial: 1,
      sentAt: '2024-05-01T02:00:00Z',
    });
  });

  it('decodes the body of a SYN frame that is packet 1 of 1', () => {
    const msg = decodeSl651(frame([...HEAD, ...TT, 0x38, 0x12, 0x12, 0x34], { packet: { total: 1, seq: 1 } }));
    expect(msg).toMatchObject({ packet: { total: 1, seq: 1 }, values: { voltageV: 12.34 } });
  });

  it('confirms with ESC by default and EOT on request, and cannot confirm a frame without a serial', () => {
    const up = { centre: 1, station: '0012345678', password: '1234', functionCode: 0x30, serial: 3 };
    expect(toHex(buildSl651Reply(up, '2059-10-11T07:49:47Z'))).toBe(
      '7e7e00123456780112343080080200035910111549471b75d4',
    );
    expect(decodeSl651(buildSl651Reply(up, '2059-10-11T07:49:47Z', 'EOT')).endChar).toBe('EOT');
    const { serial: _serial, ...noSerial } = up;
    expect(() => buildSl651Reply(noSerial, '2059-10-11T07:49:47Z')).toThrow(/no serial/);
  });

  it('encodes a report that decodes to what the station sent (the digital twin path)', () => {
    const bytes = encodeSl651Report({
      centre: 5,
      station: '0011223344',
      password: '03e8',
      functionCode: 0x32,
      serial: 0x34,
      sentAt: '2017-07-18T03:00:16Z',
      stationTypeCode: 'H',
      observations: [
        {
          observedAt: '2017-07-18T03:00:00Z',
          elements: [
            { id: 0x20, value: 4 },
            { id: 0x26, value: 4 },
            { id: 0x39, value: 10.49 },
            { id: 0x38, value: 10.99 },
          ],
        },
      ],
    });
    // Byte for byte the published S2 timed report: the table's standard definitions are what stations send.
    expect(toHex(bytes)).toBe(SL651_PUBLISHED.find((f) => f.name.startsWith('S2'))!.hex.toLowerCase());
  });
});

describe('SL 651 ASCII mode (provisional: no public golden frame; a self-constructed example)', () => {
  it('writes the header as hex characters and the body as mnemonic/decimal tokens, and reads them back', () => {
    const bytes = encodeSl651Report({
      mode: 'ascii',
      centre: 1,
      station: '0012345678',
      password: '1234',
      functionCode: 0x32,
      serial: 3,
      sentAt: '2017-07-18T03:00:16Z',
      stationTypeCode: 'H',
      observations: [
        {
          observedAt: '2017-07-18T03:00:00Z',
          elements: [
            { id: 0x20, value: 4 },
            { id: 0x39, value: -0.345 },
            { id: 0x38, value: 12.6 },
          ],
        },
      ],
    });
    const text = String.fromCharCode(...bytes);
    expect(text.slice(0, 24)).toBe('\x0101001234567812343200' + text.slice(21, 23) + '\x02');
    expect(text.slice(24, -5)).toBe('0003 170718110016 ST 0012345678 H TT 1707181100 PJ 4.0 Z -0.345 VT 12.60');
    expect(text.charCodeAt(text.length - 5)).toBe(0x03);
    expect(decodeSl651(bytes)).toMatchObject({
      mode: 'ascii',
      serial: 3,
      stationType: 'river',
      values: { rainCurrentMm: 4, waterLevelM: -0.345, voltageV: 12.6 },
    });
  });
});

describe('SL 651 tables', () => {
  it('has unique identifiers, keys and mnemonics', () => {
    for (const field of ['id', 'key', 'mnemonic'] as const)
      expect(new Set(SL651_ELEMENTS.map((e) => e[field])).size).toBe(SL651_ELEMENTS.length);
  });

  it('covers the rainfall, level, flow and voltage elements and every identifier of the golden frames', () => {
    for (let id = 0x1a; id <= 0x26; id++) expect(sl651Element(id)?.unit).toBe('mm');
    expect([0x39, 0x3a, 0x3b].map((id) => sl651Element(id)?.key)).toEqual([
      'waterLevelM',
      'downstreamLevelM',
      'reservoirLevelM',
    ]);
    expect(sl651Element(0x27)).toMatchObject({ key: 'flowM3s', unit: 'm³/s', nameZh: '瞬时流量、抽水流量' });
    expect(sl651Element(0x38)).toMatchObject({ key: 'voltageV', unit: 'V', mnemonic: 'VT' });
    const golden = SL651_PUBLISHED.flatMap((f) => decodeSl651(fromHex(f.hex)).observations ?? []).flatMap(
      (g) => g.elements,
    );
    const unnamed = golden.filter((e) => e.key.startsWith('unknown_')).map((e) => e.id);
    expect(unnamed).toEqual(['0xc1', '0xc2', '0xc9', '0x7a', '0xca']); // vendor codes in the watertester frame only
  });

  it('gives each element the standard definition byte that the published stations send', () => {
    // Two frames choose their own definitions and are left out: the watertester vendor frame
    // (27 36, 3C 1B ...) and Fujian's 39 1A.
    const own = ['add report (0x33) with velocity', 'Fujian hourly report (0x34): F5'];
    const differing: string[] = [];
    for (const f of SL651_PUBLISHED.filter((p) => !own.some((o) => p.name.startsWith(o)))) {
      for (const e of (decodeSl651(fromHex(f.hex)).observations ?? []).flatMap((g) => g.elements)) {
        const info = e.id && e.id.length === 4 ? sl651Element(parseInt(e.id.slice(2), 16)) : undefined;
        if (!info || e.bytes === undefined) continue;
        if (Math.ceil(info.digits / 2) !== e.bytes || info.decimals !== e.decimals)
          differing.push(`${f.name}: ${e.id}`);
      }
    }
    expect(differing).toEqual([]);
  });

  it('maps the station type letters to names', () => {
    expect(SL651_STATION_TYPES).toMatchObject({
      P: 'rain',
      H: 'river',
      K: 'reservoir',
      Z: 'gate',
      D: 'pump',
      T: 'tide',
      G: 'groundwater',
      Q: 'waterQuality',
    });
  });

  it('is registered under the name sl651', () => {
    expect(sl651Codec.name).toBe('sl651');
  });
});
