import { describe, expect, it } from 'vitest';
import { CHINA_GROUND_STATIONS, parseGroundStations } from '../../src/plan/ground-station.js';
import { SatiotError } from '../../src/errors/satiot-error.js';
import { makeSite } from '../../src/orbit/site.js';
import { thrownBy } from '../support/error-of.js';

function errorOf(fn: () => unknown): SatiotError {
  const e = thrownBy(fn, SatiotError);
  expect(e.code).toBe('GROUND_STATIONS_INVALID');
  return e;
}

const ok = { id: 'a', name: 'A', lat: 10, lon: 20 };

describe('parseGroundStations', () => {
  it('reads lat/lon (or latDeg/lonDeg), altitude and minimum elevation', () => {
    expect(
      parseGroundStations(
        [
          { id: 'mat', name: 'Matera', lat: 40.65, lon: 16.7, altM: 536, minElevationDeg: 7 },
          { id: 'k', name: 'Kiruna', latDeg: 67.86, lonDeg: 20.96 },
        ],
        5,
      ),
    ).toEqual([
      { id: 'mat', name: 'Matera', latDeg: 40.65, lonDeg: 16.7, altM: 536, minElevationDeg: 7 },
      { id: 'k', name: 'Kiruna', latDeg: 67.86, lonDeg: 20.96, altM: 0, minElevationDeg: 5 },
    ]);
  });

  it('names stations gs1, gs2, … by position when id and name are missing or empty', () => {
    const s = parseGroundStations(
      [
        { lat: 1, lon: 2 },
        { id: '', name: '', lat: 3, lon: 4 },
        { name: 'Named', lat: 5, lon: 6 },
      ],
      0,
    );
    expect(s.map((x) => [x.id, x.name])).toEqual([
      ['gs1', 'gs1'],
      ['gs2', 'gs2'],
      ['gs3', 'Named'],
    ]);
  });

  it('accepts the ends of the ranges: lat ±90, lon −180 and 360, minimum elevation −5', () => {
    const s = parseGroundStations(
      [
        { lat: 90, lon: -180 },
        { lat: -90, lon: 360, minElevationDeg: -5 },
      ],
      89.9,
    );
    expect(s.map((x) => [x.latDeg, x.lonDeg, x.minElevationDeg])).toEqual([
      [90, -180, 89.9],
      [-90, 360, -5],
    ]);
  });

  it.each([
    ['null', null],
    ['an object', { stations: [] }],
    ['a string', '[]'],
  ])('refuses %s (not an array) without naming an index', (_what, json) => {
    const e = errorOf(() => parseGroundStations(json, 5));
    expect(e.details).toEqual({});
    expect(e.message).toContain('JSON array');
  });

  it('refuses an empty list', () => {
    expect(errorOf(() => parseGroundStations([], 5)).message).toContain('empty');
  });

  it.each([
    ['not an object', 42],
    ['null', null],
    ['lat missing', { lon: 1 }],
    ['lat a string', { lat: '10', lon: 1 }],
    ['lat above 90', { lat: 90.5, lon: 1 }],
    ['lon below −180', { lat: 0, lon: -180.5 }],
    ['lon above 360', { lat: 0, lon: 360.5 }],
    ['altM a string', { lat: 0, lon: 0, altM: '5' }],
    ['altM infinite', { lat: 0, lon: 0, altM: Infinity }],
    ['minElevationDeg 90', { lat: 0, lon: 0, minElevationDeg: 90 }],
    ['minElevationDeg −6', { lat: 0, lon: 0, minElevationDeg: -6 }],
    ['minElevationDeg a string', { lat: 0, lon: 0, minElevationDeg: '5' }],
    ['duplicate id', { id: 'a', lat: 0, lon: 0 }],
  ])('refuses the third entry when it has %s, naming it (index 2, "ground station 3")', (_why, bad) => {
    const e = errorOf(() => parseGroundStations([ok, { id: 'b', lat: 1, lon: 1 }, bad], 5));
    expect(e.details).toEqual({ index: 2 });
    expect(e.message).toMatch(/^ground station 3: /);
  });

  // Low severity (JSON.parse cannot produce NaN, only programmatic callers can): the range checks
  // `lat < -90 || lat > 90` are false for NaN, so NaN passes for lat, lon and minElevationDeg. A NaN
  // lat then fails later in makeSite with INVALID_ARGUMENT; a NaN minElevationDeg makes the station
  // silently never in contact (sin(NaN) comparisons are all false).
  it.each([
    ['lat', { lat: NaN, lon: 0 }],
    ['lon', { lat: 0, lon: NaN }],
    ['minElevationDeg', { lat: 0, lon: 0, minElevationDeg: NaN }],
  ])('refuses a NaN %s with GROUND_STATIONS_INVALID', (_field, bad) => {
    const e = errorOf(() => parseGroundStations([bad], 5));
    expect(e.details).toEqual({ index: 0 });
  });
});

describe('CHINA_GROUND_STATIONS', () => {
  it("lists ten stations with unique ids, valid sites, inside China's latitude and longitude range", () => {
    expect(CHINA_GROUND_STATIONS).toHaveLength(10);
    expect(new Set(CHINA_GROUND_STATIONS.map((s) => s.id)).size).toBe(10);
    for (const s of CHINA_GROUND_STATIONS) {
      expect(() => makeSite(s)).not.toThrow();
      expect(s.latDeg).toBeGreaterThan(18);
      expect(s.latDeg).toBeLessThan(54);
      expect(s.lonDeg).toBeGreaterThan(73);
      expect(s.lonDeg).toBeLessThan(135);
    }
    // It is the preset the CLI and the API pass through parseGroundStations-style validation.
    expect(
      parseGroundStations(
        CHINA_GROUND_STATIONS.map((s) => ({ ...s })),
        5,
      ),
    ).toEqual(CHINA_GROUND_STATIONS);
  });
});
