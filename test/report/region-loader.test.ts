import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latLngToCell } from 'h3-js';
import { loadRegion, presetOutline, REGION_PRESETS } from '../../src/report/region-loader.js';
import { gridRegion } from '../../src/plan/grid.js';
import { errorOf } from '../support/error-of.js';

const square = (lon0: number, lat0: number, size: number): Array<[number, number]> => [
  [lon0, lat0],
  [lon0 + size, lat0],
  [lon0 + size, lat0 + size],
  [lon0, lat0 + size],
  [lon0, lat0],
];

let dir = '';
const file = (name: string, content: string): string => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'satiot-regions-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('loadRegion presets', () => {
  it.each(Object.keys(REGION_PRESETS))('loads the %s preset as non-empty polygons of [lon, lat] rings', (name) => {
    const r = loadRegion(name);
    expect(r.name).toBe(name);
    expect(r.polygons.length).toBeGreaterThan(0);
    for (const poly of r.polygons) {
      for (const ring of poly) {
        expect(ring.length).toBeGreaterThanOrEqual(4);
        for (const [lon, lat] of ring) {
          expect(Math.abs(lon)).toBeLessThanOrEqual(180);
          expect(Math.abs(lat)).toBeLessThanOrEqual(90);
        }
      }
    }
  });

  it('accepts a preset name in any case and with blanks around it', () => {
    const r = loadRegion('  ChInA ');
    expect(r.name).toBe('china');
    expect(r.polygons).toEqual(loadRegion('china').polygons);
  });

  it('grids the mongolia preset around Ulaanbaatar and not Beijing', () => {
    const g = gridRegion(loadRegion('mongolia'), 3);
    expect(g.cells).toContain(latLngToCell(47.8864, 106.9057, 3));
    expect(g.cells).not.toContain(latLngToCell(39.9042, 116.4074, 3));
  });

  it('gives an empty outline for a name that is not a preset', () => {
    expect(presetOutline('atlantis')).toEqual([]);
  });
});

describe('loadRegion bbox', () => {
  it('builds one closed ring along the box edges', () => {
    const r = loadRegion('bbox:10,45,12,46');
    expect(r.name).toBe('bbox:10,45,12,46');
    expect(r.polygons).toHaveLength(1);
    const ring = r.polygons[0]![0]!;
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    for (const [lon, lat] of ring) {
      expect(lon === 10 || lon === 12 || lat === 45 || lat === 46).toBe(true);
      expect(lon >= 10 && lon <= 12 && lat >= 45 && lat <= 46).toBe(true);
    }
  });

  it('densifies long edges (no two consecutive vertices more than 2° of longitude apart)', () => {
    const ring = loadRegion('bbox:-100,20,-60,50').polygons[0]![0]!;
    for (let i = 1; i < ring.length; i++) expect(Math.abs(ring[i]![0] - ring[i - 1]![0])).toBeLessThanOrEqual(2 + 1e-9);
  });

  it('accepts blanks and decimals between the numbers', () => {
    expect(loadRegion('bbox: 10.5 , 45 ,12.25, 46.75').polygons[0]![0]![0]).toEqual([10.5, 45]);
  });

  it.each([
    'bbox:10,45,12',
    'bbox:10,45,12,46,1',
    'bbox:a,45,12,46',
    'bbox:',
    'bbox:-181,0,10,10',
    'bbox:0,-91,10,10',
    'bbox:0,0,181,10',
    'bbox:0,0,10,91',
  ])('refuses %j with REGION_UNKNOWN', (spec) => {
    const e = errorOf(() => loadRegion(spec));
    expect(e.code).toBe('REGION_UNKNOWN');
    expect(e.details).toEqual({ region: spec });
  });

  it.each(['bbox:12,45,10,46', 'bbox:10,46,12,45', 'bbox:10,45,10,46'])(
    'refuses the empty box %j with REGION_EMPTY',
    (spec) => {
      expect(errorOf(() => loadRegion(spec)).code).toBe('REGION_EMPTY');
    },
  );
});

