/**
 * Fixtures shared by the planner tests: small Walker constellations generated in memory (nothing is
 * read from disk) and a few brute-force reference helpers that do not use the code under test.
 */
import { generateWalker, type WalkerDesign } from '../../src/orbit/walker.js';
import { Satellite } from '../../src/orbit/satellite.js';
import { epochMs, type EpochMs } from '../../src/orbit/units.js';

export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Epoch of every generated constellation: 2026-01-15T00:00Z. */
export const PLAN_EPOCH: EpochMs = epochMs(Date.UTC(2026, 0, 15));

type Shape = Pick<WalkerDesign, 'inclinationDeg' | 'total' | 'planes' | 'phasing' | 'altitudeKm'>;

/** Walker delta 53°:6/2/1 at 550 km. */
export const DELTA_53: Shape = { inclinationDeg: 53, total: 6, planes: 2, phasing: 1, altitudeKm: 550 };
/** Near-polar 97°:4/2/1 at 800 km. */
export const POLAR_97: Shape = { inclinationDeg: 97, total: 4, planes: 2, phasing: 1, altitudeKm: 800 };

export function walkerSatellites(shape: Shape, overrides: Partial<WalkerDesign> = {}): Satellite[] {
  return generateWalker({ ...shape, epoch: PLAN_EPOCH, ...overrides }).map((s) => new Satellite(s));
}

/** Great-circle distance between two points of the unit sphere given in degrees, degrees (haversine). */
export function greatCircleDeg(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const dLat = (lat2 - lat1) * r,
    dLon = (lon2 - lon1) * r;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dLon / 2) ** 2;
  return (2 * Math.asin(Math.min(1, Math.sqrt(a)))) / r;
}

/**
 * Union of closed intervals by repeated pairwise merging (quadratic, obviously correct), sorted by
 * start, as [start, end] pairs.
 */
export function bruteUnion(pairs: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = pairs.map(([s, e]) => [s, e]);
  for (let merged = true; merged;) {
    merged = false;
    for (let i = 0; i < out.length && !merged; i++) {
      for (let j = i + 1; j < out.length && !merged; j++) {
        const a = out[i]!,
          b = out[j]!;
        if (Math.max(a[0], b[0]) <= Math.min(a[1], b[1])) {
          out[i] = [Math.min(a[0], b[0]), Math.max(a[1], b[1])];
          out.splice(j, 1);
          merged = true;
        }
      }
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}
