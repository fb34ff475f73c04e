/** A terminal's link baseline (learn/link.ts): RSSI against the path-loss term of the slant range. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fitLinkBaseline, frameLossScores, linkExpected, pathLossTerm } from '../../src/learn/link.js';
import { Random } from '../../src/twin/model/random.js';

describe('link baseline', () => {
  it('learns a free-space link (slope −1) and its level from readings over a range of distances, and a 12 dB drop stands out of the residuals', () => {
    const r = new Random(3);
    const points = Array.from({ length: 300 }, (_, i) => {
      const rangeKm = 520 + (i % 60) * 40; // 520 to 2,880 km: overhead to low on the horizon
      return { rangeKm, value: 40 - pathLossTerm(rangeKm) + r.normal() };
    });
    const b = fitLinkBaseline(points)!;
    expect(b.slope).toBeCloseTo(-1, 0);
    expect(Math.abs(b.slope + 1)).toBeLessThan(0.15);
    expect(Math.abs(linkExpected(b, 1000) - (40 - 60))).toBeLessThan(0.5);
    // Raw readings swing by 15 dB with the geometry; residuals are the noise alone.
    const residuals = points.map((p) => p.value - linkExpected(b, p.rangeKm));
    expect(Math.max(...residuals.map(Math.abs))).toBeLessThan(4);
    const dropped = 40 - pathLossTerm(700) - 12;
    expect(dropped - linkExpected(b, 700)).toBeCloseTo(-12, 0);
  });

  it("a terminal that sees one distance only keeps free space's slope and learns its level", () => {
    const b = fitLinkBaseline([
      { rangeKm: 800, value: -100 },
      { rangeKm: 801, value: -101 },
      { rangeKm: 802, value: -99 },
    ])!;
    expect(b).toMatchObject({ slope: -1, bins: 1, observations: 3 });
    expect(linkExpected(b, 800)).toBeCloseTo(-100, 0);
    expect(fitLinkBaseline([])).toBeUndefined();
  });

  it('recovers any line it is given exactly, whatever the outliers in a minority of bins', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 1, noNaN: true }),
        fc.double({ min: -200, max: 100, noNaN: true }),
        fc.integer({ min: 0, max: 2 }),
        (slope, intercept, wild) => {
          const points = Array.from({ length: 40 }, (_, i) => {
            const rangeKm = 10 ** ((50 + i) / 20); // one per 1 dB bin
            return { rangeKm, value: intercept + slope * pathLossTerm(rangeKm) + (i < wild ? 50 : 0) };
          });
          const b = fitLinkBaseline(points)!;
          expect(b.slope).toBeCloseTo(slope, 1);
        },
      ),
    );
  });

  it("judges lost frames against the terminal's own loss rate: four in a row are unusual for one that never loses any, not for one that often does", () => {
    const clean = [...Array<number>(60).fill(0), 4, ...Array<number>(20).fill(0)];
    const scoredClean = frameLossScores(clean);
    expect(scoredClean[60]!.score).toBeGreaterThan(0.5);
    expect(scoredClean.filter((x) => x.score >= 0.5)).toHaveLength(1);
    const lossy = clean.map((g, i) => (i % 3 === 0 ? 2 : g));
    expect(frameLossScores(lossy)[60]!.score).toBeLessThan(0.5);
    // The band's upper edge is where the score reaches the threshold.
    const one = frameLossScores(clean, 0.5)[0]!;
    expect(frameLossScores([...clean.slice(0, 80), Math.ceil(one.upper)])[80]!.score).toBeGreaterThanOrEqual(0.5);
  });
});
