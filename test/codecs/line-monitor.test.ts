import { describe, expect, it } from 'vitest';
import { CodecError, fromHex, toHex } from '../../src/codecs/codec.js';
import {
  CONSECUTIVE_PACKET_TYPES,
  crc16Modbus,
  createLineMonitorCodec,
  decodeLineMonitor,
  DEFAULT_LINE_MONITOR_PROFILE,
  DEFAULT_PACKET_TYPES,
  encodeLineMonitorDataResponse,
  encodeLineMonitorRaw,
  encodeLineMonitorUpload,
  lineMonitorCodec,
  validateLineMonitorProfile,
  type LineMonitorProfile,
  type LineMonitorUpload,
} from '../../src/codecs/line-monitor/index.js';
import { LINE_MONITOR_SELF_MADE } from './fixtures/line-monitor-self-made.js';
import { codecErrorOf } from './helpers.js';

const [ICING, WEATHER, ACK] = LINE_MONITOR_SELF_MADE as [
  (typeof LINE_MONITOR_SELF_MADE)[0],
  (typeof LINE_MONITOR_SELF_MADE)[0],
  (typeof LINE_MONITOR_SELF_MADE)[0],
];

const icingUpload: LineMonitorUpload = {
  deviceId: 'SATIOT-LM-0000001',
  packetType: 'icing',
  frameNo: 0x81,
  componentId: 'SATIOT-LINE-00042',
  sampledAt: '2024-01-15T08:30:00Z',
  values: {
    iceThicknessMm: 12.5,
    tensionN: 15300.5,
    tensionDifferenceN: 820.3,
    sensorCount: 2,
    sensors: [
      { originalTensionN: 7650.2, windDeflectionAngleDeg: 3.25, deflectionAngleDeg: -1.5 },
      { originalTensionN: 7650.3, windDeflectionAngleDeg: 2.75, deflectionAngleDeg: 0.5 },
    ],
  },
};

describe('self-made I1 frames (no published frame exists)', () => {
  for (const frame of LINE_MONITOR_SELF_MADE) {
    const label = frame.source.split(': ').pop();
    it(`decodes to the values it was built from: ${label}`, () => {
      expect(decodeLineMonitor(fromHex(frame.hex))).toMatchObject(frame.expected);
    });

    it(`carries the CRC python3 computed, low byte first: ${label}`, () => {
      const bytes = fromHex(frame.hex);
      const at = bytes.length - 3;
      expect(bytes[at]! | (bytes[at + 1]! << 8)).toBe(frame.crc);
      expect(crc16Modbus(bytes, 2, at)).toBe(frame.crc);
    });
  }

  it('builds byte for byte the frames python3 built', () => {
    expect(toHex(encodeLineMonitorUpload(icingUpload))).toBe(ICING.hex);
    expect(
      toHex(
        encodeLineMonitorUpload({
          deviceId: 'SATIOT-LM-0000002',
          packetType: 0x01,
          frameNo: 0x82,
          componentId: 'SATIOT-TOWER-0007',
          sampledAt: '2024-01-15T08:30:00.000Z',
          values: WEATHER.expected.values as LineMonitorUpload['values'],
        }),
      ),
    ).toBe(WEATHER.hex);
    expect(
      toHex(
        encodeLineMonitorDataResponse({
          deviceId: 'SATIOT-LM-0000001',
          packetType: 'icing',
          frameNo: 0x81,
          success: true,
        }),
      ),
    ).toBe(ACK.hex);
  });

  it('computes the CRC-16/MODBUS check value of "123456789"', () => {
    expect(crc16Modbus(new TextEncoder().encode('123456789'))).toBe(0x4b37);
  });
});

