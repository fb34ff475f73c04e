/**
 * The learned models on series whose truth is known: injected faults found with their evidence,
 * forecasts of a seasonal signal within their interval, tidal constituents recovered, and the
 * evaluation's scores computed as their definitions say.
 */
import { describe, expect, it } from 'vitest';
import { detectAnomalies, flatlines, rollingZScore, scoreOf } from '../../src/learn/anomaly.js';
import { choosePeriods, forecastSeries, seasonalAverage } from '../../src/learn/forecast.js';
import { coverage, mase, scoreDetection, seasonalNaive } from '../../src/learn/evaluate.js';
import { fitTide } from '../../src/learn/tide.js';
import { augursEngine } from '../../src/integrations/augurs-engine.js';
import { labelledSignal } from '../../src/twin/model/signals.js';
import { Random } from '../../src/twin/model/random.js';

const engine = augursEngine();
const H = 3_600_000;
const T0 = Date.UTC(2026, 5, 1);

/** An hourly daily cycle with noise, `days` long. */
function daily(days: number, seed = 1): { t: number[]; y: number[] } {
  const rnd = new Random(seed);
  const y = Array.from({ length: days * 24 }, (_, i) => 5 + Math.sin((2 * Math.PI * i) / 24) + 0.05 * rnd.normal());
  return { t: y.map((_, i) => T0 + i * H), y };
}

describe('anomaly detection', () => {
  it('finds a spike, a dropout and a stuck sensor in a daily cycle, each with what was expected there, and nothing else', () => {
    const s = daily(10);
    s.y[100] = s.y[100]! + 2;
    for (let i = 150; i < 154; i++) s.y[i] = 0;
    for (let i = 200; i < 210; i++) s.y[i] = s.y[199]!;
    const r = detectAnomalies(s);
    const at = (i: number) => r.anomalies.find((a) => a.t === T0 + i * H);
    expect(at(100)).toMatchObject({ reason: 'deviation', score: 1 });
    expect(Math.abs(at(100)!.expected - (s.y[100]! - 2))).toBeLessThan(0.3);
    expect(at(100)!.value).toBeGreaterThan(at(100)!.upper);
    expect(at(150) ?? at(151)).toBeDefined();
    expect(at(205)).toMatchObject({ reason: 'flatline', score: 1 });
    const far = r.anomalies.filter(
      (a) =>
        ![
          [99, 101],
          [148, 156],
          [198, 211],
        ].some(([lo, hi]) => a.t >= T0 + lo! * H && a.t <= T0 + hi! * H),
    );
    expect(far).toEqual([]);
  });

  it('flags a dropout on a smooth rising river alone, not the good readings before it whose neighbourhood it spoils', () => {
    // Hourly levels to the centimetre, a daily cycle on a rise, one reading of 0 (as the browser test's gauge).
    const y = Array.from({ length: 72 }, (_, h) =>
      h === 50 ? 0 : Math.round((2.3 + 0.012 * h + 0.45 * Math.sin((2 * Math.PI * h) / 24)) * 100) / 100,
    );
    const r = detectAnomalies({ t: y.map((_, i) => T0 + i * H), y });
    expect(r.anomalies.map((a) => (a.t - T0) / H)).toEqual([50]);
    expect(r.anomalies[0]!.expected).toBeCloseTo(3.12, 1);
  });

  it('does not call a quantising sensor stuck: the bar rises with the runs the series shows anyway', () => {
    const y = daily(5).y.map((v) => Math.round(v * 2) / 2); // half-unit steps: long runs are normal
    const { stuck, minRun } = flatlines(y);
    expect(minRun).toBeGreaterThan(3);
    expect(stuck.filter(Boolean).length).toBe(0);
  });

  it('maps robust sigmas to scores: 0 within 2 σ, 0.5 at 4 σ, 1 from 6 σ', () => {
    expect([scoreOf(1), scoreOf(2), scoreOf(4), scoreOf(-4), scoreOf(6), scoreOf(50)]).toEqual([0, 0, 0.5, 0.5, 1, 1]);
  });

  it('the rolling z-score baseline flags a step change and not a steady series', () => {
    const y = Array.from({ length: 60 }, (_, i) => (i < 40 ? 1 + 0.01 * Math.sin(i) : 3));
    const f = rollingZScore(y, 24);
    expect(f[40]).toBe(true);
    expect(f.slice(0, 40).some(Boolean)).toBe(false);
  });
});

