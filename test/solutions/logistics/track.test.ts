import { geoDistance } from 'd3-geo';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  distanceKm,
  etaAlongRoute,
  findStops,
  orderTrack,
  summarizeTrack,
  trackPointOf,
  type TrackPoint,
} from '../../../src/solutions/logistics/track.js';

const MIN = 60_000;
const T0 = Date.parse('2026-03-01T00:00:00Z');
/** Degrees of latitude per km on the mean sphere. */
const DEG_PER_KM = 180 / (Math.PI * 6371.0088);

describe('tracks', () => {
  it('measures great-circle distance as d3-geo, an independent implementation, does', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        (lat1, lon1, lat2, lon2) => {
          const ref = geoDistance([lon1, lat1], [lon2, lat2]) * 6371.0088;
          // Within 1 m: haversine loses a little precision near antipodes, where 0.5 mm was seen.
          expect(distanceKm({ lat: lat1, lon: lon1 }, { lat: lat2, lon: lon2 })).toBeCloseTo(ref, 3);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('orders late reports by their own time and counts copies once', () => {
    const a = { at: T0, lat: 30, lon: 114 },
      b = { at: T0 + MIN, lat: 30.01, lon: 114 },
      c = { at: T0 + 2 * MIN, lat: 30.02, lon: 114 };
    expect(orderTrack([c, a, b, a, { at: NaN, lat: 0, lon: 0 }, { at: T0, lat: 91, lon: 0 }])).toEqual([a, b, c]);
  });

  it('sums the legs, finds a 30-minute stop at a depot and not a 3-minute red light, and ages the last position', () => {
    const pts: TrackPoint[] = [];
    let t = T0,
      lat = 30;
    const drive = (minutes: number) => {
      for (let i = 0; i < minutes; i++) {
        t += MIN;
        lat += 1 * DEG_PER_KM;
        pts.push({ at: t, lat, lon: 114 });
      }
    };
    const wait = (minutes: number) => {
      for (let i = 0; i < minutes; i++) {
        t += MIN;
        pts.push({ at: t, lat: lat + 0.00001 * (i % 2), lon: 114 });
      }
    };
    pts.push({ at: t, lat, lon: 114 });
    drive(20);
    wait(3);
    drive(10);
    wait(30);
    drive(5);
    const s = summarizeTrack([...pts].reverse(), t + 15 * MIN);
    expect(s.distanceKm).toBeCloseTo(35, 1);
    expect(s.stops).toHaveLength(1);
    expect(s.stops[0]!.durationMin).toBeGreaterThanOrEqual(30);
    expect(s.last).toMatchObject({ at: t, ageMin: 15 });
    expect(findStops(orderTrack(pts), { minMinutes: 2 })).toHaveLength(2);
  });

  it('estimates arrival along the route from the recent moving speed', () => {
    // Northbound at 60 km/h (1 km a minute) for 30 minutes on a 100 km straight route.
    const pts = Array.from({ length: 31 }, (_, i) => ({ at: T0 + i * MIN, lat: 30 + i * DEG_PER_KM, lon: 114 }));
    const route: Array<[number, number]> = [
      [114, 30],
      [114, 30 + 50 * DEG_PER_KM],
      [114, 30 + 100 * DEG_PER_KM],
    ];
    const now = T0 + 30 * MIN;
    const e = etaAlongRoute(pts, route, now);
    expect(e.remainingKm).toBeCloseTo(70, 1);
    expect(e.speedKmh).toBeCloseTo(60, 0);
    expect(e.offRouteKm).toBeLessThan(0.01);
    expect((e.eta! - now) / MIN).toBeCloseTo(70, 0);
    expect(etaAlongRoute([], route, now).eta).toBeNull();
    const parked = pts.map((p) => ({ ...p, lat: 30 }));
    expect(etaAlongRoute(parked, route, now).eta).toBeNull();
    expect(etaAlongRoute(parked, route, now, { defaultSpeedKmh: 50 }).eta).toBe(
      now + Math.round((100 / 50) * 3_600_000),
    );
  });

  it("reads a decoded payload's position, timed by its GNSS fix or else the capture, and skips one without", () => {
    const capturedAt = Date.parse('2026-03-01T08:00:00Z');
    expect(
      trackPointOf({ position: { lat: 30.5, lon: 114.3 }, time: '2026-03-01T07:58:00Z', speedKmh: 62 }, capturedAt),
    ).toEqual({ at: Date.parse('2026-03-01T07:58:00Z'), lat: 30.5, lon: 114.3, speedKmh: 62 });
    expect(trackPointOf({ position: { lat: 30.5, lon: 114.3 }, time: 'not a time' }, capturedAt)).toEqual({
      at: capturedAt,
      lat: 30.5,
      lon: 114.3,
    });
    expect(trackPointOf({ values: { waterLevelM: 3 } }, capturedAt)).toBeUndefined();
    expect(trackPointOf({ position: { lat: '30.5', lon: 114.3 } }, capturedAt)).toBeUndefined();
    expect(trackPointOf(null, capturedAt)).toBeUndefined();
  });
});
