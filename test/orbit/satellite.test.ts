import { describe, expect, it } from 'vitest';
import { eciToEcf, gstime, sgp4, twoline2satrec } from 'satellite.js';
import { Satellite, checkPropagatable, newEcefState } from '../../src/orbit/satellite.js';
import { parseTle } from '../../src/orbit/tle-parser.js';
import { SatiotError } from '../../src/errors/satiot-error.js';
import { ISS_LINE1, ISS_LINE2, ISS_NAME, WALKER_EPOCH, distanceKm, stateAt, walkerSets } from './helpers.js';

const iss = () => parseTle(`${ISS_NAME}\n${ISS_LINE1}\n${ISS_LINE2}`).sets[0]!;

describe('Satellite', () => {
  it('exposes the name and catalog number of its element set', () => {
    const sat = new Satellite(iss());
    expect(sat.name).toBe(ISS_NAME);
    expect(sat.noradId).toBe(25544);
  });

  it('propagates a TLE set exactly as satellite.js does from the same lines, rotated to Earth-fixed by GMST', () => {
    const sat = new Satellite(iss());
    const rec = twoline2satrec(ISS_LINE1, ISS_LINE2);
    for (const minutes of [0, 17, 90, 720, 1440, -600]) {
      const t = sat.elements.epoch + minutes * 60_000;
      const pv = sgp4(rec, (t - sat.elements.epoch) / 60_000);
      if (!pv) throw new Error('satellite.js failed');
      const ref = eciToEcf(pv.position, gstime(t / 86_400_000 + 2440587.5));
      expect(distanceKm(stateAt(sat, t), ref)).toBeLessThan(1e-9);
    }
  });

  it('gives an Earth-fixed velocity equal to the central difference of the position within 1 m/s', () => {
    for (const set of [iss(), walkerSets()[5]!]) {
      const sat = new Satellite(set);
      for (let minutes = 0; minutes < 1440; minutes += 53) {
        const t = set.epoch + minutes * 60_000;
        const s = stateAt(sat, t);
        const a = stateAt(sat, t - 500);
        const b = stateAt(sat, t + 500);
        expect(Math.hypot(s.vx - (b.x - a.x), s.vy - (b.y - a.y), s.vz - (b.z - a.z))).toBeLessThan(0.001);
      }
    }
  });

  it('writes into the state object it is given and returns it', () => {
    const sat = new Satellite(walkerSets()[0]!);
    const out = newEcefState();
    expect(sat.ecefState(WALKER_EPOCH, out)).toBe(out);
    expect(Math.hypot(out.x, out.y, out.z)).toBeGreaterThan(6800);
  });

  it('throws ELEMENT_SET_DECAYED naming the satellite and time once SGP4 sees it re-enter', () => {
    const [low] = walkerSets({ total: 1, planes: 1, phasing: 0, altitudeKm: 160 });
    const sat = new Satellite({ ...low!, bstar: 1e-3 });
    expect(() => stateAt(sat, WALKER_EPOCH)).not.toThrow();
    const late = WALKER_EPOCH + 5 * 86_400_000;
    let error: unknown;
    try {
      stateAt(sat, late);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SatiotError);
    expect(error).toMatchObject({
      code: 'ELEMENT_SET_DECAYED',
      details: { satellite: low!.name, noradId: low!.noradId, time: new Date(late).toISOString() },
    });
  });
});

describe('checkPropagatable', () => {
  it('accepts a sound set and explains why it rejects a hopeless one', () => {
    expect(checkPropagatable(iss())).toBeUndefined();
    expect(checkPropagatable(walkerSets()[0]!)).toBeUndefined();
    const [low] = walkerSets({ total: 1, planes: 1, phasing: 0, altitudeKm: 160 });
    expect(checkPropagatable({ ...low!, bstar: 0.01 })).toMatch(/SGP4 cannot propagate the set 1 days after its epoch/);
    expect(checkPropagatable({ ...low!, eccentricity: 0.999 })).toMatch(/SGP4 rejects the set/);
  });
});
