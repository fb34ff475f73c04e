import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TargetIndex } from '../../src/plan/target-index.js';
import { makeTargets } from '../../src/plan/targets.js';
import { greatCircleDeg } from './helpers.js';

const DEG = Math.PI / 180;

/** The point at great-circle distance `distDeg` and initial bearing `bearingDeg` from (lat, lon). */
function destination(
  latDeg: number,
  lonDeg: number,
  distDeg: number,
  bearingDeg: number,
): { latDeg: number; lonDeg: number } {
  const p1 = latDeg * DEG,
    l1 = lonDeg * DEG,
    d = distDeg * DEG,
    b = bearingDeg * DEG;
  const p2 = Math.asin(
    Math.max(-1, Math.min(1, Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b))),
  );
  const l2 = l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  return { latDeg: p2 / DEG, lonDeg: ((l2 / DEG + 540) % 360) - 180 };
}

/** Spans as a list of item positions, checking each span is well formed. */
function positions(index: TargetIndex, spans: readonly number[]): number[] {
  expect(spans.length % 2).toBe(0);
  const out: number[] = [];
  for (let i = 0; i < spans.length; i += 2) {
    const b = spans[i]!,
      e = spans[i + 1]!;
    expect(Number.isInteger(b) && Number.isInteger(e)).toBe(true);
    expect(b).toBeGreaterThanOrEqual(0);
    expect(e).toBeGreaterThan(b);
    expect(e).toBeLessThanOrEqual(index.items.length);
    for (let j = b; j < e; j++) out.push(j);
  }
  return out;
}

interface Query {
  latDeg: number;
  lonDeg: number;
  radiusDeg: number;
}

/** Targets around the query: many just inside the cap's rim, some well inside, some just outside, plus a world-wide scatter. */
function scene(
  q: Query,
  bearings: readonly number[],
  fractions: readonly number[],
  world: ReadonlyArray<{ latDeg: number; lonDeg: number }>,
): Array<{ latDeg: number; lonDeg: number; minElevationDeg: number }> {
  const pts: Array<{ latDeg: number; lonDeg: number }> = [];
  bearings.forEach((b, i) => {
    pts.push(destination(q.latDeg, q.lonDeg, q.radiusDeg * (1 - 1e-7), b));
    pts.push(destination(q.latDeg, q.lonDeg, q.radiusDeg * fractions[i % fractions.length]!, b + 7));
    pts.push(destination(q.latDeg, q.lonDeg, q.radiusDeg * 1.05, b + 13));
  });
  // Tangent points of the cap's longitude extent (the box's east and west edges) and its north/south tips.
  for (const b of [0, 90, 180, 270]) pts.push(destination(q.latDeg, q.lonDeg, q.radiusDeg * (1 - 1e-7), b));
  pts.push(...world);
  return pts.map((p) => ({ ...p, minElevationDeg: 0 }));
}

const lat = fc.oneof(
  fc.double({ min: -90, max: 90, noNaN: true }),
  fc.double({ min: 75, max: 90, noNaN: true }),
  fc.double({ min: -90, max: -75, noNaN: true }),
  fc.constantFrom(0, 89.9, -89.9, 90, -90),
);
const lon = fc.oneof(
  fc.double({ min: -180, max: 180, noNaN: true }),
  fc.double({ min: 170, max: 180, noNaN: true }),
  fc.double({ min: -180, max: -170, noNaN: true }),
  fc.constantFrom(-180, 180, 0),
);
const radius = fc.oneof(fc.double({ min: 1, max: 60, noNaN: true }), fc.constantFrom(1, 60));
const point = fc.record({
  latDeg: fc.double({ min: -90, max: 90, noNaN: true }),
  lonDeg: fc.double({ min: -180, max: 180, noNaN: true }),
});

