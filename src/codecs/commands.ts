import { CodecError } from './codec.js';
import { encodeSl651RuntimeConfig } from './sl651/runtime-config.js';
import { encodeSamplingPeriodCommand } from './line-monitor/sampling-period.js';

/**
 * Commands a rule's action can send (docs/intelligence.md): built when the action is taken, for the
 * terminal that raised the alarm, from its decoded report — the frame must carry the station's own
 * address, password and the time it is sent, so it cannot be written once into the rule.
 */
export const COMMAND_NAMES = ['sl651.intensive-reporting', 'line-monitor.sampling-period'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export interface CommandSpec {
  readonly name: CommandName;
  /** sl651.intensive-reporting: added reports every this many minutes (1–59; default 5). */
  readonly addReportMinutes?: number;
  /** sl651.intensive-reporting: timed reports every this many hours (1–24; default unchanged). */
  readonly timedReportHours?: number;
  /** line-monitor.sampling-period: sample every this many minutes (default 10). */
  readonly sampleMinutes?: number;
  /** line-monitor.sampling-period: heartbeat every this many minutes (default unchanged). */
  readonly heartbeatMinutes?: number;
}

/**
 * The command's bytes for the terminal whose decoded report is `decoded`, sent at `now` (Unix ms).
 * - `sl651.intensive-reporting`: SL 651's 0x42 runtime-configuration command to the station that
 *   sent the report (its centre, address and password), the serial the send time's seconds mod 65,536.
 * - `line-monitor.sampling-period`: an I1 control frame (03, A3) to the monitoring device that sent
 *   the report, setting the sampling period of the report's own packet type (an icing report makes
 *   the device sample icing more often); the frame number is the send time's minutes mod 256. The
 *   built-in codec's profile (Q/GDW 1242-2015 as billkin's implementation frames it) lays it out.
 *
 * CODEC_MALFORMED when the report cannot address the command (not an uplink of that protocol).
 */
export function buildCommand(spec: CommandSpec, decoded: unknown, now: number): Uint8Array {
  const r = (decoded ?? {}) as Record<string, unknown>;
  switch (spec.name) {
    case 'sl651.intensive-reporting': {
      if (
        r['protocol'] !== 'sl651' ||
        r['direction'] !== 'up' ||
        typeof r['centre'] !== 'number' ||
        typeof r['station'] !== 'string' ||
        typeof r['password'] !== 'string'
      ) {
        throw new CodecError(
          'CODEC_MALFORMED',
          "cannot address sl651.intensive-reporting: the report is not an SL 651 station's uplink with its " +
            'centre, station and password',
        );
      }
      return encodeSl651RuntimeConfig({
        centre: r['centre'],
        station: r['station'],
        password: r['password'],
        serial: Math.floor(now / 1000) % 65_536,
        sentAt: new Date(Math.floor(now / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
        addReportMinutes: spec.addReportMinutes ?? 5,
        ...(spec.timedReportHours !== undefined ? { timedReportHours: spec.timedReportHours } : {}),
      });
    }
    case 'line-monitor.sampling-period': {
      if (
        r['protocol'] !== 'line-monitor' ||
        r['frameType'] !== 'monitoring-data' ||
        typeof r['deviceId'] !== 'string' ||
        typeof r['packetType'] !== 'number'
      ) {
        throw new CodecError(
          'CODEC_MALFORMED',
          "cannot address line-monitor.sampling-period: the report is not a line-monitoring device's " +
            'monitoring data with its device ID and packet type',
        );
      }
      return encodeSamplingPeriodCommand({
        deviceId: r['deviceId'],
        requestType: r['packetType'],
        frameNo: Math.floor(now / 60_000) % 256,
        mainMinutes: spec.sampleMinutes ?? 10,
        ...(spec.heartbeatMinutes !== undefined ? { heartbeatMinutes: spec.heartbeatMinutes } : {}),
      });
    }
  }
}
