import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ecfToLookAngles } from 'satellite.js';
import { azimuthDeg, dopplerShiftHz, lookAngles, sinElevation } from '../../src/orbit/look-angles.js';
import { makeSite, type Site } from '../../src/orbit/site.js';
import { Satellite, type EcefState } from '../../src/orbit/satellite.js';
import { findPasses } from '../../src/orbit/pass-finder.js';
import { WALKER_EPOCH, angleDiffDeg, stateAt, walkerSets } from './helpers.js';

const DEG = Math.PI / 180;

const SITES: Site[] = [
  makeSite({ latDeg: -33.87, lonDeg: 151.21, altM: 40, name: 'Sydney' }),
  makeSite({ latDeg: 48.14, lonDeg: 11.58, altM: 520, name: 'Munich' }),
  makeSite({ latDeg: 0, lonDeg: -78.5, altM: 2800, name: 'Quito' }),
  makeSite({ latDeg: 78.23, lonDeg: 15.41, name: 'Svalbard' }),
  makeSite({ latDeg: 21.3, lonDeg: 202.2, name: 'Honolulu (east longitude)' }),
];

function reference(site: Site, p: { x: number; y: number; z: number }) {
  const r = ecfToLookAngles({ latitude: site.latDeg * DEG, longitude: site.lonDeg * DEG, height: site.altM / 1000 }, p);
  return { azimuthDeg: r.azimuth / DEG, elevationDeg: r.elevation / DEG, rangeKm: r.rangeSat };
}

function expectAgreesWithSatelliteJs(site: Site, s: EcefState): void {
  const ours = lookAngles(site, s);
  const ref = reference(site, s);
  expect(Math.abs(ours.elevationDeg - ref.elevationDeg)).toBeLessThan(0.01);
  expect(Math.abs(ours.rangeKm - ref.rangeKm)).toBeLessThan(0.01);
  // Azimuth is undefined straight above or below the site.
  if (Math.abs(ref.elevationDeg) < 89.9)
    expect(Math.abs(angleDiffDeg(ours.azimuthDeg, ref.azimuthDeg))).toBeLessThan(0.01);
  // 0..360° as documented; a direction a hair west of north rounds to exactly 360 (see report).
  expect(ours.azimuthDeg >= 0 && ours.azimuthDeg <= 360).toBe(true);
}

