import { describe, expect, it } from 'vitest';
import { parseOmmJson } from '../../src/orbit/omm-parser.js';
import { parseTle } from '../../src/orbit/tle-parser.js';
import { toOmm } from '../../src/orbit/omm-format.js';
import { Satellite } from '../../src/orbit/satellite.js';
import { ISS_LINE1, ISS_LINE2, ISS_NAME, distanceKm, stateAt, walkerSets } from './helpers.js';

/** The ISS TLE of the helpers as CelesTrak would publish it in OMM JSON (epoch to the microsecond). */
function issOmm(): Record<string, unknown> {
  return {
    OBJECT_NAME: ISS_NAME,
    OBJECT_ID: '1998-067A',
    EPOCH: '2019-06-05T12:12:58.000032',
    MEAN_MOTION: 15.51181656,
    ECCENTRICITY: 0.0008385,
    INCLINATION: 51.6454,
    RA_OF_ASC_NODE: 260.2384,
    ARG_OF_PERICENTER: 31.393,
    MEAN_ANOMALY: 120.8237,
    EPHEMERIS_TYPE: 0,
    CLASSIFICATION_TYPE: 'U',
    NORAD_CAT_ID: 25544,
    ELEMENT_SET_NO: 999,
    REV_AT_EPOCH: 17317,
    BSTAR: 0.000024263,
    MEAN_MOTION_DOT: 0.00001103,
    MEAN_MOTION_DDOT: 0,
  };
}

