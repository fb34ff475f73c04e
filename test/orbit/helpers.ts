/**
 * Small hand-made fixtures shared by the orbit tests. Nothing here reads a file: every set is
 * either typed in below or generated with the project's own Walker generator and TLE formatter.
 */
import { tleChecksum } from '../../src/orbit/tle-checksum.js';
import { generateWalker, type WalkerDesign } from '../../src/orbit/walker.js';
import { toTleLines } from '../../src/orbit/tle-format.js';
import { newEcefState, type EcefState, type Satellite } from '../../src/orbit/satellite.js';
import type { ElementSet } from '../../src/orbit/element-set.js';
import { epochMs, type EpochMs } from '../../src/orbit/units.js';

/**
 * The ISS example from satellite.js's README, exactly as published. Both lines carry a wrong
 * checksum digit (line 1 sums to 5, line 2 to 6), so a strict parser must refuse them.
 */
export const README_ISS_LINE1 = '1 25544U 98067A   19156.50900463  .00001103  00000-0  24263-4 0  9996';
export const README_ISS_LINE2 = '2 25544  51.6454 260.2384 0008385  31.3930 120.8237 15.51181656173172';

/** The same ISS set with the checksum digits corrected (…9995 and …173176). */
export const ISS_LINE1 = '1 25544U 98067A   19156.50900463  .00001103  00000-0  24263-4 0  9995';
export const ISS_LINE2 = '2 25544  51.6454 260.2384 0008385  31.3930 120.8237 15.51181656173176';
export const ISS_NAME = 'ISS (ZARYA)';
/** 2019 day 156.50900463 = 2019-06-05T12:12:58.000032Z. */
export const ISS_EPOCH_MS = Date.UTC(2019, 0, 1) + 155.50900463 * 86_400_000;

/** Pads or cuts to 68 columns and appends the correct modulo-10 checksum. */
export function withChecksum(line: string): string {
  const body = line.slice(0, 68).padEnd(68, ' ');
  return body + String(tleChecksum(body));
}

/** Overwrites `text` starting at 1-based column `col`, then repairs the checksum. */
export function putColumns(line: string, col: number, text: string): string {
  const i = col - 1;
  return withChecksum(line.slice(0, i) + text + line.slice(i + text.length));
}

/** Overwrites text at a 1-based column without touching the checksum digit. */
export function putColumnsRaw(line: string, col: number, text: string): string {
  const i = col - 1;
  return line.slice(0, i) + text + line.slice(i + text.length);
}

export const WALKER_EPOCH: EpochMs = epochMs(Date.UTC(2024, 2, 1));

/** A small Walker delta constellation, 53°:24/3/1 at 550 km, catalog numbers from 90001. */
export function walkerSets(overrides: Partial<WalkerDesign> = {}): ElementSet[] {
  return generateWalker({
    inclinationDeg: 53,
    total: 24,
    planes: 3,
    phasing: 1,
    altitudeKm: 550,
    epoch: WALKER_EPOCH,
    ...overrides,
  });
}

/** Valid TLE lines for `count` Walker satellites, with names "SAT-1", "SAT-2", … */
export function walkerTles(count: number, firstNoradId = 90001): { name: string; line1: string; line2: string }[] {
  return walkerSets({ firstNoradId })
    .slice(0, count)
    .map((s, i) => {
      const [line1, line2] = toTleLines(s);
      return { name: `SAT-${i + 1}`, line1, line2 };
    });
}

/** Earth-fixed state of a satellite at time t (a fresh object per call). */
export function stateAt(sat: Satellite, t: number): EcefState {
  return sat.ecefState(t, newEcefState());
}

export function distanceKm(a: { x: number; y: number; z: number }, b: { x: number; y: number; z: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z);
}

/** Smallest signed difference a − b between two angles, degrees, in (−180, 180]. */
export function angleDiffDeg(a: number, b: number): number {
  const d = (((a - b) % 360) + 360) % 360;
  return d > 180 ? d - 360 : d;
}
