import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTle } from '../../src/orbit/tle-parser.js';
import { Satellite } from '../../src/orbit/satellite.js';
import { makeSite } from '../../src/orbit/site.js';
import { findPassesForAll } from '../../src/orbit/pass-finder.js';

/**
 * Golden test against Skyfield 1.45 (`find_events`, then refined on Skyfield's own geometry to 1 ms
 * by scripts/reference/skyfield_passes.py, which wrote the fixture).
 * Tolerances from the Foundation issue: AOS, TCA, LOS within 1 s; max elevation within 0.05°.
 * Grazing passes (peak < 0.5° above the mask) are ill-conditioned — a millidegree of model
 * difference moves their edges by seconds or removes them — so they are matched when both sides
 * find them but not required to exist on both sides.
 */
interface RefPass {
  satellite: string;
  noradId: number;
  aos: string;
  tca: string;
  los: string;
  maxElevationDeg: number;
  aosAzimuthDeg: number;
  losAzimuthDeg: number;
  truncated: boolean;
}
interface RefCase {
  site: { name: string; latDeg: number; lonDeg: number; altM: number };
  minElevationDeg: number;
  start: string;
  hours: number;
  passes: RefPass[];
}
const ref = JSON.parse(
  readFileSync(new URL('../fixtures/reference/skyfield-passes.json', import.meta.url), 'utf8'),
) as { tleFile: string; cases: RefCase[] };
const { sets, issues } = parseTle(readFileSync(new URL('../fixtures/tle/reference-leo.tle', import.meta.url), 'utf8'));
const sats = sets.map((s) => new Satellite(s));
const GRAZE_DEG = 0.5;

describe('passes agree with Skyfield', () => {
  it('loads every reference element set', () => {
    expect(issues).toEqual([]);
    expect(sats).toHaveLength(6);
  });

  for (const c of ref.cases) {
    it(`matches AOS/TCA/LOS within 1 s and max elevation within 0.05° at ${c.site.name}, ${c.minElevationDeg}° mask`, () => {
      const start = Date.parse(c.start);
      const ours = findPassesForAll(sats, {
        site: makeSite(c.site),
        start,
        end: start + c.hours * 3_600_000,
        minElevationDeg: c.minElevationDeg,
      });
      const unmatched = [...ours];
      let compared = 0;
      for (const r of c.passes) {
        const tca = Date.parse(r.tca);
        const i = unmatched.findIndex((p) => p.satellite.noradId === r.noradId && Math.abs(p.tca - tca) < 300_000);
        const graze = r.maxElevationDeg - c.minElevationDeg < GRAZE_DEG;
        if (i < 0) {
          expect(graze, `Skyfield pass of ${r.satellite} at ${r.tca} (max ${r.maxElevationDeg}°) was not found`).toBe(
            true,
          );
          continue;
        }
        const p = unmatched.splice(i, 1)[0]!;
        const where = `${r.satellite} pass at ${r.aos}`;
        expect(p.truncated, where).toBe(r.truncated);
        if (graze) continue;
        expect(Math.abs(p.aos - Date.parse(r.aos)), `AOS of ${where}`).toBeLessThanOrEqual(1000);
        expect(Math.abs(p.los - Date.parse(r.los)), `LOS of ${where}`).toBeLessThanOrEqual(1000);
        expect(Math.abs(p.tca - tca), `TCA of ${where}`).toBeLessThanOrEqual(1000);
        expect(Math.abs(p.maxElevationDeg - r.maxElevationDeg), `max elevation of ${where}`).toBeLessThanOrEqual(0.05);
        const azDiff = (a: number, b: number) => Math.abs(((a - b + 540) % 360) - 180);
        expect(azDiff(p.aosAzimuthDeg, r.aosAzimuthDeg), `AOS azimuth of ${where}`).toBeLessThanOrEqual(0.5);
        expect(azDiff(p.losAzimuthDeg, r.losAzimuthDeg), `LOS azimuth of ${where}`).toBeLessThanOrEqual(0.5);
        compared++;
      }
      const extra = unmatched.filter((p) => p.maxElevationDeg - c.minElevationDeg >= GRAZE_DEG);
      expect(extra.map((p) => `${p.satellite.name} ${new Date(p.tca).toISOString()}`)).toEqual([]);
      expect(compared).toBeGreaterThan(10);
    });
  }
});