describe('loadRegion unknown names', () => {
  it('gives REGION_UNKNOWN naming the presets for a name that is neither a preset, a bbox nor a file', () => {
    const e = errorOf(() => loadRegion('atlantis'));
    expect(e.code).toBe('REGION_UNKNOWN');
    expect(e.details).toEqual({ region: 'atlantis' });
    for (const p of Object.keys(REGION_PRESETS)) expect(e.message).toContain(p);
  });

  it('gives REGION_UNKNOWN for a missing file and for a directory', () => {
    expect(errorOf(() => loadRegion(join(dir, 'nope.geojson'))).code).toBe('REGION_UNKNOWN');
    expect(errorOf(() => loadRegion(dir)).code).toBe('REGION_UNKNOWN');
  });
});

describe('loadRegion GeoJSON files', () => {
  it('loads a bare Polygon and grids it inside its ring', () => {
    const p = file('polygon.geojson', JSON.stringify({ type: 'Polygon', coordinates: [square(20, 0, 4)] }));
    const r = loadRegion(p);
    expect(r.name).toBe(p);
    expect(r.polygons).toEqual([[square(20, 0, 4)]]);
    const g = gridRegion(r, 4);
    expect(g.cells.length).toBeGreaterThan(50);
    g.cells.forEach((_, i) => {
      expect(g.lonDeg[i]).toBeGreaterThan(19.95);
      expect(g.lonDeg[i]).toBeLessThan(24.05);
      expect(g.latDeg[i]).toBeGreaterThan(-0.05);
      expect(g.latDeg[i]).toBeLessThan(4.05);
    });
  });

  it('loads every Polygon and MultiPolygon of a FeatureCollection and skips other geometries', () => {
    const fcol = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { name: 'a' }, geometry: { type: 'Polygon', coordinates: [square(0, 0, 2)] } },
        {
          type: 'Feature',
          properties: {},
          geometry: { type: 'MultiPolygon', coordinates: [[square(10, 10, 2)], [square(20, 20, 2)]] },
        },
        { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [5, 5] } },
        { type: 'Feature', properties: {}, geometry: null },
        {
          type: 'Feature',
          properties: {},
          geometry: { type: 'GeometryCollection', geometries: [{ type: 'Polygon', coordinates: [square(30, 30, 2)] }] },
        },
      ],
    };
    const r = loadRegion(file('collection.geojson', JSON.stringify(fcol)));
    expect(r.polygons).toEqual([[square(0, 0, 2)], [square(10, 10, 2)], [square(20, 20, 2)], [square(30, 30, 2)]]);
  });

  it('loads a single Feature', () => {
    const r = loadRegion(
      file(
        'feature.json',
        JSON.stringify({
          type: 'Feature',
          properties: {},
          geometry: { type: 'Polygon', coordinates: [square(-5, 50, 1)] },
        }),
      ),
    );
    expect(r.polygons).toEqual([[square(-5, 50, 1)]]);
  });

  it('gives REGION_UNKNOWN for a file that is not valid JSON', () => {
    const p = file('broken.geojson', '{"type": "Polygon", "coordinates": [[[0,0],');
    const e = errorOf(() => loadRegion(p));
    expect(e.code).toBe('REGION_UNKNOWN');
    expect(e.message).toContain('not valid JSON');
  });

  it('gives REGION_EMPTY for valid GeoJSON without any polygon', () => {
    expect(
      errorOf(() => loadRegion(file('point.geojson', JSON.stringify({ type: 'Point', coordinates: [1, 2] })))).code,
    ).toBe('REGION_EMPTY');
    expect(
      errorOf(() => loadRegion(file('empty.geojson', JSON.stringify({ type: 'FeatureCollection', features: [] }))))
        .code,
    ).toBe('REGION_EMPTY');
    expect(errorOf(() => loadRegion(file('number.json', '42'))).code).toBe('REGION_EMPTY');
  });
});
