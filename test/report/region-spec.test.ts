import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRegionSpec } from '../../src/report/region-spec.js';
import { loadRegion } from '../../src/report/region-loader.js';
import { errorOf } from '../support/error-of.js';

let dir = '';
let geojson = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'satiot-region-spec-'));
  geojson = join(dir, 'square.geojson');
  writeFileSync(
    geojson,
    JSON.stringify({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [2, 0],
          [2, 2],
          [0, 2],
          [0, 0],
        ],
      ],
    }),
  );
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('loadRegionSpec (regions named in an API request)', () => {
  it('loads presets (any case) and bbox specs as loadRegion does', () => {
    expect(loadRegionSpec('china')).toEqual(loadRegion('china'));
    expect(loadRegionSpec(' Mongolia ').name).toBe('mongolia');
    expect(loadRegionSpec('bbox:10,45,12,46')).toEqual(loadRegion('bbox:10,45,12,46'));
  });

  it('passes bbox errors through', () => {
    expect(errorOf(() => loadRegionSpec('bbox:1,2,3')).code).toBe('REGION_UNKNOWN');
    expect(errorOf(() => loadRegionSpec('bbox:3,2,1,4')).code).toBe('REGION_EMPTY');
  });

  it('refuses a path to a readable GeoJSON file that loadRegion would accept', () => {
    expect(loadRegion(geojson).polygons).toHaveLength(1);
    const e = errorOf(() => loadRegionSpec(geojson));
    expect(e.code).toBe('REGION_UNKNOWN');
    expect(e.details).toEqual({ region: geojson });
  });

  it.each(['/etc/passwd', '../../package.json', './square.geojson', 'file:///etc/hosts', 'atlantis', ''])(
    'refuses %j with REGION_UNKNOWN',
    (spec) => {
      expect(errorOf(() => loadRegionSpec(spec)).code).toBe('REGION_UNKNOWN');
    },
  );
});