describe('parseOmmJson', () => {
  it('reads a CelesTrak record into the same elements as the equivalent TLE', () => {
    const { sets, issues } = parseOmmJson([issOmm()]);
    expect(issues).toEqual([]);
    const fromTle = parseTle(`${ISS_NAME}\n${ISS_LINE1}\n${ISS_LINE2}`).sets[0]!;
    const s = sets[0]!;
    expect(s.tle).toBeUndefined();
    expect(s).toMatchObject({
      name: ISS_NAME,
      noradId: 25544,
      intlDesignator: '98067A',
      classification: 'U',
      meanMotionRevPerDay: fromTle.meanMotionRevPerDay,
      eccentricity: fromTle.eccentricity,
      inclinationDeg: fromTle.inclinationDeg,
      raanDeg: fromTle.raanDeg,
      argPerigeeDeg: fromTle.argPerigeeDeg,
      meanAnomalyDeg: fromTle.meanAnomalyDeg,
      bstar: fromTle.bstar,
      meanMotionDot: fromTle.meanMotionDot,
      elementSetNo: 999,
      revAtEpoch: 17317,
    });
    expect(Math.abs(s.epoch - fromTle.epoch)).toBeLessThan(1);
  });

  it('propagates to within 1 km of the TLE form over the following day', () => {
    const omm = new Satellite(parseOmmJson(issOmm()).sets[0]!);
    const tle = new Satellite(parseTle(`${ISS_LINE1}\n${ISS_LINE2}`).sets[0]!);
    for (const hours of [0, 1, 6, 12, 24]) {
      const t = tle.elements.epoch + hours * 3_600_000;
      expect(distanceKm(stateAt(omm, t), stateAt(tle, t))).toBeLessThan(1);
    }
  });

  it('accepts a single record as well as an array', () => {
    const one = parseOmmJson(issOmm());
    expect(one.issues).toEqual([]);
    expect(one.sets.map((s) => s.noradId)).toEqual([25544]);
  });

  it('reads an EPOCH with or without a trailing Z as UTC, and honours an explicit offset', () => {
    const epochOf = (EPOCH: string) => parseOmmJson({ ...issOmm(), EPOCH }).sets[0]!.epoch;
    const utc = Date.UTC(2019, 5, 5, 12, 12, 58);
    expect(epochOf('2019-06-05T12:12:58')).toBe(utc);
    expect(epochOf('2019-06-05T12:12:58Z')).toBe(utc);
    expect(epochOf('2019-06-05T14:12:58+02:00')).toBe(utc);
  });

  it("reads numbers given as strings, as CelesTrak's CSV-derived JSON sometimes does", () => {
    const rec = { ...issOmm(), MEAN_MOTION: '15.51181656', NORAD_CAT_ID: '25544', ECCENTRICITY: '.0008385' };
    const { sets, issues } = parseOmmJson(rec);
    expect(issues).toEqual([]);
    expect(sets[0]).toMatchObject({ meanMotionRevPerDay: 15.51181656, noradId: 25544, eccentricity: 0.0008385 });
  });

  it('names a record without OBJECT_NAME after its catalog number', () => {
    const rec = issOmm();
    delete rec.OBJECT_NAME;
    expect(parseOmmJson(rec).sets[0]!.name).toBe('25544');
  });

  it('reports missing fields with the record index and satellite name, listing every missing field', () => {
    const rec = issOmm();
    delete rec.MEAN_MOTION;
    rec.INCLINATION = null;
    rec.EPOCH = '';
    const { sets, issues } = parseOmmJson([rec]);
    expect(sets).toEqual([]);
    expect(issues).toMatchObject([{ code: 'OMM_MALFORMED', line: 1, satellite: ISS_NAME }]);
    expect(issues[0]!.message).toMatch(/^record 1 \(ISS \(ZARYA\)\): missing /);
    for (const f of ['EPOCH', 'MEAN_MOTION', 'INCLINATION']) expect(issues[0]!.message).toContain(f);
  });

  it.each([
    ['ECCENTRICITY', 1.2, 'OMM_MALFORMED'],
    ['ECCENTRICITY', -0.1, 'OMM_MALFORMED'],
    ['INCLINATION', 180.5, 'OMM_MALFORMED'],
    ['INCLINATION', -1, 'OMM_MALFORMED'],
    ['NORAD_CAT_ID', 0, 'OMM_MALFORMED'],
    ['NORAD_CAT_ID', 340000, 'OMM_MALFORMED'],
    ['NORAD_CAT_ID', 25544.5, 'OMM_MALFORMED'],
    ['EPOCH', 'yesterday', 'OMM_MALFORMED'],
    ['MEAN_MOTION', 'fast', 'OMM_MALFORMED'],
    ['BSTAR', 'lots', 'OMM_MALFORMED'],
    ['MEAN_MOTION', 0, 'ELEMENT_SET_DECAYED'],
    ['MEAN_MOTION', -3, 'ELEMENT_SET_DECAYED'],
    ['ECCENTRICITY', 0.999, 'ELEMENT_SET_DECAYED'],
  ] as const)('reports %s = %j as %s with the record index and name', (field, value, code) => {
    const good = toOmm(walkerSets()[0]!);
    const bad = { ...issOmm(), [field]: value };
    const { sets, issues } = parseOmmJson([good, bad, good]);
    expect(sets.map((s) => s.name)).toEqual([good.OBJECT_NAME, good.OBJECT_NAME]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code, line: 2, satellite: ISS_NAME });
    expect(issues[0]!.message.startsWith(`record 2 (${ISS_NAME}): `)).toBe(true);
  });

  it('reports a record that is not an object by its index alone', () => {
    const good = toOmm(walkerSets()[0]!);
    const { sets, issues } = parseOmmJson([null, good, 42, 'ISS']);
    expect(sets).toHaveLength(1);
    expect(issues.map((i) => [i.code, i.line, i.satellite])).toEqual([
      ['OMM_MALFORMED', 1, undefined],
      ['OMM_MALFORMED', 3, undefined],
      ['OMM_MALFORMED', 4, undefined],
    ]);
  });

  it('loads every good record of an array with one bad record in the middle, in order', () => {
    const walker = walkerSets().slice(0, 5).map(toOmm);
    const broken = { ...walker[2]!, ECCENTRICITY: 2 };
    const { sets, issues } = parseOmmJson([walker[0], walker[1], broken, walker[3], walker[4]]);
    expect(sets.map((s) => s.noradId)).toEqual([90001, 90002, 90004, 90005]);
    expect(issues).toMatchObject([{ code: 'OMM_MALFORMED', line: 3, satellite: walker[2]!.OBJECT_NAME }]);
  });

  it('labels a nameless bad record with its catalog number', () => {
    const rec: Record<string, unknown> = { ...issOmm(), INCLINATION: 200 };
    delete rec.OBJECT_NAME;
    expect(parseOmmJson([rec]).issues).toMatchObject([{ code: 'OMM_MALFORMED', line: 1, satellite: '25544' }]);
  });

  it('reads back what toOmm writes, field for field', () => {
    const fromTle = parseTle(`${ISS_NAME}\n${ISS_LINE1}\n${ISS_LINE2}`).sets[0]!;
    const again = parseOmmJson(JSON.parse(JSON.stringify([toOmm(fromTle)])) as unknown).sets[0]!;
    const { tle: _tle, epoch, ...rest } = fromTle;
    expect(again).toMatchObject(rest);
    expect(Math.abs(again.epoch - epoch)).toBeLessThan(1);
  });
});
