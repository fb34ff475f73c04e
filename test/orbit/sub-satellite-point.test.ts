import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseElementSets } from '../../src/orbit/parse-element-sets.js';
import { newEcefState, Satellite } from '../../src/orbit/satellite.js';
import { subSatellitePoint } from '../../src/orbit/sub-satellite-point.js';

const sats = parseElementSets(
  readFileSync(new URL('../fixtures/tle/reference-leo.tle', import.meta.url), 'utf8'),
).sets.map((s) => new Satellite(s));
const WGS84_A = 6378.137,
  WGS84_F = 1 / 298.257223563,
  E2 = WGS84_F * (2 - WGS84_F);

/** Geodetic from ECEF by Bowring's method: an independent path from the pass finder's ECEF state. */
function geodetic(x: number, y: number, z: number): { lat: number; lon: number; altKm: number } {
  const b = WGS84_A * (1 - WGS84_F),
    p = Math.hypot(x, y),
    th = Math.atan2(z * WGS84_A, p * b),
    ep2 = (WGS84_A ** 2 - b ** 2) / b ** 2;
  const lat = Math.atan2(z + ep2 * b * Math.sin(th) ** 3, p - E2 * WGS84_A * Math.cos(th) ** 3);
  const n = WGS84_A / Math.sqrt(1 - E2 * Math.sin(lat) ** 2);
  return { lat: (lat * 180) / Math.PI, lon: (Math.atan2(y, x) * 180) / Math.PI, altKm: p / Math.cos(lat) - n };
}

describe('sub-satellite point', () => {
  it('agrees with a Bowring conversion of the ECEF state the pass finder uses, for every reference satellite over a day', () => {
    const t0 = Date.parse('2026-01-15T00:00:00Z');
    const s = newEcefState();
    for (const sat of sats) {
      for (let t = t0; t < t0 + 86_400_000; t += 3_600_000) {
        const p = subSatellitePoint(sat, t);
        sat.ecefState(t, s);
        const ref = geodetic(s.x, s.y, s.z);
        expect(Math.abs(p.lat - ref.lat)).toBeLessThan(1e-3);
        expect(Math.abs(((p.lon - ref.lon + 540) % 360) - 180)).toBeLessThan(1e-3);
        expect(Math.abs(p.altKm - ref.altKm)).toBeLessThan(0.1);
        expect(p.altKm).toBeGreaterThan(300);
      }
    }
  });
});
