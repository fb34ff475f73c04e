import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { toTleLines, toTleText } from '../../src/orbit/tle-format.js';
import { parseTle } from '../../src/orbit/tle-parser.js';
import { tleChecksum } from '../../src/orbit/tle-checksum.js';
import { MU_EARTH_WGS72 } from '../../src/orbit/constants.js';
import type { ElementSet } from '../../src/orbit/element-set.js';
import { epochMs } from '../../src/orbit/units.js';
import { ISS_LINE1, ISS_LINE2, angleDiffDeg, putColumns, walkerSets } from './helpers.js';

const EARTH_RADIUS_WGS72 = 6378.135;
/** Lowest perigee altitude generated: keeps SGP4 (and so parseTle's propagation check) happy. */
const MIN_PERIGEE_ALT_KM = 250;

function semiMajorAxisKm(revPerDay: number): number {
  const n = (revPerDay * 2 * Math.PI) / 86400;
  return Math.cbrt(MU_EARTH_WGS72 / (n * n));
}

const designator = fc
  .tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 999 }), fc.stringMatching(/^[A-Z]{1,3}$/))
  .map(([y, n, p]) => `${String(y).padStart(2, '0')}${String(n).padStart(3, '0')}${p}`);

/**
 * Random element sets SGP4 accepts: the brief's ranges (i 0–180°, Ω/ω/M 0–360°, e 0–0.9, n 1–16.5
 * rev/day, |B*| ≤ 1e-3, epochs 1990–2050), with e capped so that the perigee stays 250 km up.
 */
const elementSet: fc.Arbitrary<ElementSet> = fc
  .record({
    name: fc.stringMatching(/^[A-Z][A-Z0-9 ()/-]{0,20}[A-Z0-9)]$/),
    noradId: fc.integer({ min: 1, max: 339_999 }),
    intlDesignator: fc.oneof(designator, fc.constant('')),
    classification: fc.constantFrom('U' as const, 'C' as const, 'S' as const),
    epoch: fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2050, 0, 1) }),
    meanMotionRevPerDay: fc.double({ min: 1, max: 16.5, noNaN: true }),
    eccentricityFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    inclinationDeg: fc.double({ min: 0, max: 180, noNaN: true }),
    raanDeg: fc.double({ min: 0, max: 360, noNaN: true }),
    argPerigeeDeg: fc.double({ min: 0, max: 360, noNaN: true }),
    meanAnomalyDeg: fc.double({ min: 0, max: 360, noNaN: true }),
    bstar: fc.double({ min: -1e-3, max: 1e-3, noNaN: true }),
    meanMotionDot: fc.double({ min: -1e-3, max: 1e-3, noNaN: true }),
    meanMotionDdot: fc.double({ min: -1e-5, max: 1e-5, noNaN: true }),
    elementSetNo: fc.integer({ min: 0, max: 9999 }),
    revAtEpoch: fc.integer({ min: 0, max: 99_999 }),
  })
  .filter((r) => semiMajorAxisKm(r.meanMotionRevPerDay) > EARTH_RADIUS_WGS72 + MIN_PERIGEE_ALT_KM)
  .map(({ eccentricityFraction, ...r }) => {
    const eMax = Math.min(0.9, 1 - (EARTH_RADIUS_WGS72 + MIN_PERIGEE_ALT_KM) / semiMajorAxisKm(r.meanMotionRevPerDay));
    return { ...r, epoch: epochMs(r.epoch), eccentricity: eccentricityFraction * eMax };
  });

/** Rounding error allowed for an implied-decimal field (5 significant digits; < 1e-10 prints as 0). */
const impliedTol = (v: number) => 5.0001e-5 * Math.abs(v) + 1e-10;

function checksumOk(line: string): boolean {
  return line.length === 69 && tleChecksum(line) === Number(line[68]);
}