describe('forecasts', () => {
  it("forecasts a daily cycle a day ahead at the series' spacing, most true values inside the 80 % interval", () => {
    const s = daily(15, 2);
    const train = { t: s.t.slice(0, -24), y: s.y.slice(0, -24) };
    const f = forecastSeries(train, 24, engine);
    expect(f.model).toMatchObject({
      kind: 'mstl-ets+seasonal-average',
      periods: [24],
      stepMs: H,
      observations: 336,
      level: 0.8,
      interval: 'backtest',
    });
    expect(f.points.map((p) => p.t)).toEqual(s.t.slice(-24));
    const truth = s.y.slice(-24);
    expect(
      coverage(
        truth,
        f.points.map((p) => p.lower),
        f.points.map((p) => p.upper),
      ),
    ).toBeGreaterThanOrEqual(0.6);
    expect(
      mase(
        truth,
        f.points.map((p) => p.value),
        train.y,
        24,
      ),
    ).toBeLessThan(1);
    for (const p of f.points) expect(p.lower).toBeLessThanOrEqual(p.value);
  });

  it('takes a short or flat series with AutoETS alone, and refuses a horizon out of range', () => {
    const y = Array.from({ length: 20 }, (_, i) => 10 + 0.5 * i);
    const f = forecastSeries({ t: y.map((_, i) => T0 + i * H), y }, 3, engine);
    expect(f.model.kind).toBe('ets');
    expect(f.points[2]!.value).toBeGreaterThan(f.points[0]!.value);
    expect(() => forecastSeries({ t: y.map((_, i) => T0 + i * H), y }, 0, engine)).toThrow(/horizon/);
  });

  it('chooses the day as the season when the step divides it, and no period longer than the day beside it', () => {
    const s = daily(10);
    const p = choosePeriods(s.y, H, engine);
    expect(p[0]).toBe(24);
    expect(p.every((x) => x <= 24)).toBe(true);
    // Profile (2, 3, 4) over the three cycles, moved up to the last cycle's mean (5 against 3).
    expect(seasonalAverage([1, 2, 3, 1, 2, 3, 4, 5, 6], 3, 4, 3)).toEqual([4, 5, 6, 4]);
  });

  it('recovers the M2 tide of an estuary gauge and puts it back into the forecast', () => {
    const t = Array.from({ length: 24 * 20 }, (_, i) => T0 + i * H);
    const m2 = (tt: number) => 0.6 * Math.cos((2 * Math.PI * (tt - T0)) / (12.4206012 * H) + 0.7);
    const rnd = new Random(3);
    const y = t.map((tt) => 4 + m2(tt) + 0.02 * rnd.normal());
    const fit = fitTide(t, y)!;
    expect(fit.amplitudes['M2']).toBeCloseTo(0.6, 1);
    expect(
      fitTide(
        t,
        t.map(() => 4 + 0.02 * rnd.normal()),
      ),
    ).toBeUndefined();
    const f = forecastSeries({ t: t.slice(0, -12), y: y.slice(0, -12) }, 12, engine);
    expect(f.model.tide).toBeDefined();
    for (let k = 0; k < 12; k++) expect(Math.abs(f.points[k]!.value - y[y.length - 12 + k]!)).toBeLessThan(0.15);
  });
});

describe('evaluation scores', () => {
  it('counts a window found when a flag lies within tolerance, and runs of false flags once', () => {
    const flagged = new Array<boolean>(30).fill(false);
    flagged[5] = true; // inside [4, 6]
    flagged[21] = flagged[22] = flagged[23] = true; // one false event
    flagged[28] = true; // another
    const s = scoreDetection(
      [
        { from: 4, to: 6 },
        { from: 12, to: 13 },
      ],
      flagged,
      1,
    );
    expect(s).toMatchObject({ tp: 1, fn: 1, fp: 2, precision: 1 / 3, recall: 0.5 });
    expect(s.f1).toBeCloseTo(0.4, 10);
  });

  it('computes MASE against the in-sample seasonal-naive error, and coverage as the share inside', () => {
    const train = [1, 2, 1, 2, 1, 4]; // seasonal-naive (m = 2) errors: 0, 0, 0, 2 → scale 0.5
    expect(mase([3, 3], [2, 4], train, 2)).toBeCloseTo(2, 10);
    expect(seasonalNaive(train, 2, 3)).toEqual([1, 4, 1]);
    expect(coverage([1, 2, 3, 4], [0, 0, 0, 5], [2, 2, 2, 6])).toBe(0.5);
  });

  it('the twin labels its injected faults and floods, reproducibly from the seed', () => {
    const a = labelledSignal('water-level', 7),
      b = labelledSignal('water-level', 7);
    expect(a.y).toEqual(b.y);
    expect(a.faults.length).toBeGreaterThanOrEqual(2);
    for (const f of a.faults.filter((x) => x.kind === 'dropout')) expect(a.y[f.from]).toBe(0);
    const c = labelledSignal('conductor-temperature', 7, { faults: false });
    expect(c.faults).toEqual([]);
    expect(c.stepMs).toBe(600_000);
  });
});
