import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeEphemeris, EPHEMERIS_STRIDE, interpolate } from '../../src/plan/ephemeris.js';
import { newEcefState } from '../../src/orbit/satellite.js';
import { DELTA_53, HOUR, PLAN_EPOCH, POLAR_97, walkerSatellites } from './helpers.js';

const start: number = PLAN_EPOCH;

describe('computeEphemeris', () => {
  const sats = walkerSatellites(DELTA_53);

  it('holds floor(span / step) + 1 steps per satellite, in a shareable buffer', () => {
    const eph = computeEphemeris(sats, start, start + HOUR + 59_000, 60_000);
    expect(eph.steps).toBe(61);
    expect(eph.satellites).toBe(6);
    expect(eph.start).toBe(start);
    expect(eph.stepMs).toBe(60_000);
    expect(eph.data).toHaveLength(6 * 61 * EPHEMERIS_STRIDE);
    expect(eph.data.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('stores exactly the SGP4 Earth-fixed state of each satellite at each grid time', () => {
    const eph = computeEphemeris(sats, start, start + 2 * HOUR, 120_000);
    const s = newEcefState();
    sats.forEach((sat, i) => {
      for (let k = 0; k < eph.steps; k += 7) {
        sat.ecefState(start + k * eph.stepMs, s);
        const o = (i * eph.steps + k) * EPHEMERIS_STRIDE;
        expect(Array.from(eph.data.subarray(o, o + 6))).toEqual([s.x, s.y, s.z, s.vx, s.vy, s.vz]);
      }
    });
  });

  it('reports progress once per satellite', () => {
    const calls: Array<[number, number]> = [];
    computeEphemeris(sats, start, start + HOUR, 60_000, (d, t) => calls.push([d, t]));
    expect(calls).toEqual([1, 2, 3, 4, 5, 6].map((d) => [d, 6]));
  });
});

describe('interpolate', () => {
  it.each([
    ['53° at 550 km', DELTA_53],
    ['97° at 800 km', POLAR_97],
  ])('is within a metre and 0.1 m/s of SGP4 between the points of a 60 s grid (%s)', (_n, shape) => {
    const sats = walkerSatellites(shape);
    const eph = computeEphemeris(sats, start, start + 6 * HOUR, 60_000);
    const out = new Float64Array(6);
    const s = newEcefState();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: sats.length - 1 }), fc.integer({ min: 0, max: 6 * HOUR }), (i, dt) => {
        const t = start + dt;
        interpolate(eph, i, t, out);
        sats[i]!.ecefState(t, s);
        expect(Math.hypot(out[0]! - s.x, out[1]! - s.y, out[2]! - s.z)).toBeLessThan(1e-3);
        expect(Math.hypot(out[3]! - s.vx, out[4]! - s.vy, out[5]! - s.vz)).toBeLessThan(1e-4);
      }),
      { numRuns: 300 },
    );
  });

  it('returns the stored state at grid times, including the first and the last', () => {
    const sats = walkerSatellites(DELTA_53);
    const eph = computeEphemeris(sats, start, start + HOUR, 60_000);
    const out = new Float64Array(6);
    const s = newEcefState();
    for (const k of [0, 1, 30, eph.steps - 1]) {
      const t = start + k * eph.stepMs;
      interpolate(eph, 2, t, out);
      sats[2]!.ecefState(t, s);
      const got = Array.from(out),
        want = [s.x, s.y, s.z, s.vx, s.vy, s.vz];
      got.forEach((v, j) => expect(Math.abs(v - want[j]!)).toBeLessThan(1e-9));
    }
  });
});
