import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/codecs/codec.js';
import {
  buildDlt645Frame,
  decodeDlt645,
  dlt645Codec,
  encodeDlt645BroadcastTime,
  encodeDlt645ErrorReply,
  encodeDlt645ReadReply,
  encodeDlt645ReadRequest,
  lookupDi,
  readBcdLe,
  writeBcdLe,
  writeDi,
} from '../../src/codecs/dlt645/index.js';
import { DLT645_PUBLISHED } from './fixtures/dlt645-published.js';
import { codecErrorOf } from './helpers.js';

const hex = (s: string) => fromHex(s);
const wire = (s: string) => toHex(fromHex(s));

describe('published DL/T 645-2007 frames', () => {
  for (const frame of DLT645_PUBLISHED) {
    it(`decodes to what the source says: ${frame.source}`, () => {
      expect(decodeDlt645(hex(frame.hex))).toMatchObject(frame.expected);
    });
  }

  it('builds the same bytes as the published requests and replies', () => {
    const meter = '000000000161';
    expect(toHex(encodeDlt645ReadRequest({ address: meter, di: '00010000', preamble: 0 }))).toBe(
      wire('68 61 01 00 00 00 00 68 11 04 33 33 34 33 14 16'),
    );
    expect(toHex(encodeDlt645ReadRequest({ address: meter, di: '02010100' }))).toBe(
      wire('FE FE FE FE 68 61 01 00 00 00 00 68 11 04 33 34 34 35 17 16'),
    );
    expect(toHex(encodeDlt645ReadReply({ address: meter, di: '00010000', value: 0.26, preamble: 0 }))).toBe(
      wire('68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8A 16'),
    );
    expect(toHex(encodeDlt645ReadReply({ address: meter, di: '00030000', value: 100.26, preamble: 0 }))).toBe(
      wire('68 61 01 00 00 00 00 68 91 08 33 33 36 33 59 33 34 33 8D 16'),
    );
    expect(toHex(encodeDlt645ReadReply({ address: meter, di: '02010100', value: 100.1, preamble: 0 }))).toBe(
      wire('68 61 01 00 00 00 00 68 91 06 33 34 34 35 34 43 10 16'),
    );
    expect(toHex(encodeDlt645ReadRequest({ address: '202208310002', di: '028022FF' }))).toBe(
      'fefefefe680200310822206811043255b335d116',
    );
    expect(toHex(encodeDlt645ErrorReply({ address: '910004920760', error: ['unauthorized'] }))).toBe(
      wire('FE FE FE FE 68 60 07 92 04 00 91 68 D1 01 37 67 16'),
    );
  });

  it('builds the same bytes as 600888/dlt645 core_test.cpp wire vectors', () => {
    expect(toHex(buildDlt645Frame({ address: 'aaaaaaaaaaaa', control: 0x13, data: new Uint8Array(0) }))).toBe(
      wire('FE FE FE FE 68 AA AA AA AA AA AA 68 13 00 DF 16'),
    );
    expect(toHex(buildDlt645Frame({ address: '121078563412', control: 0x15, data: hex('123456781013') }))).toBe(
      wire('FE FE FE FE 68 12 34 56 78 10 12 68 15 06 45 67 89 AB 43 46 8A 16'),
    );
    expect(toHex(buildDlt645Frame({ address: '999999999999', control: 0x08, data: hex('251102123456') }))).toBe(
      wire('FE FE FE FE 68 99 99 99 99 99 99 68 08 06 58 44 35 45 67 89 7A 16'),
    );
  });

  it('reads signed BCD as LaoYutang/go-dlt645 format_test.go asserts (sign in the top bit of the last byte)', () => {
    expect(readBcdLe(hex('1294'), 2, true)).toBe(-14.12);
    expect(readBcdLe(hex('0596'), 2, true)).toBe(-16.05);
    expect(readBcdLe(hex('3401a1'), 2, true)).toBe(-2101.34);
  });
});

