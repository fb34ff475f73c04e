import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { areaContains, type GeofenceArea, parseGeofenceArea } from '../../src/rules/geofence-area.js';

/** A lon/lat box as a closed ring, counter-clockwise (RFC 7946 exterior order). */
function box(w: number, s: number, e: number, n: number): number[][] {
  return [
    [w, s],
    [e, s],
    [e, n],
    [w, n],
    [w, s],
  ];
}

function polygon(...rings: number[][][]): GeofenceArea {
  return parseGeofenceArea({ type: 'Polygon', coordinates: rings }, 'area');
}

describe('geofence areas', () => {
  it('contains the inside and not the outside of an RFC 7946 (counter-clockwise) polygon', () => {
    const a = polygon(box(116, 39, 117, 40));
    expect(areaContains(a, 39.5, 116.5)).toBe(true);
    expect(areaContains(a, 45, 116.5)).toBe(false);
    expect(areaContains(a, -39.5, -63.5)).toBe(false);
  });

  it('gives the same answers for the same polygon wound clockwise', () => {
    const a = polygon(box(116, 39, 117, 40).reverse());
    expect(areaContains(a, 39.5, 116.5)).toBe(true);
    expect(areaContains(a, 45, 116.5)).toBe(false);
  });

  it('leaves out a hole, whichever way the hole is wound', () => {
    for (const hole of [box(116.4, 39.4, 116.6, 39.6), box(116.4, 39.4, 116.6, 39.6).reverse()]) {
      const a = polygon(box(116, 39, 117, 40), hole);
      expect(areaContains(a, 39.5, 116.5)).toBe(false);
      expect(areaContains(a, 39.2, 116.2)).toBe(true);
    }
  });

  it('counts vertices and points on edges as inside', () => {
    const a = polygon(box(116, 39, 117, 40));
    expect(areaContains(a, 39, 116)).toBe(true);
    expect(areaContains(a, 40, 117)).toBe(true);
    // Meridian edges are great circles, so their midpoints are exactly on the boundary, both sides.
    expect(areaContains(a, 39.5, 116)).toBe(true);
    expect(areaContains(a, 39.5, 117)).toBe(true);
    expect(areaContains(a, 39.5, 116 - 1e-6)).toBe(false);
    expect(areaContains(a, 39.5, 117 + 1e-6)).toBe(false);
  });

  it('handles a fence across the antimeridian', () => {
    const a = polygon([
      [170, -10],
      [-170, -10],
      [-170, 10],
      [170, 10],
      [170, -10],
    ]);
    expect(areaContains(a, 0, 180)).toBe(true);
    expect(areaContains(a, 0, -175)).toBe(true);
    expect(areaContains(a, 0, 0)).toBe(false);
  });

  it('contains a point in any polygon of a MultiPolygon', () => {
    const a = parseGeofenceArea(
      { type: 'MultiPolygon', coordinates: [[box(0, 0, 1, 1)], [box(10, 10, 11, 11)]] },
      'area',
    );
    expect(areaContains(a, 0.5, 0.5)).toBe(true);
    expect(areaContains(a, 10.5, 10.5)).toBe(true);
    expect(areaContains(a, 5, 5)).toBe(false);
  });

  it('drops foreign members and a third coordinate', () => {
    const a = parseGeofenceArea(
      { type: 'Polygon', bbox: [0, 0, 1, 1], coordinates: [box(0, 0, 1, 1).map((p) => [...p, 50])] },
      'area',
    );
    expect(a).toEqual({ type: 'Polygon', coordinates: [box(0, 0, 1, 1)] });
  });

  it('answers without throwing for any valid ring, degenerate ones included, and any point', () => {
    const position = fc.tuple(
      fc.double({ min: -180, max: 180, noNaN: true }),
      fc.double({ min: -90, max: 90, noNaN: true }),
    );
    const ring = fc
      .array(fc.oneof(position, fc.constant([0, 0] as [number, number])), { minLength: 3, maxLength: 8 })
      .map((ps) => [...ps, ps[0]!]);
    fc.assert(
      fc.property(ring, position, (r, [lon, lat]) => {
        expect(typeof areaContains(polygon(r), lat, lon)).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with the box test for boxes smaller than a hemisphere, away from their edges', () => {
    const box4 = fc.tuple(
      fc.integer({ min: -170, max: 160 }),
      fc.integer({ min: -60, max: 50 }),
      fc.integer({ min: 2, max: 20 }),
      fc.integer({ min: 2, max: 20 }),
    );
    fc.assert(
      fc.property(box4, fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.boolean(), ([w, s, dw, dh], f, wound) => {
        const ring = box(w, s, w + dw, s + dh);
        const a = polygon(wound ? ring : ring.reverse());
        // Meridian edges are great circles: a point on the middle latitude inside the lon range is in.
        expect(areaContains(a, s + dh / 2, w + f * dw)).toBe(true);
        expect(areaContains(a, s + dh / 2, w - 1)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
