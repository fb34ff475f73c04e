/**
 * The CAC's sampling-period command (I1 control frame 03, packet type A3), as the power solution's
 * decisions send it to make a device sample icing more often. The payload layout is
 * QuerySetSamplingPeriod in billkin/Online-monitoring's GDW_I1_2015.h (Request_Set_Flag,
 * Request_Flag, Request_Type, Main_Time u16 minutes, Heartbeat_Time u8 minutes), and the control
 * packet code A3 is from its GDW_Protocol.c ("状态监测装置采样周期查询/设置"). The frame around it is
 * the one the published uploads in line-monitor.test.ts are checked against.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  crc16Modbus,
  decodeLineMonitor,
  encodeSamplingPeriodCommand,
  DEFAULT_LINE_MONITOR_PROFILE,
} from '../../src/codecs/line-monitor/index.js';
import { buildCommand } from '../../src/codecs/commands.js';
import { encodeLineMonitorUpload } from '../../src/codecs/line-monitor/index.js';
import { isCodecError } from '../../src/codecs/codec.js';

const DEVICE = '22M00000012345678';
const ascii = (s: string) => [...Buffer.from(s, 'ascii')];

describe('line monitoring: sampling period command (control A3)', () => {
  it('lays the frame out byte by byte: sync, length 6, CMD_ID, 03 A3, frame number, payload, CRC16, 96', () => {
    const frame = encodeSamplingPeriodCommand({
      deviceId: DEVICE,
      requestType: 0x22,
      mainMinutes: 10,
      heartbeatMinutes: 5,
      frameNo: 0x2a,
    });
    // Request_Set_Flag 01 (set), Request_Flag 03 (both periods), Request_Type 22 (icing), Main_Time 10 (LE), Heartbeat 5.
    const payload = [0x01, 0x03, 0x22, 0x0a, 0x00, 0x05];
    const head = [0xa5, 0x5a, 0x06, 0x00, ...ascii(DEVICE), 0x03, 0xa3, 0x2a, ...payload];
    const crc = crc16Modbus(Uint8Array.from(head), 2, head.length);
    expect([...frame]).toEqual([...head, crc & 0xff, crc >> 8, 0x96]);
  });

  it('clears the flag bit of a period it does not set, so the device keeps that one', () => {
    const f = encodeSamplingPeriodCommand({ deviceId: DEVICE, requestType: 0x07, mainMinutes: 300, frameNo: 1 });
    expect([...f.subarray(24, 30)]).toEqual([0x01, 0x01, 0x07, 0x2c, 0x01, 0x00]);
    expect(decodeLineMonitor(f).values).toEqual({ request: 'set', requestType: 7, mainMinutes: 300 });
  });

  it("writes Main_Time in the profile's value byte order", () => {
    const big = { ...DEFAULT_LINE_MONITOR_PROFILE, valueEndian: 'big' as const };
    const f = encodeSamplingPeriodCommand({ deviceId: DEVICE, requestType: 0x22, mainMinutes: 300, frameNo: 1 }, big);
    expect([...f.subarray(27, 29)]).toEqual([0x01, 0x2c]);
  });

  it("decodes the device's response (04 A3) with its command status", () => {
    const payload = Uint8Array.of(0x01, 0xff, 0x01, 0x22, 0x0a, 0x00, 0x00);
    const head = Uint8Array.of(0xa5, 0x5a, 0x07, 0x00, ...ascii(DEVICE), 0x04, 0xa3, 0x2a, ...payload);
    const crc = crc16Modbus(head, 2, head.length);
    const m = decodeLineMonitor(Uint8Array.of(...head, crc & 0xff, crc >> 8, 0x96));
    expect(m).toMatchObject({
      frameType: 'control-response',
      type: 'sampling-period',
      payloadHex: null,
      values: { request: 'set', commandStatus: 'success', requestType: 0x22, mainMinutes: 10 },
    });
  });

  it('refuses nothing to set, periods out of range and a bad request type with CODEC_MALFORMED', () => {
    for (const bad of [
      {},
      { mainMinutes: 0 },
      { mainMinutes: 70_000 },
      { heartbeatMinutes: 256 },
      { mainMinutes: 1.5 },
      { mainMinutes: 5, requestType: 300 },
    ]) {
      let code = 'none';
      try {
        encodeSamplingPeriodCommand({ deviceId: DEVICE, requestType: 0x22, frameNo: 0, ...bad });
      } catch (e) {
        code = isCodecError(e) ? e.code : String(e);
      }
      expect(code, JSON.stringify(bad)).toBe('CODEC_MALFORMED');
    }
  });

  it('round-trips any valid command through the decoder', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9A-Z]{17}$/),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.option(fc.integer({ min: 1, max: 0xffff }), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 255 }), { nil: undefined }),
        fc.constantFrom('little' as const, 'big' as const),
        (deviceId, requestType, frameNo, mainMinutes, heartbeatMinutes, valueEndian) => {
          fc.pre(mainMinutes !== undefined || heartbeatMinutes !== undefined);
          const profile = { ...DEFAULT_LINE_MONITOR_PROFILE, valueEndian };
          const m = decodeLineMonitor(
            encodeSamplingPeriodCommand(
              {
                deviceId,
                requestType,
                frameNo,
                ...(mainMinutes ? { mainMinutes } : {}),
                ...(heartbeatMinutes ? { heartbeatMinutes } : {}),
              },
              profile,
            ),
            profile,
          );
          expect(m).toMatchObject({ deviceId, frameType: 'control', frameNo, type: 'sampling-period' });
          expect(m.values).toEqual({
            request: 'set',
            requestType,
            ...(mainMinutes ? { mainMinutes } : {}),
            ...(heartbeatMinutes ? { heartbeatMinutes } : {}),
          });
        },
      ),
    );
  });

  it('is built as a rule action for the device and the packet type of the report that raised the alarm', () => {
    const report = decodeLineMonitor(
      encodeLineMonitorUpload({
        deviceId: DEVICE,
        packetType: 'icing',
        frameNo: 3,
        componentId: 'TOWER000000000042',
        sampledAt: '2026-12-06T00:00:00Z',
        values: { iceThicknessMm: 8.5, tensionN: 1000, tensionDifferenceN: 10, sensorCount: 0, sensors: [] },
      }),
    );
    const now = Date.parse('2026-12-06T01:02:00Z');
    const bytes = buildCommand({ name: 'line-monitor.sampling-period', sampleMinutes: 5 }, report, now);
    expect(decodeLineMonitor(bytes)).toMatchObject({
      deviceId: DEVICE,
      frameType: 'control',
      frameNo: Math.floor(now / 60_000) % 256,
      values: { requestType: report.packetType, mainMinutes: 5 },
    });
    let code = 'none';
    try {
      buildCommand({ name: 'line-monitor.sampling-period' }, { protocol: 'sl651', direction: 'up' }, now);
    } catch (e) {
      code = isCodecError(e) ? e.code : String(e);
    }
    expect(code).toBe('CODEC_MALFORMED');
  });
});
