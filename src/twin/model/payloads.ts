import { encodeLocationReport } from '../../codecs/jt808/index.js';
import { encodeSl651Report } from '../../codecs/sl651/report-encoder.js';
import { encodeLineMonitorUpload } from '../../codecs/line-monitor/encode.js';
import type { GaugeSpec, Protocol } from '../scenario/scenario.js';
import type { Fix } from './terminal-fleet.js';

/** What a terminal reports: its protocol's frame for one message. */
export interface PayloadInput {
  readonly protocol: Protocol;
  /** Terminal number within the scenario (identifiers derive from it). */
  readonly terminal: number;
  readonly serial: number;
  readonly createdAt: number;
  readonly emergency: boolean;
  /** An event report (not the scheduled one). */
  readonly event: boolean;
  readonly fix: Fix;
  /** SL 651: the fleet's flood waves. */
  readonly gauge?: GaugeSpec;
}

/** A gauge's usual level, m: its station number spread over 2–40 m. */
export function gaugeBaseM(terminal: number): number {
  return 2 + (terminal % 38);
}

/**
 * How far a flood wave has lifted a gauge at `t`: every `floodEveryHours`, at a phase drawn from the
 * terminal number, a hydrograph that rises to `floodPeakM` in `floodRiseHours` and falls back more
 * slowly — peak · x · e^(1 − x), x the time since onset over the rise time, less a straight line
 * that brings the recession's tail to 0 at the next onset, so the level never jumps. Deterministic,
 * so a run replays.
 */
export function floodRiseM(terminal: number, t: number, g: GaugeSpec): number {
  const every = g.floodEveryHours * 3_600_000,
    rise = g.floodRiseHours * 3_600_000;
  const phase = (((terminal * 2_654_435_761) >>> 0) / 4_294_967_296) * every;
  const since = (((t - phase) % every) + every) % every;
  const shape = (x: number) => x * Math.exp(1 - x);
  const tail = shape(every / rise);
  return (g.floodPeakM * (shape(since / rise) - tail * (since / every))) / (1 - tail * (rise / every));
}

const iso = (t: number, unitMs: number) => new Date(Math.floor(t / unitMs) * unitMs).toISOString();

/** Terminal identifiers in each protocol's own format, derived from the terminal number. */
export function protocolIds(terminal: number): {
  phone: string;
  sl651Station: string;
  lineDevice: string;
  lineComponent: string;
} {
  return {
    phone: `139${String(terminal).padStart(9, '0')}`,
    sl651Station: (0x0010000000 + terminal).toString(16).padStart(10, '0'),
    lineDevice: `SATIOT-LM-${String(terminal).padStart(7, '0')}`,
    lineComponent: `SATIOT-LINE-${String(terminal % 100_000).padStart(5, '0')}`,
  };
}

/**
 * The application payload a terminal sends, through the project's own encoders: JT/T 808 0x0200
 * location reports (alarm bit 0 on an emergency), SL 651 hydrological reports (water level and
 * 1-hour rain; an event is a fast rise and an emergency one a rise past the warning line), line
 * monitoring conductor-temperature uploads (an emergency is an overheating conductor).
 */
/** One SL 651 report in this many is a gauge dropout (level 0). */
export const GAUGE_FAULT_EVERY = 150;

export function buildPayload(p: PayloadInput): Uint8Array {
  const ids = protocolIds(p.terminal);
  const serial = p.serial & 0xffff;
  switch (p.protocol) {
    case 'jt808':
      return encodeLocationReport({
        phone: ids.phone,
        serial,
        lat: round6(p.fix.lat),
        lon: round6(wrapLon(p.fix.lon)),
        altitudeM: Math.round(p.fix.altKm * 1000),
        speedKmh: Math.round(p.fix.speedKmh * 10) / 10,
        headingDeg: Math.round(p.fix.headingDeg) % 360,
        time: iso(p.createdAt, 1000),
        ...(p.emergency ? { alarm: 1 } : {}),
      });
    case 'sl651': {
      // Level: a station's base (its number spread over 2–40 m) and its floods, a daily tide of ±0.2 m, +0.6 m on an
      // event, +2.5 m on an emergency.
      const base = gaugeBaseM(p.terminal) + (p.gauge ? floodRiseM(p.terminal, p.createdAt, p.gauge) : 0);
      const day = (p.createdAt % 86_400_000) / 86_400_000;
      // Now and then a gauge reads 0 (a sensor dropout, one report in GAUGE_FAULT_EVERY): what the
      // learned anomaly rule is for (docs/intelligence.md). Chosen from (terminal, serial), so it replays.
      const fault = !p.event && (p.terminal * 7_919 + p.serial * 104_729) % GAUGE_FAULT_EVERY === 0;
      const level = fault ? 0 : base + 0.2 * Math.sin(2 * Math.PI * day) + (p.emergency ? 2.5 : p.event ? 0.6 : 0);
      const rain = p.emergency ? 35.5 : p.event ? 12.5 : (p.terminal + p.serial) % 3 === 0 ? 0.5 : 0;
      const at = iso(p.createdAt, 60_000);
      return encodeSl651Report({
        centre: 1,
        station: ids.sl651Station,
        password: '1234',
        functionCode: p.event ? 0x33 : 0x32,
        serial,
        sentAt: iso(p.createdAt, 1000),
        stationTypeCode: 'H',
        observations: [
          {
            observedAt: at,
            elements: [
              { id: 0x39, value: Math.round(level * 1000) / 1000 },
              { id: 0x1a, value: rain },
            ],
          },
        ],
      });
    }
    case 'line-monitor':
      return encodeLineMonitorUpload({
        deviceId: ids.lineDevice,
        packetType: 'conductor-temperature',
        frameNo: serial & 0xff,
        componentId: ids.lineComponent,
        sampledAt: iso(p.createdAt, 1000),
        values: { unitSum: 1, unitNo: 1, lineTemperatureC: p.emergency ? 85.5 : p.event ? 62.5 : 35.5 },
      });
  }
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
function wrapLon(x: number): number {
  return ((x + 540) % 360) - 180;
}
