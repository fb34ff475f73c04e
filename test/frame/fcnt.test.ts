import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rebuildFCnt32 } from '../../src/frame/fcnt.js';

const MAX = 0xffff_ffff;

/** Brute force over all 65,536 high halves: the nearest counter ending in fCnt16, larger on ties. */
function nearestByScan(fCnt16: number, top: number): number {
  let best = -1;
  for (let h = 0; h <= 0xffff; h++) {
    const c = h * 65536 + fCnt16;
    if (
      best < 0 ||
      Math.abs(c - top) < Math.abs(best - top) ||
      (Math.abs(c - top) === Math.abs(best - top) && c > best)
    )
      best = c;
  }
  return best;
}

const top = (): fc.Arbitrary<number> =>
  fc.oneof(
    fc.integer({ min: 0, max: MAX }),
    fc.integer({ min: 0, max: 0xffff }).map((h) => h * 65536 + 0xfff0),
    fc.integer({ min: 0, max: 0xffff }).map((h) => h * 65536 + 5),
    fc.constantFrom(0, 1, 32_767, 32_768, 65_535, 65_536, MAX - 1, MAX),
  );

describe('rebuildFCnt32', () => {
  it('returns the 16-bit counter itself before any frame was accepted', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff }), (c) => rebuildFCnt32(c, -1) === c));
  });

  it('picks the nearest counter ending in the 16 received bits (ties to the larger), as a full scan does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), top(), (c16, t) => {
        const got = rebuildFCnt32(c16, t);
        expect(got % 65536).toBe(c16);
        expect(got).toBe(nearestByScan(c16, t));
      }),
      { numRuns: 300 },
    );
  });

  it('recovers any counter within 32,767 of the top, ahead or behind', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX }), fc.integer({ min: -32_767, max: 32_767 }), (t, d) => {
        const c = t + d;
        fc.pre(c >= 0 && c <= MAX);
        expect(rebuildFCnt32(c & 0xffff, t)).toBe(c);
      }),
      { numRuns: 2000 },
    );
  });

  it('wraps forward past a 65,536 boundary', () => {
    expect(rebuildFCnt32(3, 65_530)).toBe(65_539);
    expect(rebuildFCnt32(0, 0x1_ffff)).toBe(0x2_0000);
  });

  it('wraps backward past a 65,536 boundary for a late frame', () => {
    // Counter 65,530 arrives after 70,000 (0x1_1170): it is older, not 131,066.
    expect(rebuildFCnt32(65_530, 70_000)).toBe(65_530);
    expect(rebuildFCnt32(0xffff, 0x2_0001)).toBe(0x1_ffff);
  });

  it('never goes below zero or above 2^32 − 1', () => {
    expect(rebuildFCnt32(0xfff0, 3)).toBe(0xfff0);
    expect(rebuildFCnt32(2, MAX)).toBe(0xffff_0002);
    expect(rebuildFCnt32(0xffff, MAX)).toBe(MAX);
  });

  it('breaks an exact tie towards the larger counter', () => {
    expect(rebuildFCnt32(32_768, 0x1_0000)).toBe(0x1_8000);
    expect(rebuildFCnt32(0, 0x1_8000)).toBe(0x2_0000);
  });

  it('refuses values that are not counters', () => {
    expect(() => rebuildFCnt32(65_536, 0)).toThrow(RangeError);
    expect(() => rebuildFCnt32(1.5, 0)).toThrow(RangeError);
    expect(() => rebuildFCnt32(1, -2)).toThrow(RangeError);
    expect(() => rebuildFCnt32(1, 2 ** 32)).toThrow(RangeError);
  });
});
