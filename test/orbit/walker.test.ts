import { describe, expect, it } from 'vitest';
import { generateWalker, meanMotionForAltitude, parseWalker } from '../../src/orbit/walker.js';
import { toTleLines, toTleText } from '../../src/orbit/tle-format.js';
import { toOmm } from '../../src/orbit/omm-format.js';
import { parseTle } from '../../src/orbit/tle-parser.js';
import { parseOmmJson } from '../../src/orbit/omm-parser.js';
import { Satellite } from '../../src/orbit/satellite.js';
import { SatiotError } from '../../src/errors/satiot-error.js';
import { WALKER_EPOCH, angleDiffDeg, distanceKm, stateAt, walkerSets } from './helpers.js';

/** Runs fn and returns what it threw (fails the test when it does not throw). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('parseWalker', () => {
  it('reads "53:24/3/1" as inclination, total, planes and phasing', () => {
    expect(parseWalker('53:24/3/1')).toEqual({ inclinationDeg: 53, total: 24, planes: 3, phasing: 1 });
  });

  it('accepts a decimal inclination and blanks around the separators', () => {
    expect(parseWalker(' 86.4 : 66 / 6 / 2 ')).toEqual({ inclinationDeg: 86.4, total: 66, planes: 6, phasing: 2 });
  });

  it.each([
    ['53:25/3/1', 'P must divide T'],
    ['53:24/3/3', 'F must be an integer within 0..P-1'],
    ['abc', 'i:T/P/F'],
    ['181:24/3/1', 'inclination'],
    ['53:0/1/0', 'T must be'],
    ['53:24/0/0', 'P must divide T'],
    ['53:24/3', 'i:T/P/F'],
    ['-53:24/3/1', 'i:T/P/F'],
  ])('rejects %j with SatiotError INVALID_ARGUMENT', (spec, why) => {
    const e = thrown(() => parseWalker(spec));
    expect(e).toBeInstanceOf(SatiotError);
    expect((e as SatiotError).code).toBe('INVALID_ARGUMENT');
    expect((e as SatiotError).message).toContain(why);
  });
});

describe('meanMotionForAltitude', () => {
  it('gives about 15.5 rev/day at the ISS altitude and one sidereal day at GEO', () => {
    expect(meanMotionForAltitude(420)).toBeGreaterThan(15.4);
    expect(meanMotionForAltitude(420)).toBeLessThan(15.6);
    // GEO: 35 786 km above the equator, period one sidereal day (1.00274 rev/day).
    expect(meanMotionForAltitude(35_786)).toBeCloseTo(1.00274, 3);
  });

  it('decreases with altitude', () => {
    for (let h = 200; h < 30_000; h += 997)
      expect(meanMotionForAltitude(h + 10)).toBeLessThan(meanMotionForAltitude(h));
  });
});

describe('generateWalker', () => {
  it('yields T circular sets, plane by plane, with consecutive catalog numbers and names', () => {
    const sets = walkerSets();
    expect(sets).toHaveLength(24);
    expect(sets.map((s) => s.noradId)).toEqual(Array.from({ length: 24 }, (_, i) => 90001 + i));
    expect(sets[0]!.name).toBe('WALKER-P01-S01');
    expect(sets[9]!.name).toBe('WALKER-P02-S02');
    expect(sets[23]!.name).toBe('WALKER-P03-S08');
    expect(new Set(sets.map((s) => s.name)).size).toBe(24);
    for (const s of sets) {
      expect(s.inclinationDeg).toBe(53);
      expect(s.eccentricity).toBeLessThan(0.001);
      expect(s.meanMotionRevPerDay).toBe(meanMotionForAltitude(550));
      expect(s.epoch).toBe(WALKER_EPOCH);
      expect(s.bstar).toBe(0);
      expect(s.tle).toBeUndefined();
    }
  });

  it.each([
    [53, 24, 3, 1, 360],
    [86.4, 66, 6, 2, 180],
    [60, 12, 4, 3, 360],
    [97.6, 10, 10, 0, 180],
  ])(
    'places %f°:%i/%i/%i (spread %i°) with RAAN k·spread/P and mean anomaly j·360/S + k·F·360/T',
    (inclinationDeg, T, P, F, spread) => {
      const sets = generateWalker({
        inclinationDeg,
        total: T,
        planes: P,
        phasing: F,
        altitudeKm: 780,
        epoch: WALKER_EPOCH,
        raanSpreadDeg: spread,
      });
      const S = T / P;
      expect(sets).toHaveLength(T);
      sets.forEach((s, idx) => {
        const k = Math.floor(idx / S);
        const j = idx % S;
        expect(s.name).toBe(`WALKER-P${String(k + 1).padStart(2, '0')}-S${String(j + 1).padStart(2, '0')}`);
        expect(Math.abs(angleDiffDeg(s.raanDeg, (k * spread) / P))).toBeLessThan(1e-9);
        expect(Math.abs(angleDiffDeg(s.meanAnomalyDeg, (j * 360) / S + (k * F * 360) / T))).toBeLessThan(1e-9);
        expect(s.raanDeg >= 0 && s.raanDeg < 360).toBe(true);
        expect(s.meanAnomalyDeg >= 0 && s.meanAnomalyDeg < 360).toBe(true);
      });
    },
  );

  it('spaces the planes 360/P apart for a delta pattern and 180/P apart for a star pattern', () => {
    const planeRaans = (spread?: number) => {
      const sets = generateWalker({
        inclinationDeg: 86.4,
        total: 66,
        planes: 6,
        phasing: 2,
        altitudeKm: 780,
        epoch: WALKER_EPOCH,
        ...(spread === undefined ? {} : { raanSpreadDeg: spread }),
      });
      return [...new Set(sets.map((s) => s.raanDeg))];
    };
    expect(planeRaans()).toEqual([0, 60, 120, 180, 240, 300]);
    expect(planeRaans(180)).toEqual([0, 30, 60, 90, 120, 150]);
  });

  it('offsets every plane by raan0Deg (wrapping past 360°) and applies the name prefix and first catalog number', () => {
    const sets = walkerSets({ raan0Deg: 300, namePrefix: 'IOT', firstNoradId: 100_000 });
    expect([...new Set(sets.map((s) => s.raanDeg))]).toEqual([300, 60, 180]);
    expect(sets[0]!.name).toBe('IOT-P01-S01');
    expect(sets[0]!.noradId).toBe(100_000);
    expect(sets[23]!.noradId).toBe(100_023);
  });

  it.each([
    ['an altitude below 150 km', { altitudeKm: 149 }],
    ['an altitude above 40 000 km', { altitudeKm: 40_001 }],
    ['a non-numeric altitude', { altitudeKm: Number.NaN }],
    ['a T that P does not divide', { total: 25 }],
    ['F equal to P', { phasing: 3 }],
    ['an inclination above 180°', { inclinationDeg: 190 }],
  ])('rejects %s with INVALID_ARGUMENT', (_what, override) => {
    const e = thrown(() => walkerSets(override));
    expect(e).toBeInstanceOf(SatiotError);
    expect((e as SatiotError).code).toBe('INVALID_ARGUMENT');
  });

  it.each([
    [550, 53],
    [1200, 87.9],
    [400, 97.6],
  ])(
    'keeps the radius minus 6378 km within ±30 km of the design altitude %i km (i = %f°) over a day',
    (altitudeKm, inclinationDeg) => {
      const sets = generateWalker({ inclinationDeg, total: 6, planes: 3, phasing: 1, altitudeKm, epoch: WALKER_EPOCH });
      for (const set of sets) {
        const sat = new Satellite(set);
        for (let minute = 0; minute <= 1440; minute += 2) {
          const s = stateAt(sat, WALKER_EPOCH + minute * 60_000);
          const h = Math.hypot(s.x, s.y, s.z) - 6378;
          expect(Math.abs(h - altitudeKm)).toBeLessThan(30);
        }
      }
    },
  );

  it('puts the satellites of a plane evenly around one orbit at the epoch', () => {
    // Plane 1 of 53:24/3/1: eight satellites 45° apart in argument of latitude.
    const sats = walkerSets()
      .slice(0, 8)
      .map((s) => new Satellite(s));
    const r = sats.map((s) => stateAt(s, WALKER_EPOCH));
    for (let j = 0; j < 8; j++) {
      const a = r[j]!,
        b = r[(j + 1) % 8]!;
      const cos = (a.x * b.x + a.y * b.y + a.z * b.z) / (Math.hypot(a.x, a.y, a.z) * Math.hypot(b.x, b.y, b.z));
      expect(Math.acos(cos) * (180 / Math.PI)).toBeCloseTo(45, 0);
    }
  });
});

describe('Walker sets exported and re-loaded', () => {
  const original = walkerSets()
    .filter((_, i) => i % 5 === 0)
    .map((s) => new Satellite(s));
  const times = [0, 1, 6, 24].map((h) => WALKER_EPOCH + h * 3_600_000);

  it('re-load from TLE text and propagate to within 1 km of the original design', () => {
    const text = toTleText(original.map((s) => s.elements));
    const { sets, issues } = parseTle(text);
    expect(issues).toEqual([]);
    expect(sets.map((s) => s.name)).toEqual(original.map((s) => s.name));
    sets.forEach((set, i) => {
      const again = new Satellite(set);
      for (const t of times) expect(distanceKm(stateAt(again, t), stateAt(original[i]!, t))).toBeLessThan(1);
    });
  });

  it('re-load from OMM JSON and propagate to within 1 km of the original design', () => {
    const json = JSON.parse(JSON.stringify(original.map((s) => toOmm(s.elements)))) as unknown;
    const { sets, issues } = parseOmmJson(json);
    expect(issues).toEqual([]);
    expect(sets.map((s) => s.noradId)).toEqual(original.map((s) => s.noradId));
    sets.forEach((set, i) => {
      const again = new Satellite(set);
      for (const t of times) expect(distanceKm(stateAt(again, t), stateAt(original[i]!, t))).toBeLessThan(1);
    });
  });

  it('export the same orbit through either format: TLE and OMM copies agree within 1 km', () => {
    for (const sat of original) {
      const [l1, l2] = toTleLines(sat.elements);
      const viaTle = new Satellite(parseTle(`${l1}\n${l2}`).sets[0]!);
      const viaOmm = new Satellite(parseOmmJson(toOmm(sat.elements)).sets[0]!);
      expect(distanceKm(stateAt(viaTle, times[3]!), stateAt(viaOmm, times[3]!))).toBeLessThan(1);
    }
  });
});
