import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { nextCovered, unionIntervals } from '../../src/plan/intervals.js';
import { bruteUnion } from './helpers.js';

/** Closed intervals [s, e] with s ≤ e, small integers so that touching and nesting are frequent. */
const interval = fc
  .tuple(fc.integer({ min: -50, max: 200 }), fc.integer({ min: 0, max: 40 }))
  .map(([s, len]) => [s, s + len] as [number, number]);
/** The same with fractional ends (durations in ms are not always integers). */
const realInterval = fc
  .tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e5, noNaN: true }))
  .map(([s, len]) => [s, s + len] as [number, number]);

const flat = (xs: ReadonlyArray<readonly [number, number]>): number[] => xs.flatMap(([s, e]) => [s, e]);

/** Brute-force next covered time: the smallest max(s, x) over the raw intervals with e ≥ x. */
function bruteNext(xs: ReadonlyArray<readonly [number, number]>, x: number): number {
  let best = Infinity;
  for (const [s, e] of xs) if (e >= x) best = Math.min(best, Math.max(s, x));
  return best;
}

describe('unionIntervals', () => {
  it('equals a brute-force pairwise merge (integer ends: touching, nested, duplicate intervals)', () => {
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 30 }), (xs) => {
        expect(unionIntervals(flat(xs))).toEqual(flat(bruteUnion(xs)));
      }),
      { numRuns: 500 },
    );
  });

  it('equals a brute-force pairwise merge with fractional ends', () => {
    fc.assert(
      fc.property(fc.array(realInterval, { maxLength: 30 }), (xs) => {
        expect(unionIntervals(flat(xs))).toEqual(flat(bruteUnion(xs)));
      }),
      { numRuns: 300 },
    );
  });

  it('covers exactly the points the input covers, with sorted, disjoint, non-touching intervals', () => {
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 20 }), (xs) => {
        const u = unionIntervals(flat(xs));
        for (let i = 0; i + 2 < u.length; i += 2) expect(u[i + 1]!).toBeLessThan(u[i + 2]!);
        for (let i = 0; i < u.length; i += 2) expect(u[i]!).toBeLessThanOrEqual(u[i + 1]!);
        const inInput: boolean[] = [],
          inUnion: boolean[] = [];
        for (let x = -51; x <= 241; x += 0.5) {
          inInput.push(xs.some(([s, e]) => s <= x && x <= e));
          let covered = false;
          for (let i = 0; i < u.length; i += 2) if (u[i]! <= x && x <= u[i + 1]!) covered = true;
          inUnion.push(covered);
        }
        expect(inUnion).toEqual(inInput);
      }),
      { numRuns: 200 },
    );
  });

  it('does not modify its input and returns an empty array for no interval', () => {
    const input = [5, 9, 1, 3, 2, 6];
    expect(unionIntervals(input)).toEqual([1, 9]);
    expect(input).toEqual([5, 9, 1, 3, 2, 6]);
    expect(unionIntervals([])).toEqual([]);
  });

  it('keeps zero-length intervals as points and merges intervals that only touch', () => {
    expect(unionIntervals([4, 4, 0, 1, 1, 2])).toEqual([0, 2, 4, 4]);
  });
});

describe('nextCovered', () => {
  // -0 and +0 are the same instant (a probe of -0 inside [0, 0] may come back as either).
  const t = (v: number | undefined) => (v === 0 ? 0 : v);
  it('is the earliest covered time ≥ x, as a brute-force scan of the raw intervals finds it', () => {
    fc.assert(
      fc.property(
        fc.array(interval, { maxLength: 25 }),
        fc.array(fc.oneof(fc.integer({ min: -60, max: 260 }), fc.double({ min: -60, max: 260, noNaN: true })), {
          minLength: 1,
          maxLength: 30,
        }),
        (xs, probes) => {
          const u = unionIntervals(flat(xs));
          const typed = Float64Array.from(u);
          for (const x of probes) {
            expect(t(nextCovered(u, x))).toBe(t(bruteNext(xs, x)));
            expect(t(nextCovered(typed, x))).toBe(t(bruteNext(xs, x)));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('probes every interval end exactly: at a start, at an end, just after an end', () => {
    fc.assert(
      fc.property(fc.array(interval, { minLength: 1, maxLength: 25 }), (xs) => {
        const u = unionIntervals(flat(xs));
        for (const x of u.flatMap((v) => [v, v + 0.5, v - 0.5])) expect(t(nextCovered(u, x))).toBe(t(bruteNext(xs, x)));
      }),
      { numRuns: 300 },
    );
  });

  it('returns x inside an interval, the next start in a gap, Infinity after the last end', () => {
    const u = [10, 20, 30, 40];
    expect(nextCovered(u, 15)).toBe(15);
    expect(nextCovered(u, 20)).toBe(20);
    expect(nextCovered(u, 25)).toBe(30);
    expect(nextCovered(u, 0)).toBe(10);
    expect(nextCovered(u, 40)).toBe(40);
    expect(nextCovered(u, 40.001)).toBe(Infinity);
    expect(nextCovered([], 0)).toBe(Infinity);
  });
});