describe('TargetIndex.rangesNear', () => {
  it('returns every target within the radius (great-circle), anywhere on the globe', () => {
    fc.assert(
      fc.property(
        fc.record({ latDeg: lat, lonDeg: lon, radiusDeg: radius }),
        fc.array(fc.double({ min: 0, max: 360, noNaN: true }), { minLength: 8, maxLength: 40 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 10 }),
        fc.array(point, { maxLength: 60 }),
        (q, bearings, fractions, world) => {
          const pts = scene(q, bearings, fractions, world);
          const targets = makeTargets(pts);
          const index = new TargetIndex(targets);
          const spans: number[] = [];
          index.rangesNear(q.latDeg, q.lonDeg, q.radiusDeg, spans);
          const found = new Set(positions(index, spans).map((j) => index.items[j]!));
          pts.forEach((p, i) => {
            if (greatCircleDeg(q.latDeg, q.lonDeg, p.latDeg, p.lonDeg) <= q.radiusDeg) {
              expect(
                found.has(i),
                `target ${i} at (${p.latDeg}, ${p.lonDeg}) missed for query ${JSON.stringify(q)}`,
              ).toBe(true);
            }
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('finds targets given with longitudes in 180..360°, the same places as lon − 360', () => {
    fc.assert(
      fc.property(
        fc.record({ latDeg: fc.double({ min: -80, max: 80, noNaN: true }), lonDeg: lon, radiusDeg: radius }),
        fc.array(
          fc.record({
            latDeg: fc.double({ min: -90, max: 90, noNaN: true }),
            lonDeg: fc.double({ min: 180, max: 360, noNaN: true }),
          }),
          { minLength: 1, maxLength: 80 },
        ),
        (q, raw) => {
          const targets = makeTargets(raw.map((p) => ({ ...p, minElevationDeg: 0 })));
          const index = new TargetIndex(targets);
          const spans: number[] = [];
          index.rangesNear(q.latDeg, q.lonDeg, q.radiusDeg, spans);
          const found = new Set(positions(index, spans).map((j) => index.items[j]!));
          raw.forEach((p, i) => {
            if (greatCircleDeg(q.latDeg, q.lonDeg, p.latDeg, p.lonDeg - 360) <= q.radiusDeg)
              expect(found.has(i)).toBe(true);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('returns disjoint spans, appended after what the caller already had', () => {
    fc.assert(
      fc.property(
        fc.record({ latDeg: lat, lonDeg: lon, radiusDeg: radius }),
        fc.array(point, { minLength: 1, maxLength: 300 }),
        (q, world) => {
          const index = new TargetIndex(makeTargets(world.map((p) => ({ ...p, minElevationDeg: 0 }))));
          const spans = [-7, -3];
          index.rangesNear(q.latDeg, q.lonDeg, q.radiusDeg, spans);
          expect(spans.slice(0, 2)).toEqual([-7, -3]);
          const pos = positions(index, spans.slice(2));
          expect(new Set(pos).size).toBe(pos.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('indexes exactly the targets [from, to) of a sub-range, each once', () => {
    fc.assert(
      fc.property(fc.array(point, { minLength: 1, maxLength: 200 }), fc.nat(), fc.nat(), (world, a, b) => {
        const targets = makeTargets(world.map((p) => ({ ...p, minElevationDeg: 0 })));
        const from = a % targets.count,
          to = from + (b % (targets.count - from + 1));
        const index = new TargetIndex(targets, from, to);
        expect(Array.from(index.items).sort((x, y) => x - y)).toEqual(
          Array.from({ length: to - from }, (_, i) => from + i),
        );
        // A cap covering the whole sphere returns all of them.
        const spans: number[] = [];
        index.rangesNear(0, 0, 180, spans);
        expect(
          positions(index, spans)
            .map((j) => index.items[j]!)
            .sort((x, y) => x - y),
        ).toEqual(Array.from({ length: to - from }, (_, i) => from + i));
      }),
      { numRuns: 100 },
    );
  });

  it('finds a target at a pole from a query whose cap reaches over it, whatever the longitudes', () => {
    const targets = makeTargets([
      { latDeg: 90, lonDeg: 0, minElevationDeg: 0 },
      { latDeg: -90, lonDeg: 123, minElevationDeg: 0 },
      { latDeg: 89.95, lonDeg: -179.99, minElevationDeg: 0 },
    ]);
    const index = new TargetIndex(targets);
    for (const [qLat, qLon, r, expected] of [
      [85, 100, 6, [0, 2]],
      [-85, -60, 6, [1]],
      [80, -20, 10.1, [0, 2]],
      [88, 179, 2.5, [0, 2]],
    ] as const) {
      const spans: number[] = [];
      index.rangesNear(qLat, qLon, r, spans);
      const found = positions(index, spans).map((j) => index.items[j]!);
      for (const e of expected) expect(found).toContain(e);
    }
  });

  it('skips targets on the far side of the globe (it is an index, not a full scan)', () => {
    const world = Array.from({ length: 2000 }, (_, i) => ({
      latDeg: ((i * 37) % 179) - 89.5,
      lonDeg: ((i * 97) % 359) - 179.5,
      minElevationDeg: 0,
    }));
    const index = new TargetIndex(makeTargets(world));
    const spans: number[] = [];
    index.rangesNear(10, 20, 5, spans);
    const found = positions(index, spans).map((j) => index.items[j]!);
    expect(found.length).toBeLessThan(world.length / 20);
    for (const i of found) expect(greatCircleDeg(10, 20, world[i]!.latDeg, world[i]!.lonDeg)).toBeLessThan(25);
  });
});
