/**
 * What a series from the field can throw at the models: gaps of a year, readings a moment apart,
 * sensors that hold still, a spike just before the newest value, too few or absurd values. None of
 * it may cost unbounded memory or time, throw anything but SERIES_INVALID, or flag sound readings.
 */
import { describe, expect, it } from 'vitest';
import { detectAnomalies } from '../../src/learn/anomaly.js';
import { forecastSeries } from '../../src/learn/forecast.js';
import { fitTide } from '../../src/learn/tide.js';
import { regularize, spacingMs, MAX_GRID_POINTS } from '../../src/learn/series.js';
import { augursEngine } from '../../src/integrations/augurs-engine.js';
import { isSatiotError } from '../../src/errors/satiot-error.js';
import { Random } from '../../src/twin/model/random.js';

const engine = augursEngine();
const MIN = 60_000,
  H = 3_600_000,
  T0 = Date.UTC(2026, 5, 1);
const codeOf = (f: () => unknown) => {
  try {
    f();
    return 'none';
  } catch (e) {
    return isSatiotError(e) ? e.code : String(e);
  }
};
const noise = (() => {
  const r = new Random(21);
  return Array.from({ length: 3000 }, () => 0.01 * r.normal());
})();
const daily = (i: number) => 5 + 0.3 * Math.sin((2 * Math.PI * i) / 24) + noise[Math.round(i * 7) % noise.length]!;

describe('models on awkward series', () => {
  it('a reading a year after the rest costs no year of grid: the forecast uses the latest stretch', () => {
    const t = Array.from({ length: 2000 }, (_, i) => T0 + i * MIN);
    const y = t.map((_, i) => daily(i / 60));
    t.push(T0 + 365 * 24 * H);
    y.push(5);
    const r = regularize({ t, y });
    expect(r.y.length).toBe(1);
    expect(codeOf(() => forecastSeries({ t, y }, 5, engine))).toBe('SERIES_INVALID');
    // Within the stretch, the grid never exceeds its cap.
    const dense = { t: Array.from({ length: 5 }, (_, i) => T0 + i * 10 * 24 * H), y: [1, 2, 3, 4, 5] };
    expect(regularize(dense).y.length).toBeLessThanOrEqual(MAX_GRID_POINTS);
  });

  it("readings in pairs a moment apart keep the series' real spacing", () => {
    const t: number[] = [],
      y: number[] = [];
    for (let i = 0; i < 200; i++) {
      t.push(T0 + i * 15 * MIN, T0 + i * 15 * MIN + 1);
      y.push(daily(i / 4), daily(i / 4));
    }
    expect(Math.abs(spacingMs({ t, y }) - 15 * MIN)).toBeLessThanOrEqual(1);
    expect(regularize({ t, y }).y.length).toBe(200);
    const started = performance.now();
    detectAnomalies({ t, y });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('a sensor that held still is not alarmed by one step of its resolution', () => {
    const y = [...new Array<number>(45).fill(3.6), 3.59];
    const r = detectAnomalies({ t: y.map((_, i) => T0 + i * H), y });
    expect(r.anomalies.filter((a) => a.reason === 'deviation')).toEqual([]);
  });

  it('a spike just before the newest value does not make the newest one look wrong', () => {
    const y = Array.from({ length: 40 }, (_, i) => daily(i));
    y[38] = 15;
    const r = detectAnomalies({ t: y.map((_, i) => T0 + i * H), y });
    expect(r.anomalies.map((a) => (a.t - T0) / H)).toEqual([38]);
    // The newest value is judged from the readings before it with the spike set to its expectation:
    // it is within its band, and its expectation is that of the daily cycle (not pulled towards 15).
    expect(Math.abs(r.points[39]!.expected - daily(39))).toBeLessThan(0.2);
    expect(r.points[39]!.score).toBeLessThan(0.5);
  });

  it('judges a late reading between two others as itself, not as its neighbour', () => {
    const t = Array.from({ length: 30 }, (_, i) => T0 + i * H),
      y = t.map((_, i) => daily(i));
    t.push(T0 + 20 * H + 30 * MIN);
    y.push(0);
    const r = detectAnomalies({ t, y });
    expect(r.anomalies.map((a) => [a.t, a.value])).toEqual([[T0 + 20 * H + 30 * MIN, 0]]);
  });

  it('too few or absurd values answer SERIES_INVALID, never an engine panic', () => {
    for (const n of [3, 4, 6]) {
      const y = Array.from({ length: n }, (_, i) => i);
      expect(codeOf(() => forecastSeries({ t: y.map((_, i) => T0 + i * H), y }, 3, engine))).toBe('SERIES_INVALID');
    }
    const y = Array.from({ length: 30 }, (_, i) => (i === 10 ? 1e308 : i));
    expect(codeOf(() => forecastSeries({ t: y.map((_, i) => T0 + i * H), y }, 3, engine))).toBe('SERIES_INVALID');
    expect(codeOf(() => detectAnomalies({ t: y.map((_, i) => T0 + i * H), y }))).toBe('SERIES_INVALID');
    // The engine is still sound after all that.
    const ok = Array.from({ length: 100 }, (_, i) => daily(i));
    expect(forecastSeries({ t: ok.map((_, i) => T0 + i * H), y: ok }, 3, engine).points).toHaveLength(3);
  });

  it('fits the tide on exactly three days of hourly readings', () => {
    const t = Array.from({ length: 72 }, (_, i) => T0 + i * H);
    expect(
      fitTide(
        t,
        t.map((tt) => 3 + 0.5 * Math.cos((2 * Math.PI * (tt - T0)) / (12.4206012 * H))),
      ),
    ).toBeDefined();
  });

  it('widens the interval beyond the span its backtest saw', () => {
    const y = Array.from({ length: 24 * 12 }, (_, i) => daily(i) + 0.05 * Math.sin(i * 0.77));
    const f = forecastSeries({ t: y.map((_, i) => T0 + i * H), y }, 200, engine);
    const width = (k: number) => f.points[k]!.upper - f.points[k]!.lower;
    expect(width(199)).toBeGreaterThan(width(0));
  });
});
