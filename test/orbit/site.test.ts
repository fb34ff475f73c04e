import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { geodeticToEcf } from 'satellite.js';
import { makeSite } from '../../src/orbit/site.js';
import { errorOf } from '../support/error-of.js';

const DEG = Math.PI / 180;

describe('makeSite', () => {
  it.each([
    ['latitude 90.001', { latDeg: 90.001, lonDeg: 0 }, 'latitude'],
    ['latitude -91', { latDeg: -91, lonDeg: 0 }, 'latitude'],
    ['latitude NaN', { latDeg: Number.NaN, lonDeg: 0 }, 'latitude'],
    ['longitude -180.5', { latDeg: 0, lonDeg: -180.5 }, 'longitude'],
    ['longitude 360.5', { latDeg: 0, lonDeg: 360.5 }, 'longitude'],
    ['longitude Infinity', { latDeg: 0, lonDeg: Number.POSITIVE_INFINITY }, 'longitude'],
    ['altitude -501 m', { latDeg: 0, lonDeg: 0, altM: -501 }, 'altitude'],
    ['altitude 100 001 m', { latDeg: 0, lonDeg: 0, altM: 100_001 }, 'altitude'],
    ['altitude NaN', { latDeg: 0, lonDeg: 0, altM: Number.NaN }, 'altitude'],
  ])('rejects %s with INVALID_ARGUMENT naming the quantity', (_what, pos, quantity) => {
    const e = errorOf(() => makeSite(pos));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain(quantity);
  });

  it('accepts the edges of every range', () => {
    for (const pos of [
      { latDeg: 90, lonDeg: -180, altM: -500 },
      { latDeg: -90, lonDeg: 360, altM: 100_000 },
      { latDeg: 0, lonDeg: 180 },
    ]) {
      expect(() => makeSite(pos)).not.toThrow();
    }
  });

  it('keeps the geodetic position, defaults the altitude to 0 and names an unnamed site by its coordinates', () => {
    const s = makeSite({ latDeg: 48.1372, lonDeg: 11.5756 });
    expect(s).toMatchObject({ latDeg: 48.1372, lonDeg: 11.5756, altM: 0, name: '48.1372,11.5756' });
    expect(makeSite({ latDeg: 1, lonDeg: 2, name: 'Gateway' }).name).toBe('Gateway');
  });

  it('places the site where satellite.js puts the same WGS84 point, to the millimetre', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: -500, max: 100_000, noNaN: true }),
        (latDeg, lonDeg, altM) => {
          const s = makeSite({ latDeg, lonDeg, altM });
          const ref = geodeticToEcf({ latitude: latDeg * DEG, longitude: lonDeg * DEG, height: altM / 1000 });
          expect(Math.hypot(s.x - ref.x, s.y - ref.y, s.z - ref.z)).toBeLessThan(1e-6);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives an orthonormal, right-handed east-north-up basis with up along the geodetic normal', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: -180, max: 360, noNaN: true }),
        (latDeg, lonDeg) => {
          const { east: e, north: n, up: u } = makeSite({ latDeg, lonDeg });
          const dot = (a: readonly number[], b: readonly number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
          for (const v of [e, n, u]) expect(dot(v, v)).toBeCloseTo(1, 12);
          expect(dot(e, n)).toBeCloseTo(0, 12);
          expect(dot(e, u)).toBeCloseTo(0, 12);
          expect(dot(n, u)).toBeCloseTo(0, 12);
          // east × north = up
          expect(e[1] * n[2] - e[2] * n[1]).toBeCloseTo(u[0], 12);
          expect(e[2] * n[0] - e[0] * n[2]).toBeCloseTo(u[1], 12);
          expect(e[0] * n[1] - e[1] * n[0]).toBeCloseTo(u[2], 12);
          // up makes the geodetic latitude with the equator; north points to +z away from the poles
          expect(Math.asin(u[2]) / DEG).toBeCloseTo(latDeg, 9);
          if (Math.abs(latDeg) < 89) expect(n[2]).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('raises the site along its up vector with altitude', () => {
    const low = makeSite({ latDeg: 30, lonDeg: 40, altM: 0 });
    const high = makeSite({ latDeg: 30, lonDeg: 40, altM: 2000 });
    expect(high.x - low.x).toBeCloseTo(2 * low.up[0], 9);
    expect(high.y - low.y).toBeCloseTo(2 * low.up[1], 9);
    expect(high.z - low.z).toBeCloseTo(2 * low.up[2], 9);
  });
});