describe('DL/T 645 link layer', () => {
  const reply = hex('68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8A 16');

  it('takes the address least significant byte first and writes it most significant first', () => {
    expect(decodeDlt645(reply).address).toBe('000000000161');
  });

  it('accepts zero to four FE wake-up bytes', () => {
    for (let n = 0; n <= 4; n++) {
      const framed = Uint8Array.from([...new Array<number>(n).fill(0xfe), ...reply]);
      expect(decodeDlt645(framed)).toMatchObject({ di: '00010000', value: 0.26 });
    }
  });

  it('rejects a frame whose checksum byte does not match', () => {
    const bad = reply.slice();
    bad[bad.length - 2] = bad[bad.length - 2]! ^ 0x01;
    expect(codecErrorOf(() => decodeDlt645(bad))).toMatchObject({ code: 'CODEC_CHECKSUM', offset: 18 });
  });

  it('rejects a frame whose DATA was changed without fixing the checksum', () => {
    const bad = reply.slice();
    bad[14] = 0x5a;
    expect(codecErrorOf(() => decodeDlt645(bad)).code).toBe('CODEC_CHECKSUM');
  });

  it('rejects a frame that does not end with 16', () => {
    const bad = reply.slice();
    bad[bad.length - 1] = 0x17;
    expect(codecErrorOf(() => decodeDlt645(bad))).toMatchObject({ code: 'CODEC_MALFORMED', offset: 19 });
  });

  it('rejects a frame cut short of its length byte', () => {
    expect(codecErrorOf(() => decodeDlt645(reply.subarray(0, 15))).code).toBe('CODEC_MALFORMED');
  });

  it('rejects bytes after the end of the frame', () => {
    expect(codecErrorOf(() => decodeDlt645(Uint8Array.from([...reply, 0x16]))).message).toMatch(/after the end/);
  });

  it('rejects more than four FE wake-up bytes', () => {
    expect(codecErrorOf(() => decodeDlt645(Uint8Array.from([0xfe, 0xfe, 0xfe, 0xfe, 0xfe, ...reply]))).code).toBe(
      'CODEC_MALFORMED',
    );
  });

  it('rejects a frame without the second 68', () => {
    const bad = reply.slice();
    bad[7] = 0x69;
    expect(codecErrorOf(() => decodeDlt645(bad))).toMatchObject({ code: 'CODEC_MALFORMED', offset: 7 });
  });

  it('rejects input shorter than the 12-byte minimum', () => {
    expect(codecErrorOf(() => decodeDlt645(new Uint8Array(0))).code).toBe('CODEC_MALFORMED');
    expect(codecErrorOf(() => decodeDlt645(hex('6861010000000068'))).code).toBe('CODEC_MALFORMED');
  });

  it('reports a DL/T 645-1997 read (function 01) as unsupported', () => {
    const v1997 = buildDlt645Frame({ address: '000000000161', control: 0x01, data: hex('1090') });
    expect(codecErrorOf(() => decodeDlt645(v1997)).code).toBe('CODEC_UNSUPPORTED');
  });

  it('rejects a read reply too short to hold a DI', () => {
    const short = buildDlt645Frame({ address: '000000000161', control: 0x91, data: hex('0001') });
    expect(codecErrorOf(() => decodeDlt645(short))).toMatchObject({ code: 'CODEC_MALFORMED' });
  });

  it('rejects a broadcast time that is not six bytes', () => {
    const short = buildDlt645Frame({ address: '999999999999', control: 0x08, data: hex('0000') });
    expect(codecErrorOf(() => decodeDlt645(short)).code).toBe('CODEC_MALFORMED');
  });

  it('takes the control byte apart into direction, abnormal, follow-up and function', () => {
    const more = encodeDlt645ReadReply({ address: '000000000161', di: '00010000', value: 1, followUp: true });
    expect(decodeDlt645(more).control).toEqual({
      code: 0xb1,
      direction: 'reply',
      abnormal: false,
      followUp: true,
      functionCode: 0x11,
    });
  });
});

