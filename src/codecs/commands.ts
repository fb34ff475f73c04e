import { CodecError } from './codec.js';
import { encodeSl651RuntimeConfig } from './sl651/runtime-config.js';

/**
 * Commands a rule's action can send (docs/intelligence.md): built when the action is taken, for the
 * terminal that raised the alarm, from its decoded report — the frame must carry the station's own
 * address, password and the time it is sent, so it cannot be written once into the rule.
 */
export const COMMAND_NAMES = ['sl651.intensive-reporting'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export interface CommandSpec {
  readonly name: CommandName;
  /** sl651.intensive-reporting: added reports every this many minutes (1–59; default 5). */
  readonly addReportMinutes?: number;
  /** sl651.intensive-reporting: timed reports every this many hours (1–24; default unchanged). */
  readonly timedReportHours?: number;
}

/**
 * The command's bytes for the terminal whose decoded report is `decoded`, sent at `now` (Unix ms).
 * - `sl651.intensive-reporting`: SL 651's 0x42 runtime-configuration command to the station that
 *   sent the report (its centre, address and password), the serial the send time's seconds mod 65,536.
 *
 * CODEC_MALFORMED when the report cannot address the command (not an SL 651 station's uplink).
 */
export function buildCommand(spec: CommandSpec, decoded: unknown, now: number): Uint8Array {
  const r = (decoded ?? {}) as Record<string, unknown>;
  switch (spec.name) {
    case 'sl651.intensive-reporting': {
      if (r['protocol'] !== 'sl651' || r['direction'] !== 'up' || typeof r['centre'] !== 'number' || typeof r['station'] !== 'string' || typeof r['password'] !== 'string') {
        throw new CodecError('CODEC_MALFORMED', 'cannot address sl651.intensive-reporting: the report is not an SL 651 station\'s uplink with its centre, station and password');
      }
      return encodeSl651RuntimeConfig({
        centre: r['centre'], station: r['station'], password: r['password'], serial: Math.floor(now / 1000) % 65_536,
        sentAt: new Date(Math.floor(now / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
        addReportMinutes: spec.addReportMinutes ?? 5, ...(spec.timedReportHours !== undefined ? { timedReportHours: spec.timedReportHours } : {}),
      });
    }
  }
}
