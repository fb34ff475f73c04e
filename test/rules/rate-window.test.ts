import { describe, expect, it } from 'vitest';
import {
  addSample,
  EMPTY_RATE_WINDOW,
  MAX_RATE_SAMPLES,
  type RateWindow,
  rateAt,
} from '../../src/rules/rate-window.js';

const W = 60_000;

function windowOf(samples: ReadonlyArray<readonly [number, number]>): RateWindow {
  return samples.reduce<RateWindow>((w, [t, v]) => addSample(w, t, v, W), EMPTY_RATE_WINDOW);
}

describe('rate windows', () => {
  it("holds −0 as 0, as the stored JSON reads it back (found by the rule engine's property test, seed 931207639)", () => {
    const w = addSample(EMPTY_RATE_WINDOW, 1_000, -0, W);
    expect(Object.is(w.samples[0]![1], 0)).toBe(true);
    expect(JSON.parse(JSON.stringify(w))).toEqual(w);
  });

  it('keeps samples in capture order whatever the arrival order', () => {
    expect(
      windowOf([
        [30, 1],
        [10, 2],
        [20, 3],
      ]).samples,
    ).toEqual([
      [10, 2],
      [20, 3],
      [30, 1],
    ]);
  });

  it('keeps one reading per capture time, the larger value', () => {
    expect(
      windowOf([
        [10, 2],
        [10, 5],
        [10, 3],
      ]).samples,
    ).toEqual([[10, 5]]);
  });

  it('drops samples more than two windows older than the newest, and remembers the newest dropped', () => {
    const w = windowOf([
      [0, 1],
      [10_000, 2],
      [130_001, 3],
    ]);
    expect(w.samples).toEqual([[130_001, 3]]);
    expect(w.horizon).toBe(10_000);
  });

  it('refuses a sample too old to keep, moving the horizon to it', () => {
    const w = windowOf([
      [200_000, 1],
      [20_000, 2],
    ]);
    expect(w.samples).toEqual([[200_000, 1]]);
    expect(w.horizon).toBe(20_000);
  });

  it(`holds at most ${MAX_RATE_SAMPLES} samples`, () => {
    const w = windowOf(Array.from({ length: 300 }, (_, i) => [i, i] as const));
    expect(w.samples.length).toBe(MAX_RATE_SAMPLES);
    expect(w.horizon).toBe(300 - MAX_RATE_SAMPLES - 1);
  });

  it('measures from the oldest sample in [t − window, t] to the sample at t', () => {
    const w = windowOf([
      [0, 1],
      [30_000, 4],
      [60_000, 2],
      [90_000, 0],
    ]);
    expect(rateAt(w, 60_000, W, { rise: 1 })).toMatchObject({
      truth: 'true',
      from: [0, 1],
      to: [60_000, 2],
      change: 1,
    });
    expect(rateAt(w, 90_000, W, { rise: 1, fall: 5 })).toMatchObject({ truth: 'false', from: [30_000, 4], change: -4 });
  });
});