describe('toTleLines', () => {
  it('round-trips random valid element sets through parseTle within the TLE precision, with valid checksums', () => {
    fc.assert(
      fc.property(elementSet, (set) => {
        const [l1, l2] = toTleLines(set);
        expect(l1).toHaveLength(69);
        expect(l2).toHaveLength(69);
        expect(checksumOk(l1)).toBe(true);
        expect(checksumOk(l2)).toBe(true);

        const { sets, issues } = parseTle(`${set.name}\n${l1}\n${l2}\n`);
        expect(issues).toEqual([]);
        const back = sets[0]!;
        expect(back.name).toBe(set.name);
        expect(back.noradId).toBe(set.noradId);
        expect(back.intlDesignator).toBe(set.intlDesignator);
        expect(back.classification).toBe(set.classification);
        expect(back.elementSetNo).toBe(set.elementSetNo);
        expect(back.revAtEpoch).toBe(set.revAtEpoch);
        // Epoch: 8 decimals of a day = 0.864 ms steps.
        expect(Math.abs(back.epoch - set.epoch)).toBeLessThanOrEqual(0.44);
        expect(Math.abs(back.meanMotionRevPerDay - set.meanMotionRevPerDay)).toBeLessThanOrEqual(5.0001e-9);
        expect(Math.abs(back.eccentricity - set.eccentricity)).toBeLessThanOrEqual(5.0001e-8);
        expect(Math.abs(back.inclinationDeg - set.inclinationDeg)).toBeLessThanOrEqual(5.0001e-5);
        expect(Math.abs(angleDiffDeg(back.raanDeg, set.raanDeg))).toBeLessThanOrEqual(5.0001e-5);
        expect(Math.abs(angleDiffDeg(back.argPerigeeDeg, set.argPerigeeDeg))).toBeLessThanOrEqual(5.0001e-5);
        expect(Math.abs(angleDiffDeg(back.meanAnomalyDeg, set.meanAnomalyDeg))).toBeLessThanOrEqual(5.0001e-5);
        expect(Math.abs(back.meanMotionDot - set.meanMotionDot)).toBeLessThanOrEqual(5.0001e-9);
        expect(Math.abs(back.bstar - set.bstar)).toBeLessThanOrEqual(impliedTol(set.bstar));
        expect(Math.abs(back.meanMotionDdot - set.meanMotionDdot)).toBeLessThanOrEqual(impliedTol(set.meanMotionDdot));
        // Angles land in the TLE's range.
        for (const a of [back.raanDeg, back.argPerigeeDeg, back.meanAnomalyDeg]) expect(a >= 0 && a < 360).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('writes a parsed set without its source lines back to exactly the same lines', () => {
    // A mean motion derivative that rounds to zero from below is printed "-.00000000" (see the
    // it.fails case below); it is kept out of this property so that the rest stays checked.
    const noNegativeZero = elementSet.map((s) =>
      s.meanMotionDot < 0 && s.meanMotionDot > -5e-9 ? { ...s, meanMotionDot: 0 } : s,
    );
    fc.assert(
      fc.property(noNegativeZero, (set) => {
        const lines = toTleLines(set);
        const { tle: _tle, ...reparsed } = parseTle(lines.join('\n')).sets[0]!;
        expect(toTleLines(reparsed)).toEqual(lines);
      }),
      { numRuns: 200 },
    );
  });

  it('returns the lines of a set loaded from a TLE verbatim, even in a non-canonical layout', () => {
    // A blank classification and an explicit '+' sign are legal but not what the formatter writes.
    const l1 = putColumns(putColumns(ISS_LINE1, 8, ' '), 54, '+24263-4');
    const set = parseTle(`${l1}\n${ISS_LINE2}`).sets[0]!;
    expect(toTleLines(set)).toEqual([l1, ISS_LINE2]);
    const { tle: _tle, ...plain } = set;
    expect(toTleLines(plain)[0]).not.toBe(l1);
  });

  it.each([
    [100_000, 'A0000'],
    [100_001, 'A0001'],
    [179_999, 'H9999'],
    [180_000, 'J0000'],
    [230_000, 'P0000'],
    [339_999, 'Z9999'],
    [99_999, '99999'],
    [5, '00005'],
  ])('writes catalog number %i as %j in both lines', (noradId, cat) => {
    const [set] = walkerSets({ total: 1, planes: 1, phasing: 0, firstNoradId: noradId });
    const [l1, l2] = toTleLines(set!);
    expect(l1.slice(2, 7)).toBe(cat);
    expect(l2.slice(2, 7)).toBe(cat);
    expect(parseTle(`${l1}\n${l2}`).sets[0]!.noradId).toBe(noradId);
  });

  it('refuses a catalog number beyond Alpha-5 (340000) with a RangeError', () => {
    const [set] = walkerSets({ total: 1, planes: 1, phasing: 0, firstNoradId: 340_000 });
    expect(() => toTleLines(set!)).toThrow(RangeError);
  });

  it('wraps angles that would print as 360.0000 to 0.0000 and normalises negative angles', () => {
    const [set] = walkerSets({ total: 1, planes: 1, phasing: 0 });
    const [, l2] = toTleLines({ ...set!, raanDeg: 359.99996, argPerigeeDeg: -90, meanAnomalyDeg: 720.5 });
    expect(l2.slice(17, 25)).toBe('  0.0000');
    expect(l2.slice(34, 42)).toBe('270.0000');
    expect(l2.slice(43, 51)).toBe('  0.5000');
  });

  it('lays out the fields of a Walker set in the standard columns', () => {
    const [set] = walkerSets({ total: 1, planes: 1, phasing: 0 });
    const [l1, l2] = toTleLines({ ...set!, intlDesignator: '24001A', bstar: -0.00012345, meanMotionDot: -0.00001234 });
    expect(l1).toBe(`1 90001U 24001A   24061.00000000 -.00001234  00000-0 -12345-3 0    1${tleChecksum(l1)}`);
    expect(l2.slice(8, 16)).toBe(' 53.0000');
    expect(l2.slice(26, 33)).toBe('0001000');
    expect(l2.slice(52, 63)).toBe(set!.meanMotionRevPerDay.toFixed(8));
  });

  it('writes names and both lines per set in toTleText, ending with a newline, and reads back', () => {
    const sets = walkerSets().slice(0, 4);
    const text = toTleText(sets);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(4 * 3 + 1);
    const back = parseTle(text);
    expect(back.issues).toEqual([]);
    expect(back.sets.map((s) => s.name)).toEqual(sets.map((s) => s.name));
  });

  it('writes a mean motion derivative that rounds to zero without a minus sign', () => {
    // Source quirk (cosmetic): signedDecimal tests the sign before rounding, so -1e-9 prints as
    // "-.00000000"; it parses back to -0 and is re-written as " .00000000", so format∘parse is not
    // idempotent for such values.
    const [set] = walkerSets({ total: 1, planes: 1, phasing: 0 });
    const [l1] = toTleLines({ ...set!, meanMotionDot: -1e-9 });
    expect(l1.slice(33, 43)).toBe(' .00000000');
  });

  it('keeps an epoch in the last half millisecond of a leap year readable (day 367 is not a day)', () => {
    // Source bug: toTleLines takes the year before rounding the day to 8 decimals, so an epoch
    // 0.25 ms before 2025-01-01 prints as "24367.00000000", which parseTle rejects (1..366).
    const [set] = walkerSets({ total: 1, planes: 1, phasing: 0, epoch: epochMs(Date.UTC(2025, 0, 1) - 0.25) });
    const [l1, l2] = toTleLines(set!);
    const { sets, issues } = parseTle(`${l1}\n${l2}`);
    expect(issues).toEqual([]);
    expect(Math.abs(sets[0]!.epoch - set!.epoch)).toBeLessThan(0.5);
  });
});
