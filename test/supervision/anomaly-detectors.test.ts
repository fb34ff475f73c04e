import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { geoContains, geoDistance } from 'd3-geo';
import {
  contactFinding,
  countFinding,
  footprintRegionFinding,
  isEmergency,
  movementFinding,
  positionRegionFinding,
  rateFinding,
  slide,
} from '../../src/supervision/anomaly-detectors.js';
import { distanceToPolygonKm, footprintRadiusKm, inPolygon } from '../../src/supervision/anomaly-geometry.js';

const T = Date.parse('2026-03-01T00:00:00Z');
/** A 1° × 1° square around (30.5 N, 114.5 E): Wuhan's surroundings. */
const square = {
  type: 'Polygon' as const,
  coordinates: [
    [
      [114, 30],
      [115, 30],
      [115, 31],
      [114, 31],
      [114, 30],
    ],
  ],
};
const R = 6371.0088;

describe('anomaly geometry', () => {
  it('agrees with d3-geo on point-in-polygon for points around a small region', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 113, max: 116, noNaN: true }),
        fc.double({ min: 29, max: 32, noNaN: true }),
        (lon, lat) => {
          // Both test on the sphere (the rules' geofence test is d3-geo with a boundary tolerance); edges are left out.
          const nearEdge =
            Math.min(Math.abs(lon - 114), Math.abs(lon - 115), Math.abs(lat - 30), Math.abs(lat - 31)) < 0.01;
          if (!nearEdge)
            expect(inPolygon({ lat, lon }, square)).toBe(
              geoContains(
                {
                  type: 'Polygon',
                  coordinates: [
                    [
                      [114, 30],
                      [114, 31],
                      [115, 31],
                      [115, 30],
                      [114, 30],
                    ],
                  ],
                },
                [lon, lat],
              ),
            );
        },
      ),
    );
  });

  it('measures the distance to a polygon as d3-geo does to its nearest edge point', () => {
    // Due north of the square's top edge: the nearest point is straight south on the edge (same longitude).
    const d = distanceToPolygonKm({ lat: 32, lon: 114.5 }, square);
    expect(d).toBeCloseTo(geoDistance([114.5, 32], [114.5, 31]) * R, 0);
    expect(distanceToPolygonKm({ lat: 30.5, lon: 114.5 }, square)).toBe(0);
  });

  it('gives the textbook footprint: a 500 km orbit sees 2,570 km around at 0°, 1,060 km at 20°', () => {
    // λ = acos(R cos e / (R + h)) − e, computed by hand: h = 500 km → 22.0° (0°), 9.5° (20°).
    expect(footprintRadiusKm(500, 0)).toBeCloseTo(Math.acos(R / (R + 500)) * R, 6);
    expect(footprintRadiusKm(500, 0)).toBeGreaterThan(2400);
    expect(footprintRadiusKm(500, 0)).toBeLessThan(2500);
    expect(footprintRadiusKm(500, 20)).toBeGreaterThan(1000);
    expect(footprintRadiusKm(500, 20)).toBeLessThan(1100);
  });
});