describe('DL/T 645 data identifiers', () => {
  const meter = '123456789012';
  const read = (di: string, value: Parameters<typeof encodeDlt645ReadReply>[0]['value']) =>
    decodeDlt645(encodeDlt645ReadReply({ address: meter, di, value }));

  it('names phase voltages, currents, powers, power factor and frequency with their units', () => {
    expect(read('02010200', 231.4)).toMatchObject({
      name: 'phase B voltage',
      unit: 'V',
      values: { phaseBVoltageV: 231.4 },
    });
    expect(read('02020300', -12.345)).toMatchObject({ unit: 'A', values: { phaseCCurrentA: -12.345 } });
    expect(read('02030000', 3.2109)).toMatchObject({ unit: 'kW', values: { activePowerKw: 3.2109 } });
    expect(read('02060000', -0.987)).toMatchObject({ unit: null, values: { powerFactor: -0.987 } });
    expect(read('02800002', 49.98)).toMatchObject({
      name: 'grid frequency',
      unit: 'Hz',
      values: { frequencyHz: 49.98 },
    });
    expect(read('02800007', -5.5)).toMatchObject({ unit: '°C', values: { meterTemperatureC: -5.5 } });
  });

  it('decodes a block DI into one value per member', () => {
    expect(read('0201ff00', [220.1, 221.2, 219.9])).toMatchObject({
      value: [220.1, 221.2, 219.9],
      values: { phaseAVoltageV: 220.1, phaseBVoltageV: 221.2, phaseCVoltageV: 219.9 },
    });
    expect(read('0001ff00', [100.5, 60, 40.5])).toMatchObject({
      values: { forwardActiveEnergyKwh: 100.5, forwardActiveEnergyTariff1Kwh: 60, forwardActiveEnergyTariff2Kwh: 40.5 },
    });
  });

  it('names tariff and past-settlement energy', () => {
    expect(read('00010201', 12.34)).toMatchObject({
      name: 'forward active energy, tariff 2, settlement 1 ago',
      values: { forwardActiveEnergyTariff2LastSettlement1Kwh: 12.34 },
    });
  });

  it('keeps an unknown DI as hex, with no name or values', () => {
    expect(read('04000101', '26011501')).toMatchObject({
      di: '04000101',
      name: null,
      unit: null,
      value: '26011501',
      values: {},
    });
  });

  it('keeps a known DI whose length does not fit its format as hex', () => {
    const odd = buildDlt645Frame({ address: meter, control: 0x91, data: hex('00010102' + '112233') });
    expect(decodeDlt645(odd)).toMatchObject({ di: '02010100', value: '112233', values: {} });
  });

  it('gives null for a value the meter filled with non-BCD bytes', () => {
    expect(read('02010100', 'ffff')).toMatchObject({ value: null, values: { phaseAVoltageV: null } });
  });

  it('refuses to encode a value that does not fit its format', () => {
    expect(codecErrorOf(() => encodeDlt645ReadReply({ address: meter, di: '02010100', value: 10000 })).code).toBe(
      'CODEC_MALFORMED',
    );
    expect(codecErrorOf(() => encodeDlt645ReadReply({ address: meter, di: '02010100', value: -1 })).code).toBe(
      'CODEC_MALFORMED',
    );
    expect(codecErrorOf(() => encodeDlt645ReadReply({ address: meter, di: '02020100', value: 800 })).code).toBe(
      'CODEC_MALFORMED',
    );
    expect(codecErrorOf(() => encodeDlt645ReadReply({ address: meter, di: '04000101', value: 1 })).code).toBe(
      'CODEC_MALFORMED',
    );
  });

  it('knows the formats the brief lists', () => {
    expect(lookupDi('00000000')?.format).toEqual({ bytes: 4, decimals: 2, signed: true });
    expect(lookupDi('00010000')?.format).toEqual({ bytes: 4, decimals: 2, signed: false });
    expect(lookupDi('02010100')?.format).toEqual({ bytes: 2, decimals: 1, signed: false });
    expect(lookupDi('02020100')?.format).toEqual({ bytes: 3, decimals: 3, signed: true });
    expect(lookupDi('02030000')?.format).toEqual({ bytes: 3, decimals: 4, signed: true });
    expect(lookupDi('02060000')?.format).toEqual({ bytes: 2, decimals: 3, signed: true });
    expect(lookupDi('02800002')?.format).toEqual({ bytes: 2, decimals: 2, signed: false });
    expect(lookupDi('0001ff0d')).toBeUndefined(); // settlements stop at 12
    expect(toHex(writeDi('00010000'))).toBe('00000100');
  });

  it('writes signed BCD with the sign in the top bit of the last byte', () => {
    expect(toHex(writeBcdLe(-14.12, 2, 2, true))).toBe('1294');
    expect(toHex(writeBcdLe(-2101.34, 3, 2, true))).toBe('3401a1');
  });
});

