import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../src/codecs/codec.js';
import {
  decodeLineMonitor,
  DEFAULT_LINE_MONITOR_PROFILE,
  DEFAULT_PACKET_TYPES,
  encodeLineMonitorRaw,
  encodeLineMonitorUpload,
  type LineMonitorField,
  type LineMonitorProfile,
  type LineMonitorScalarField,
  type LineMonitorValue,
  type LineMonitorValues,
} from '../../src/codecs/line-monitor/index.js';
import { mutateFrame, mutationsArb } from './helpers.js';

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-';
const id = fc.array(fc.constantFrom(...ID_CHARS), { minLength: 1, maxLength: 17 }).map((c) => c.join(''));
const isoSeconds = fc.integer({ min: 0, max: 0xffffffff }).map((s) => new Date(s * 1000).toISOString());

const INT: Record<string, [number, number]> = {
  u8: [0, 255],
  i8: [-128, 127],
  u16: [0, 65535],
  i16: [-32768, 32767],
  u32: [0, 0xffffffff],
  i32: [-0x80000000, 0x7fffffff],
};

/** A value the field holds exactly (floats: at most 7 significant digits at the stated decimals). */
function scalar(f: LineMonitorScalarField): fc.Arbitrary<LineMonitorValue> {
  if (f.type === 'ascii') return id;
  if (f.type === 'time32') return isoSeconds;
  if (f.type === 'f32') {
    const d = f.decimals ?? 1;
    return fc.oneof(
      { weight: 20, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => n / 10 ** d) },
      { weight: 1, arbitrary: fc.constant(null) },
    );
  }
  const [lo, hi] = INT[f.type]!;
  return fc.integer({ min: lo, max: hi });
}

function valuesFor(fields: readonly LineMonitorField[]): fc.Arbitrary<LineMonitorValues> {
  const group = fields.find((f) => f.type === 'group');
  const scalars = fields.filter((f): f is LineMonitorScalarField => f.type !== 'group');
  const base = fc.record(
    Object.fromEntries(scalars.map((f) => [f.key, scalar(f)])) as Record<string, fc.Arbitrary<LineMonitorValue>>,
  );
  if (!group || group.type !== 'group') return base;
  const entry = valuesFor(group.fields);
  return fc
    .tuple(base, fc.array(entry, { maxLength: 5 }))
    .map(([v, list]) => ({ ...v, [group.countField]: list.length, [group.key]: list }));
}

const profile: fc.Arbitrary<LineMonitorProfile> = fc
  .record({
    sync: fc.constantFrom<[number, number]>([0xa5, 0x5a], [0x5a, 0xa5]),
    lengthEndian: fc.constantFrom('little' as const, 'big' as const),
    crcByteOrder: fc.constantFrom('little' as const, 'big' as const),
    valueEndian: fc.constantFrom('little' as const, 'big' as const),
    endByte: fc.constantFrom(0x96, null),
  })
  .map(({ sync, ...rest }) => ({ ...DEFAULT_LINE_MONITOR_PROFILE, name: 'arbitrary', syncBytes: sync, ...rest }));

const upload = fc.constantFrom(...Object.keys(DEFAULT_PACKET_TYPES).map(Number)).chain((code) =>
  fc
    .record({
      deviceId: id,
      frameNo: fc.integer({ min: 0, max: 255 }),
      values: valuesFor(DEFAULT_PACKET_TYPES[code]!.fields),
    })
    .map(({ values: { componentId, sampledAt, ...values }, ...r }) => ({
      ...r,
      packetType: code,
      componentId: componentId as string,
      sampledAt: sampledAt as string,
      values,
    })),
);

describe('line-monitor encode/decode round trip', () => {
  it('decodes an upload to the device, packet type, component, time and values it was built from, in any dialect', () => {
    fc.assert(
      fc.property(upload, profile, (u, p) => {
        const m = decodeLineMonitor(encodeLineMonitorUpload(u, p), p);
        expect(m).toEqual({
          protocol: 'line-monitor',
          deviceId: u.deviceId,
          frameType: 'monitoring-data',
          frameTypeCode: 1,
          packetType: u.packetType,
          type: DEFAULT_PACKET_TYPES[u.packetType]!.key,
          name: DEFAULT_PACKET_TYPES[u.packetType]!.name,
          frameNo: u.frameNo,
          componentId: u.componentId,
          sampledAt: u.sampledAt,
          status: null,
          values: u.values,
          payloadHex: null,
          trailingHex: null,
        });
      }),
      { numRuns: 300 },
    );
  });
});

function returnsOrThrowsCodecError(bytes: Uint8Array, p: LineMonitorProfile = DEFAULT_LINE_MONITOR_PROFILE): void {
  try {
    const m = decodeLineMonitor(bytes, p);
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
  }
}

describe('line-monitor decoder on hostile input', () => {
  it('returns or throws CodecError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => returnsOrThrowsCodecError(b)),
      { numRuns: 2000 },
    );
  });

  it('returns or throws CodecError on mutated valid frames', () => {
    fc.assert(
      fc.property(upload, profile, mutationsArb(), (u, p, ms) => {
        returnsOrThrowsCodecError(mutateFrame(encodeLineMonitorUpload(u, p), ms), p);
      }),
      { numRuns: 2000 },
    );
  });

  it('returns or throws CodecError on well-framed frames with arbitrary types and payloads', () => {
    const packetType = fc.oneof(
      fc.constantFrom(...Object.keys(DEFAULT_PACKET_TYPES).map(Number)),
      fc.integer({ min: 0, max: 255 }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12 }),
        packetType,
        fc.uint8Array({ maxLength: 160 }),
        (frameType, pt, payload) => {
          const hex = Array.from(payload, (x) => x.toString(16).padStart(2, '0')).join('');
          returnsOrThrowsCodecError(
            encodeLineMonitorRaw({
              deviceId: 'SATIOT-LM-0000001',
              frameType,
              packetType: pt,
              frameNo: 1,
              payloadHex: hex,
            }),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});