describe('I1 framing errors', () => {
  const good = () => fromHex(ICING.hex);

  it('rejects a frame whose CRC does not match its content', () => {
    const bad = good();
    bad[30] = bad[30]! ^ 0x01;
    expect(codecErrorOf(() => decodeLineMonitor(bad))).toMatchObject({
      code: 'CODEC_CHECKSUM',
      offset: bad.length - 3,
    });
  });

  it('rejects a frame that does not start with the sync bytes', () => {
    const bad = good();
    bad[0] = 0x7e;
    expect(codecErrorOf(() => decodeLineMonitor(bad))).toMatchObject({ code: 'CODEC_MALFORMED', offset: 0 });
  });

  it('rejects a frame whose end byte is not 96', () => {
    const bad = good();
    bad[bad.length - 1] = 0x16;
    expect(codecErrorOf(() => decodeLineMonitor(bad)).code).toBe('CODEC_MALFORMED');
  });

  it('rejects a frame shorter than Packet_Length says', () => {
    expect(codecErrorOf(() => decodeLineMonitor(good().subarray(0, 60))).message).toMatch(/truncated/);
  });

  it('rejects bytes after the end byte', () => {
    expect(codecErrorOf(() => decodeLineMonitor(Uint8Array.from([...good(), 0x00]))).message).toMatch(/after the end/);
  });

  it('rejects input shorter than a header and tail', () => {
    expect(codecErrorOf(() => decodeLineMonitor(fromHex('a55a'))).code).toBe('CODEC_MALFORMED');
  });

  it('rejects a monitoring payload shorter than its packet layout', () => {
    const short = encodeLineMonitorRaw({
      deviceId: 'SATIOT-LM-0000001',
      frameType: 1,
      packetType: 0x22,
      frameNo: 1,
      payloadHex: '00'.repeat(30),
    });
    expect(codecErrorOf(() => decodeLineMonitor(short))).toMatchObject({ code: 'CODEC_MALFORMED' });
  });

  it('rejects an icing payload whose sensor count runs past its end', () => {
    const bytes = encodeLineMonitorUpload(icingUpload);
    const payload = bytes.slice(24, bytes.length - 3);
    payload[33] = 9; // sensorCount: 9 sensors, only 2 sent
    const frame = encodeLineMonitorRaw({
      deviceId: 'SATIOT-LM-0000001',
      frameType: 1,
      packetType: 0x22,
      frameNo: 1,
      payloadHex: toHex(payload),
    });
    expect(codecErrorOf(() => decodeLineMonitor(frame)).message).toMatch(/sensors/);
  });

  it('reports a Frame_Type outside 01–0A as unsupported', () => {
    const odd = encodeLineMonitorRaw({
      deviceId: 'SATIOT-LM-0000001',
      frameType: 0x0b,
      packetType: 0x01,
      frameNo: 1,
      payloadHex: '',
    });
    expect(codecErrorOf(() => decodeLineMonitor(odd))).toMatchObject({ code: 'CODEC_UNSUPPORTED', offset: 21 });
  });
});

describe('I1 payloads', () => {
  it('keeps the payload of a packet type the profile does not know as hex', () => {
    const wave = encodeLineMonitorRaw({
      deviceId: 'SATIOT-LM-0000001',
      frameType: 1,
      packetType: 0x1f,
      frameNo: 3,
      payloadHex: '0102',
    });
    expect(decodeLineMonitor(wave)).toMatchObject({
      type: 'unknown',
      name: null,
      values: {},
      payloadHex: '0102',
      componentId: null,
      sampledAt: null,
    });
  });

  it('keeps the payload of a control frame as hex', () => {
    const ctl = encodeLineMonitorRaw({
      deviceId: 'SATIOT-LM-0000001',
      frameType: 3,
      packetType: 0xa6,
      frameNo: 3,
      payloadHex: '00',
    });
    expect(decodeLineMonitor(ctl)).toMatchObject({ frameType: 'control', payloadHex: '00', status: null });
  });

  it('reports bytes after the last field of a layout as trailingHex', () => {
    const bytes = encodeLineMonitorUpload({
      ...icingUpload,
      values: { ...icingUpload.values, sensorCount: 0, sensors: [] },
    });
    const payload = toHex(bytes.slice(24, bytes.length - 3)) + 'beef';
    const frame = encodeLineMonitorRaw({
      deviceId: 'SATIOT-LM-0000001',
      frameType: 1,
      packetType: 0x22,
      frameNo: 1,
      payloadHex: payload,
    });
    expect(decodeLineMonitor(frame)).toMatchObject({
      type: 'icing',
      values: { sensors: [] },
      trailingHex: 'beef',
      payloadHex: null,
    });
  });

  it('reads a float that is not finite as null', () => {
    const frame = encodeLineMonitorUpload({ ...icingUpload, values: { ...icingUpload.values, iceThicknessMm: null } });
    expect(decodeLineMonitor(frame)).toMatchObject({ values: { iceThicknessMm: null } });
  });

  it('reads a data response with 00 as a failure', () => {
    const nak = encodeLineMonitorDataResponse({
      deviceId: 'SATIOT-LM-0000001',
      packetType: 0x22,
      frameNo: 0x81,
      success: false,
    });
    expect(decodeLineMonitor(nak)).toMatchObject({ status: 'failure' });
  });

  it('decodes every default packet type from what its encoder wrote', () => {
    const sample = (key: string) =>
      key === 'componentId' ? 'COMPONENT-0000001' : key === 'sampledAt' ? '2025-06-01T00:00:00.000Z' : 1;
    for (const [code, def] of Object.entries(DEFAULT_PACKET_TYPES)) {
      const values = Object.fromEntries(def.fields.map((f) => [f.key, f.type === 'group' ? [] : sample(f.key)]));
      if (def.key === 'icing') values.sensorCount = 0;
      const { componentId, sampledAt, ...rest } = values;
      const frame = encodeLineMonitorUpload({
        deviceId: 'SATIOT-LM-0000009',
        packetType: Number(code),
        frameNo: 7,
        componentId: componentId as string,
        sampledAt: sampledAt as string,
        values: rest,
      });
      expect(decodeLineMonitor(frame)).toMatchObject({ type: def.key, componentId, sampledAt, values: rest });
    }
  });
});