describe('anomaly detectors', () => {
  it('counts replays and MIC failures in a sliding window, with a score of 0.5 at the threshold', () => {
    let times: number[] = [];
    for (const dt of [0, 60_000, 120_000]) times = slide(times, T + dt, 600_000);
    expect(countFinding('replay', times, 3, 600_000, { stationId: 's' })).toMatchObject({
      kind: 'replay',
      score: 0.5,
      evidence: { count: 3, stationId: 's' },
    });
    expect(countFinding('replay', times.slice(1), 3, 600_000, {})).toBeUndefined();
    // Old entries leave the window.
    expect(slide(times, T + 3_600_000, 600_000)).toEqual([T + 3_600_000]);
    let many: number[] = [];
    for (let i = 0; i < 12; i++) many = slide(many, T + i, 600_000);
    expect(countFinding('mic-failures', many, 5, 600_000, {})!.score).toBe(1);
  });

  it('flags a truck at 900 km/h but not at 90', () => {
    const a = { at: T, lat: 30, lon: 114 };
    // 15 km north in one minute: 900 km/h.
    const b = { at: T + 60_000, lat: 30 + 15 / 111.195, lon: 114 };
    const opts = { maxSpeedKmh: 250, fixedToleranceKm: 1, minDistanceKm: 0.5, profile: 'vehicle' };
    const f = movementFinding(a, b, opts)!;
    expect(f.kind).toBe('impossible-movement');
    expect(f.evidence.speedKmh).toBeCloseTo(900, -1);
    expect(f.score).toBe(1);
    expect(movementFinding(a, { ...b, at: T + 600_000 }, opts)).toBeUndefined();
  });

  it('flags a fixed collector that moved beyond its tolerance, whatever the time between', () => {
    const opts = { maxSpeedKmh: 0, fixedToleranceKm: 1, minDistanceKm: 0.5, profile: 'fixed-collector' };
    const a = { at: T, lat: 30, lon: 114 };
    expect(movementFinding(a, { at: T + 30 * 86_400_000, lat: 30.05, lon: 114 }, opts)).toMatchObject({
      kind: 'impossible-movement',
      evidence: { fixed: true },
    });
    expect(movementFinding(a, { at: T + 60_000, lat: 30.001, lon: 114.001 }, opts)).toBeUndefined();
  });

  it('flags a position outside the declared region beyond the margin', () => {
    expect(positionRegionFinding({ at: T, lat: 30.5, lon: 114.5 }, square, 25)).toBeUndefined();
    expect(positionRegionFinding({ at: T, lat: 31.1, lon: 114.5 }, square, 25)).toBeUndefined();
    expect(positionRegionFinding({ at: T, lat: 39.9, lon: 116.4 }, square, 25)).toMatchObject({
      kind: 'outside-region',
      evidence: { source: 'position' },
    });
  });

  it("places a terminal outside its region when the capturing satellite's footprint misses it", () => {
    // A 500 km satellite over Paris cannot hear a terminal near Wuhan (≈ 8,600 km away).
    const f = footprintRegionFinding({ lat: 48.9, lon: 2.35, altKm: 500 }, T, 'SAT-X', square, {
      marginKm: 25,
      minElevationDeg: 0,
    });
    expect(f).toMatchObject({
      kind: 'outside-region',
      evidence: { source: 'satellite-footprint', satelliteId: 'SAT-X' },
    });
    // Over Chongqing (≈ 750 km away) it can.
    expect(
      footprintRegionFinding({ lat: 29.6, lon: 106.5, altKm: 500 }, T, 'SAT-X', square, {
        marginKm: 25,
        minElevationDeg: 0,
      }),
    ).toBeUndefined();
  });

  it('flags traffic far above the declared rate, never below the absolute floor', () => {
    expect(rateFinding(49, 1, { factor: 10, minMessages: 48 })).toMatchObject({
      kind: 'rate-excess',
      evidence: { limit: 48 },
    });
    expect(rateFinding(48, 1, { factor: 10, minMessages: 48 })).toBeUndefined();
    expect(rateFinding(241, 24, { factor: 10, minMessages: 48 })!.evidence.limit).toBe(240);
    // A learned baseline: no say before 3 days, a share of it per day after, all of it after a week.
    const o = { factor: 10, minMessages: 4 };
    expect(rateFinding(30, 24, o, [5, 5])).toBeUndefined();
    const half = rateFinding(200, 24, o, [5, 5, 5, 4, 6].slice(0, 3))!;
    expect(half.evidence).toMatchObject({ baseline: { days: 3, medianPerDay: 5, weight: 0.43 } });
    const week = rateFinding(20, 24, o, [5, 4, 6, 5, 5, 4, 6]);
    // Median 5, MAD 1: 5 + max(4 × 1.4826, 5 / 2 + 3) = 10.9.
    expect(week!.evidence).toMatchObject({
      limit: 10.9,
      baseline: { days: 7, medianPerDay: 5, learnedLimit: 10.9, weight: 1 },
    });
    expect(rateFinding(10, 24, o, [5, 4, 6, 5, 5, 4, 6])).toBeUndefined();
  });

  it("flags a satellite below a station's horizon, scoring how far below", () => {
    const o = { stationId: 'gs', satelliteId: 'S', first: T, last: T, frames: 3, minElevationDeg: -2 };
    expect(contactFinding(5, o)).toBeUndefined();
    expect(contactFinding(-40, o)!.score).toBe(1);
    expect(contactFinding(-2.5, o)!.score).toBeCloseTo(0.525, 3);
  });

  it("knows emergencies: the JT/T 808 SOS bit and a codec's emergency flag", () => {
    expect(isEmergency({ alarm: { emergency: true, overspeed: false } })).toBe(true);
    expect(isEmergency({ emergency: true })).toBe(true);
    expect(isEmergency({ alarm: { emergency: false } })).toBe(false);
    expect(isEmergency(null)).toBe(false);
  });
});