describe('other DL/T 645 commands', () => {
  const meter = '000000000161';

  it('carries the frame sequence number of follow-up reads', () => {
    expect(decodeDlt645(encodeDlt645ReadRequest({ address: meter, di: '06000001', seq: 2 }))).toMatchObject({
      function: 'read-follow-up',
      kind: 'read-request',
      seq: 2,
    });
    expect(decodeDlt645(encodeDlt645ReadReply({ address: meter, di: '00010000', value: 5, seq: 3 }))).toMatchObject({
      function: 'read-follow-up',
      kind: 'read-reply',
      value: 5,
      seq: 3,
    });
  });

  it('keeps the extra bytes of a read request (block count, load-record time) as hex', () => {
    expect(decodeDlt645(encodeDlt645ReadRequest({ address: meter, di: '06000001', paramsHex: '01' }))).toMatchObject({
      paramsHex: '01',
    });
  });

  it('decodes a write request into DI, password, operator and value', () => {
    const data = Uint8Array.from([
      ...writeDi('02010100'),
      0x02,
      0x11,
      0x22,
      0x33,
      0xaa,
      0xbb,
      0xcc,
      0xdd,
      ...writeBcdLe(230, 2, 1, false),
    ]);
    expect(decodeDlt645(buildDlt645Frame({ address: meter, control: 0x14, data }))).toMatchObject({
      kind: 'write-request',
      di: '02010100',
      passwordHex: '02112233',
      operatorHex: 'aabbccdd',
      value: 230,
    });
  });

  it('decodes the reply to a read-address command', () => {
    expect(decodeDlt645(buildDlt645Frame({ address: meter, control: 0x93, data: hex('610100000000') }))).toMatchObject({
      kind: 'address-reply',
      meterAddress: meter,
    });
  });

  it('sends the broadcast time as meter-local (UTC+8) time and reads it back as UTC', () => {
    const frame = encodeDlt645BroadcastTime({ time: '2024-03-01T16:30:05Z' }); // 00:30:05 on 2 March in Beijing
    expect(decodeDlt645(frame)).toMatchObject({
      address: '999999999999',
      kind: 'broadcast-time',
      clockHex: '053000020324',
      time: '2024-03-01T16:30:05.000Z',
    });
    expect(decodeDlt645(frame, { utcOffsetMinutes: 0 })).toMatchObject({ time: '2024-03-02T00:30:05.000Z' });
  });

  it('names every bit of the error word', () => {
    expect(decodeDlt645(encodeDlt645ErrorReply({ address: meter, error: 0x43 }))).toMatchObject({
      error: { code: 0x43, names: ['other', 'no-requested-data', 'too-many-tariffs'] },
    });
    expect(decodeDlt645(encodeDlt645ErrorReply({ address: meter, error: 0x01, functionCode: 0x14 }))).toMatchObject({
      function: 'write',
      control: { code: 0xd4 },
    });
  });
});

describe('the dlt645 PayloadCodec', () => {
  it('is named dlt645 and returns plain JSON', () => {
    const decoded = dlt645Codec.decode(hex('68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8A 16'));
    expect(dlt645Codec.name).toBe('dlt645');
    expect(JSON.parse(JSON.stringify(decoded))).toEqual(decoded);
  });
});
