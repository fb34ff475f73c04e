import { describe, expect, it } from 'vitest';
import { findPasses, findPassesForAll } from '../../src/orbit/pass-finder.js';
import type { Pass } from '../../src/orbit/pass.js';
import { Satellite } from '../../src/orbit/satellite.js';
import { makeSite } from '../../src/orbit/site.js';
import { lookAngles } from '../../src/orbit/look-angles.js';
import { WALKER_EPOCH, stateAt, walkerSets } from './helpers.js';

const HOUR = 3_600_000;
const site = makeSite({ latDeg: -33.87, lonDeg: 151.21, altM: 40, name: 'Sydney' });
const sets = walkerSets();
/** One satellite from each plane of 53°:24/3/1 at 550 km. */
const sats = [sets[0]!, sets[8]!, sets[17]!].map((s) => new Satellite(s));
const start: number = WALKER_EPOCH;
const end: number = WALKER_EPOCH + 12 * HOUR;

const elevation = (sat: Satellite, t: number): number => lookAngles(site, stateAt(sat, t)).elevationDeg;

function passesOf(sat: Satellite, minElevationDeg: number, from = start, to = end): Pass[] {
  return findPasses(sat, { site, start: from, end: to, minElevationDeg });
}

describe.each([0, 10])('findPasses with a minimum elevation of %i°', (minEl) => {
  const all = sats.map((sat) => ({ sat, passes: passesOf(sat, minEl) }));

  it('finds passes of the three satellites over the site in 12 hours', () => {
    expect(all.reduce((n, a) => n + a.passes.length, 0)).toBeGreaterThanOrEqual(6);
  });

  it('returns passes in time order, disjoint, each with aos < tca < los and its satellite', () => {
    for (const { sat, passes } of all) {
      let previousLos = -Infinity;
      for (const p of passes) {
        expect(p.satellite).toEqual({ name: sat.name, noradId: sat.noradId });
        expect(p.aos).toBeGreaterThan(previousLos);
        expect(p.los - p.aos).toBeLessThan(20 * 60_000); // a LEO pass lasts minutes
        // A pass cut by the window keeps the window edge as its aos or los (see the edge tests).
        expect(p.truncated).toBe(p.aos === start || p.los === end);
        if (p.truncated) {
          expect(p.aos <= p.tca && p.tca <= p.los).toBe(true);
        } else {
          expect(p.aos).toBeLessThan(p.tca);
          expect(p.tca).toBeLessThan(p.los);
        }
        previousLos = p.los;
      }
    }
  });

  it('puts the satellite at the minimum elevation (within 0.01°) at aos and los', () => {
    for (const { sat, passes } of all) {
      for (const p of passes) {
        // Ends cut by the window are checked in the edge tests below.
        if (p.aos !== start) {
          expect(Math.abs(elevation(sat, p.aos) - minEl)).toBeLessThan(0.01);
          expect(elevation(sat, p.aos + 2000)).toBeGreaterThan(minEl);
          expect(elevation(sat, p.aos - 2000)).toBeLessThan(minEl);
        }
        if (p.los !== end) {
          expect(Math.abs(elevation(sat, p.los) - minEl)).toBeLessThan(0.01);
          expect(elevation(sat, p.los - 2000)).toBeGreaterThan(minEl);
          expect(elevation(sat, p.los + 2000)).toBeLessThan(minEl);
        }
      }
    }
  });

  it('reports the elevation at tca as the maximum, no lower than 5 s before or after', () => {
    for (const { sat, passes } of all) {
      for (const p of passes) {
        const atTca = elevation(sat, p.tca);
        expect(Math.abs(atTca - p.maxElevationDeg)).toBeLessThan(1e-6);
        expect(p.maxElevationDeg).toBeGreaterThan(minEl);
        // Within the pass (and the window), nothing is higher than the reported maximum.
        if (p.tca - 5000 >= p.aos) expect(atTca).toBeGreaterThanOrEqual(elevation(sat, p.tca - 5000));
        if (p.tca + 5000 <= p.los) expect(atTca).toBeGreaterThanOrEqual(elevation(sat, p.tca + 5000));
        for (let t = p.aos; t <= p.los; t += 10_000)
          expect(elevation(sat, t)).toBeLessThanOrEqual(p.maxElevationDeg + 1e-9);
      }
    }
  });

  it('reports the azimuths at aos and los', () => {
    for (const { sat, passes } of all) {
      for (const p of passes) {
        expect(p.aosAzimuthDeg).toBeCloseTo(lookAngles(site, stateAt(sat, p.aos)).azimuthDeg, 6);
        expect(p.losAzimuthDeg).toBeCloseTo(lookAngles(site, stateAt(sat, p.los)).azimuthDeg, 6);
      }
    }
  });

  it('misses no pass that a brute-force 1-second elevation scan over 12 hours finds', () => {
    let compared = 0;
    for (const { sat, passes } of all) {
      // Runs of consecutive seconds above the minimum elevation.
      const runs: { first: number; last: number; max: number }[] = [];
      let run: { first: number; last: number; max: number } | undefined;
      for (let t = start; t <= end; t += 1000) {
        const el = elevation(sat, t);
        if (el > minEl) {
          if (run) {
            run.last = t;
            run.max = Math.max(run.max, el);
          } else run = { first: t, last: t, max: el };
        } else if (run) {
          runs.push(run);
          run = undefined;
        }
      }
      if (run) runs.push(run);

      const clear = runs.filter((r) => r.max > minEl + 0.05);
      expect(passes.filter((p) => p.maxElevationDeg > minEl + 0.05)).toHaveLength(clear.length);
      for (const r of clear) {
        const matching = passes.filter((p) => p.aos <= r.last && p.los >= r.first);
        expect(matching).toHaveLength(1);
        const p = matching[0]!;
        // The scan's first and last seconds above the mask bound the pass's aos and los.
        expect(p.aos).toBeGreaterThan(r.first - 1000);
        expect(p.aos).toBeLessThanOrEqual(r.first + 2);
        expect(p.los).toBeGreaterThanOrEqual(r.last - 2);
        expect(p.los).toBeLessThan(r.last + 1000);
        expect(p.maxElevationDeg).toBeGreaterThanOrEqual(r.max - 1e-6);
        expect(p.maxElevationDeg - r.max).toBeLessThan(0.1);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(6);
  });
});

describe.each([60, 80])('findPasses of short, high passes (minimum elevation %i°)', (minEl) => {
  // A pass above a high mask lasts a minute or two, shorter than the search's sampling step near
  // the visibility cone: it must still be found whenever it falls between two samples.
  it('finds every pass that a brute-force 2-second scan of 24 satellites over 24 hours finds', () => {
    const to = start + 24 * HOUR;
    let scanned = 0;
    for (const set of sets) {
      const sat = new Satellite(set);
      let runs = 0,
        above = false,
        max = -90;
      const peaks: number[] = [];
      for (let t = start; t <= to; t += 2000) {
        const el = elevation(sat, t);
        if (el > minEl) {
          if (!above) runs++;
          above = true;
          max = Math.max(max, el);
        } else if (above) {
          peaks.push(max);
          above = false;
          max = -90;
        }
      }
      if (above) peaks.push(max);
      const found = passesOf(sat, minEl, start, to);
      // Passes the scan sees clearly above the mask: the search finds each (it may also find
      // grazing ones shorter than the scan's step).
      const clear = peaks.filter((m) => m > minEl + 0.05).length;
      expect(found.filter((p) => p.maxElevationDeg > minEl + 0.05).length).toBe(clear);
      expect(found.length).toBeGreaterThanOrEqual(runs === 0 ? 0 : clear);
      scanned += runs;
    }
    expect(scanned).toBeGreaterThanOrEqual(3);
  });
});

describe('findPasses at the edges of the window', () => {
  const sat = sats[1]!;
  const full = passesOf(sat, 10);
  const p = full[1]!;

  it('has a complete pass to cut (sanity check of the fixture)', () => {
    expect(full.length).toBeGreaterThanOrEqual(3);
    expect(p.truncated).toBe(false);
  });

  it('truncates a pass that is rising when the window starts: aos = start, same tca and los', () => {
    const from = (p.aos + p.tca) / 2;
    const [first] = passesOf(sat, 10, from);
    expect(first!.aos).toBe(from);
    expect(first!.truncated).toBe(true);
    expect(Math.abs(first!.tca - p.tca)).toBeLessThan(50);
    expect(Math.abs(first!.los - p.los)).toBeLessThan(50);
    expect(first!.maxElevationDeg).toBeCloseTo(p.maxElevationDeg, 6);
  });

  it('truncates a pass already past culmination when the window starts: aos = tca = start', () => {
    const from = (p.tca + p.los) / 2;
    const [first] = passesOf(sat, 10, from);
    expect(first!.truncated).toBe(true);
    expect(first!.aos).toBe(from);
    expect(first!.tca).toBe(from);
    expect(Math.abs(first!.los - p.los)).toBeLessThan(50);
    expect(first!.maxElevationDeg).toBeCloseTo(elevation(sat, from), 6);
    expect(first!.maxElevationDeg).toBeLessThan(p.maxElevationDeg);
  });

  it('truncates a pass that is setting when the window ends: los = end, same aos and tca', () => {
    const to = (p.tca + p.los) / 2;
    const last = passesOf(sat, 10, start, to).at(-1)!;
    expect(last.los).toBe(to);
    expect(last.truncated).toBe(true);
    expect(Math.abs(last.aos - p.aos)).toBeLessThan(50);
    expect(Math.abs(last.tca - p.tca)).toBeLessThan(50);
  });

  it('truncates a pass still rising when the window ends: tca = los = end', () => {
    const to = (p.aos + p.tca) / 2;
    const last = passesOf(sat, 10, start, to).at(-1)!;
    expect(last.truncated).toBe(true);
    expect(last.los).toBe(to);
    expect(last.tca).toBe(to);
    expect(Math.abs(last.aos - p.aos)).toBeLessThan(50);
  });

  it('keeps the complete passes before and after a cut one untruncated', () => {
    const to = (p.tca + p.los) / 2;
    const cut = passesOf(sat, 10, start, to);
    expect(cut).toHaveLength(2);
    expect(cut[0]!.truncated).toBe(false);
    expect(Math.abs(cut[0]!.aos - full[0]!.aos)).toBeLessThan(50);
    const after = passesOf(sat, 10, to);
    expect(after.slice(1).every((q) => !q.truncated)).toBe(true);
    expect(after.length).toBe(full.length - 1);
  });

  it('cuts both ends of a window that lies inside one pass', () => {
    const from = p.tca - 10_000;
    const to = p.tca + 10_000;
    const passes = passesOf(sat, 10, from, to);
    expect(passes).toHaveLength(1);
    expect(passes[0]).toMatchObject({ aos: from, los: to, truncated: true });
    expect(Math.abs(passes[0]!.tca - p.tca)).toBeLessThan(50);
  });

  it('finds nothing in a window between passes', () => {
    expect(passesOf(sat, 10, p.los + 60_000, full[2]!.aos - 60_000)).toEqual([]);
  });
});

describe('findPassesForAll', () => {
  it('merges the passes of several satellites, sorted by aos', () => {
    const merged = findPassesForAll(sats, { site, start, end, minElevationDeg: 5 });
    const separate = sats.flatMap((sat) => passesOf(sat, 5));
    expect(merged).toHaveLength(separate.length);
    expect(merged.map((p) => p.aos)).toEqual([...merged.map((p) => p.aos)].sort((a, b) => a - b));
    expect(new Set(merged.map((p) => `${p.satellite.noradId}@${p.aos}`))).toEqual(
      new Set(separate.map((p) => `${p.satellite.noradId}@${p.aos}`)),
    );
  });
});