describe('lookAngles', () => {
  const sats = walkerSets()
    .filter((_, i) => i % 4 === 0)
    .map((s) => new Satellite(s));

  it('agrees with satellite.js ecfToLookAngles within 0.01° and 0.01 km for Walker satellites over a day', () => {
    let visible = 0;
    for (const site of SITES) {
      for (const sat of sats) {
        for (let minute = 0; minute < 1440; minute += 7) {
          const s = stateAt(sat, WALKER_EPOCH + minute * 60_000);
          expectAgreesWithSatelliteJs(site, s);
          if (lookAngles(site, s).elevationDeg > 0) visible++;
        }
      }
    }
    expect(visible).toBeGreaterThan(20); // the sample includes satellites above the horizon
  });

  it('agrees with satellite.js for arbitrary Earth-fixed positions from 6 600 to 42 000 km', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: -180, max: 360, noNaN: true }),
        fc.double({ min: 0, max: 5000, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
        fc.double({ min: 6600, max: 42_000, noNaN: true }),
        (latDeg, lonDeg, altM, sinLat, lon, r) => {
          const c = Math.sqrt(1 - sinLat * sinLat);
          const s: EcefState = {
            x: r * c * Math.cos(lon),
            y: r * c * Math.sin(lon),
            z: r * sinLat,
            vx: 0,
            vy: 0,
            vz: 0,
          };
          expectAgreesWithSatelliteJs(makeSite({ latDeg, lonDeg, altM }), s);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('sees a point straight up at 90° elevation, due north at azimuth 0° and due east at 90°', () => {
    const site = makeSite({ latDeg: 40, lonDeg: -105 });
    const at = (e: number, n: number, u: number): EcefState => ({
      x: site.x + e * site.east[0] + n * site.north[0] + u * site.up[0],
      y: site.y + e * site.east[1] + n * site.north[1] + u * site.up[1],
      z: site.z + e * site.east[2] + n * site.north[2] + u * site.up[2],
      vx: 0,
      vy: 0,
      vz: 0,
    });
    // asin near 1 is ill-conditioned: 1 ulp of the sine is ~1e-6° of elevation.
    expect(lookAngles(site, at(0, 0, 500)).elevationDeg).toBeCloseTo(90, 5);
    expect(lookAngles(site, at(0, 0, 500)).rangeKm).toBeCloseTo(500, 9);
    const north = lookAngles(site, at(0, 1000, 1000));
    expect(angleDiffDeg(north.azimuthDeg, 0)).toBeCloseTo(0, 9);
    expect(north.elevationDeg).toBeCloseTo(45, 9);
    expect(lookAngles(site, at(1000, 0, 0)).azimuthDeg).toBeCloseTo(90, 9);
    expect(lookAngles(site, at(0, -1000, 0)).azimuthDeg).toBeCloseTo(180, 9);
    expect(lookAngles(site, at(-1000, 0, -10)).azimuthDeg).toBeCloseTo(270, 9);
    expect(lookAngles(site, at(-1000, 0, -10)).elevationDeg).toBeLessThan(0);
  });

  it('reports a satellite due north as azimuth 0°, never 360°', () => {
    // Source quirk: azimuthDeg maps atan2's result from (−180, 180] with a < 0 ? a + 360 : a, so a
    // rounding-level negative east component (here −1e-13 km against 1000 km north) yields exactly
    // 360 instead of 0, outside the half-open [0, 360) a consumer would bin on.
    const site = makeSite({ latDeg: 40, lonDeg: -105 });
    const n = site.north;
    const x = site.x + 1000 * n[0] + 1000 * site.up[0];
    const y = site.y + 1000 * n[1] + 1000 * site.up[1];
    const z = site.z + 1000 * n[2] + 1000 * site.up[2];
    expect(azimuthDeg(site, x, y, z)).toBeLessThan(360);
  });

  it('gives a range rate equal to the central difference of the range over ±0.5 s within 1 m/s', () => {
    for (const site of SITES) {
      for (const sat of sats) {
        for (let minute = 3; minute < 1440; minute += 37) {
          const t = WALKER_EPOCH + minute * 60_000;
          const rate = lookAngles(site, stateAt(sat, t)).rangeRateKmS;
          const numeric =
            lookAngles(site, stateAt(sat, t + 500)).rangeKm - lookAngles(site, stateAt(sat, t - 500)).rangeKm;
          expect(Math.abs(rate - numeric)).toBeLessThan(0.001);
        }
      }
    }
  });

  it("matches sinElevation and azimuthDeg, the pass finder's shortcuts", () => {
    for (const site of SITES) {
      for (let minute = 0; minute < 1440; minute += 31) {
        const s = stateAt(sats[1]!, WALKER_EPOCH + minute * 60_000);
        const la = lookAngles(site, s);
        expect(sinElevation(site, s.x, s.y, s.z)).toBeCloseTo(Math.sin(la.elevationDeg * DEG), 12);
        expect(azimuthDeg(site, s.x, s.y, s.z)).toBe(la.azimuthDeg);
      }
    }
  });
});

describe('dopplerShiftHz', () => {
  it('is about −10 kHz at 400 MHz for a satellite receding at 7.5 km/s and +10 kHz approaching', () => {
    expect(dopplerShiftHz(400e6, 7.5)).toBeCloseTo((-400e6 * 7.5) / 299_792.458, 6);
    expect(dopplerShiftHz(400e6, 7.5)).toBeGreaterThan(-10_100);
    expect(dopplerShiftHz(400e6, 7.5)).toBeLessThan(-9_900);
    expect(dopplerShiftHz(400e6, -7.5)).toBeGreaterThan(9_900);
    expect(dopplerShiftHz(400e6, -7.5)).toBeLessThan(10_100);
    expect(Math.abs(dopplerShiftHz(400e6, 0))).toBe(0);
  });

  it('is positive while a satellite approaches before culmination and negative while it recedes after', () => {
    const site = SITES[0]!;
    const sat = new Satellite(walkerSets()[8]!);
    const passes = findPasses(sat, {
      site,
      start: WALKER_EPOCH,
      end: WALKER_EPOCH + 12 * 3_600_000,
      minElevationDeg: 10,
    });
    expect(passes.length).toBeGreaterThan(0);
    for (const p of passes) {
      const before = lookAngles(site, stateAt(sat, (p.aos + p.tca) / 2));
      const after = lookAngles(site, stateAt(sat, (p.tca + p.los) / 2));
      expect(before.rangeRateKmS).toBeLessThan(0);
      expect(dopplerShiftHz(400e6, before.rangeRateKmS)).toBeGreaterThan(0);
      expect(after.rangeRateKmS).toBeGreaterThan(0);
      expect(dopplerShiftHz(400e6, after.rangeRateKmS)).toBeLessThan(0);
      // LEO at 400 MHz never shifts more than ~10 kHz.
      expect(Math.abs(dopplerShiftHz(400e6, before.rangeRateKmS))).toBeLessThan(10_500);
    }
  });
});
