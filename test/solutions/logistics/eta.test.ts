import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { learnedEta, travelTimes, MIN_ETA_SAMPLES } from '../../../src/solutions/logistics/eta.js';

const MIN = 60_000,
  T0 = Date.UTC(2026, 5, 1);
const DEG_PER_KM = 180 / (Math.PI * 6371.0088);

/** Reports every 5 min of a truck going north: `pattern` gives its speed (km/h) at each report's leg. */
function drive(legs: number, speed: (k: number) => number) {
  const pts = [{ at: T0, lat: 30, lon: 114 }];
  for (let k = 0; k < legs; k++)
    pts.push({ at: T0 + (k + 1) * 5 * MIN, lat: pts[k]!.lat + ((speed(k) * 5) / 60) * DEG_PER_KM, lon: 114 });
  return pts;
}

describe('learned ETA', () => {
  it('at a steady 60 km/h, 30 km takes 30 minutes from every report', () => {
    const times = travelTimes(
      drive(60, () => 60),
      30,
    );
    expect(times.length).toBe(61 - 6);
    for (const t of times) expect(Math.abs(t - 30 * MIN)).toBeLessThan(1000);
  });

  it('learns the stops: 30 minutes driving, 10 parked, over and over — 60 km take 70 to 80 minutes, not the 60 the speed says', () => {
    const track = drive(96, (k) => (k % 8 < 6 ? 60 : 0));
    const e = learnedEta(track, 60, T0 + 480 * MIN)!;
    expect(e.samples).toBeGreaterThan(50);
    expect(e.median - (T0 + 480 * MIN)).toBeGreaterThanOrEqual(70 * MIN - 1000);
    expect(e.upper - (T0 + 480 * MIN)).toBeLessThanOrEqual(80 * MIN + 1000);
    expect(e.lower).toBeLessThanOrEqual(e.median);
  });

  it('says nothing from a track shorter than the distance, and arrives at once with nothing left to go', () => {
    expect(
      learnedEta(
        drive(5, () => 60),
        30,
        T0,
      ),
    ).toBeNull(); // 25 km of track
    expect(
      travelTimes(
        drive(40, () => 60),
        30,
      ).length,
    ).toBeGreaterThanOrEqual(MIN_ETA_SAMPLES);
    expect(
      learnedEta(
        drive(10, () => 60),
        0,
        T0,
      ),
    ).toEqual({ lower: T0, median: T0, upper: T0, level: 0.8, samples: 0 });
  });

  it('skips reports out of order or at one time, and takes longer for longer distances', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dt: fc.integer({ min: -5, max: 30 }), v: fc.integer({ min: 0, max: 120 }) }), {
          minLength: 2,
          maxLength: 80,
        }),
        fc.double({ min: 0.5, max: 50, noNaN: true }),
        (steps, d) => {
          let at = T0,
            lat = 30;
          const pts = steps.map((s) => {
            at += s.dt * MIN;
            lat += ((s.v * Math.max(0, s.dt)) / 60) * DEG_PER_KM;
            return { at, lat, lon: 114 };
          });
          const short = travelTimes(pts, d),
            long = travelTimes(pts, d * 2);
          for (const t of short) expect(t).toBeGreaterThanOrEqual(0);
          // The stretch from each start to twice the distance is no shorter than to the distance.
          long.forEach((t, k) => expect(t).toBeGreaterThanOrEqual(short[k]! - 1e-6));
        },
      ),
    );
  });
});