describe('line-monitor profiles', () => {
  const bigEndian: LineMonitorProfile = {
    ...DEFAULT_LINE_MONITOR_PROFILE,
    name: 'big-endian',
    syncBytes: [0x5a, 0xa5],
    lengthEndian: 'big',
    crcByteOrder: 'big',
    valueEndian: 'big',
  };

  it('accepts the swapped sync 5A A5 by default and refuses it when told to', () => {
    const swapped = fromHex(ICING.hex);
    swapped[0] = 0x5a;
    swapped[1] = 0xa5;
    expect(decodeLineMonitor(swapped)).toMatchObject({ type: 'icing' });
    const strict = { ...DEFAULT_LINE_MONITOR_PROFILE, acceptSwappedSync: false };
    expect(codecErrorOf(() => decodeLineMonitor(swapped, strict)).code).toBe('CODEC_MALFORMED');
  });

  it('reads a big-endian dialect with its own profile, which the default profile cannot', () => {
    const frame = encodeLineMonitorUpload(icingUpload, bigEndian);
    expect(toHex(frame.subarray(0, 4))).toBe('5aa5003a');
    expect(decodeLineMonitor(frame, bigEndian)).toMatchObject({
      values: icingUpload.values,
      sampledAt: '2024-01-15T08:30:00.000Z',
    });
    expect(() => decodeLineMonitor(frame)).toThrow(CodecError);
  });

  it('numbers packet types the way billkin does with CONSECUTIVE_PACKET_TYPES', () => {
    const billkin = { ...DEFAULT_LINE_MONITOR_PROFILE, name: 'billkin', packetTypes: CONSECUTIVE_PACKET_TYPES };
    const frame = encodeLineMonitorUpload(icingUpload, billkin);
    expect(frame[22]).toBe(0x07);
    expect(decodeLineMonitor(frame, billkin)).toMatchObject({ type: 'icing', packetType: 7 });
    expect(decodeLineMonitor(frame)).toMatchObject({ type: 'unknown', payloadHex: expect.any(String) });
  });

  it('decodes a vendor layout: conductor temperature with line current, and a scaled integer', () => {
    const vendor: LineMonitorProfile = {
      ...DEFAULT_LINE_MONITOR_PROFILE,
      name: 'vendor',
      endByte: null,
      packetTypes: {
        0x21: {
          key: 'conductor-temperature',
          name: 'conductor temperature and current',
          fields: [
            ...DEFAULT_PACKET_TYPES[0x21]!.fields,
            { key: 'lineCurrentA', type: 'f32', unit: 'A', decimals: 1 },
            { key: 'batteryV', type: 'u16', unit: 'V', scale: 0.1 },
          ],
        },
      },
    };
    const codec = createLineMonitorCodec(vendor, 'line-monitor-vendor');
    const frame = encodeLineMonitorUpload(
      {
        deviceId: 'SATIOT-LM-0000003',
        packetType: 0x21,
        frameNo: 1,
        componentId: 'SPAN-0001',
        sampledAt: '2024-07-01T12:00:00Z',
        values: { unitSum: 3, unitNo: 1, lineTemperatureC: 61.4, lineCurrentA: 812.6, batteryV: 0.3 },
      },
      vendor,
    );
    expect(frame.length).toBe(24 + 33 + 2); // header, payload, CRC and no end byte
    expect(codec.decode(frame)).toMatchObject({
      type: 'conductor-temperature',
      componentId: 'SPAN-0001',
      values: { lineTemperatureC: 61.4, lineCurrentA: 812.6, batteryV: 0.3 },
    });
  });

  it('refuses a profile whose group has no count field before it', () => {
    const broken: LineMonitorProfile = {
      ...DEFAULT_LINE_MONITOR_PROFILE,
      packetTypes: { 1: { key: 'x', name: 'x', fields: [{ key: 'g', type: 'group', countField: 'n', fields: [] }] } },
    };
    expect(() => validateLineMonitorProfile(broken)).toThrow(TypeError);
    expect(() => createLineMonitorCodec({ ...DEFAULT_LINE_MONITOR_PROFILE, syncBytes: [0x1a5, 0x5a] })).toThrow(
      TypeError,
    );
  });

  it('exports the default codec as line-monitor, returning plain JSON', () => {
    const decoded = lineMonitorCodec.decode(fromHex(ICING.hex));
    expect(lineMonitorCodec.name).toBe('line-monitor');
    expect(JSON.parse(JSON.stringify(decoded))).toEqual(decoded);
  });
});
