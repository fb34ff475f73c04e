import { describe, expect, it } from 'vitest';
import { cellArea, cellToLatLng, getRes0Cells, getResolution, isValidCell, latLngToCell } from 'h3-js';
import { cellRing, gridRegion, type Grid } from '../../src/plan/grid.js';
import type { Region } from '../../src/plan/region.js';
import { loadRegion } from '../../src/report/region-loader.js';
import { expectSatiotError } from '../support/expect-satiot-error.js';

/** Ids sorted and unique, one resolution, centres and areas as H3 gives them. */
function expectConsistent(g: Grid, resolution: number): void {
  expect(g.resolution).toBe(resolution);
  expect(g.latDeg).toHaveLength(g.cells.length);
  expect(g.lonDeg).toHaveLength(g.cells.length);
  expect(g.areaKm2).toHaveLength(g.cells.length);
  g.cells.forEach((c, i) => {
    expect(isValidCell(c)).toBe(true);
    expect(getResolution(c)).toBe(resolution);
    if (i > 0) expect(c > g.cells[i - 1]!).toBe(true);
    const [lat, lon] = cellToLatLng(c);
    expect(g.latDeg[i]).toBe(lat);
    expect(g.lonDeg[i]).toBe(lon);
    expect(g.areaKm2[i]).toBeCloseTo(cellArea(c, 'km2'), 6);
  });
}

describe('gridRegion on the china preset at resolution 3', () => {
  const g = gridRegion(loadRegion('china'), 3);
  const has = (lat: number, lon: number): boolean => g.cells.includes(latLngToCell(lat, lon, 3));

  it("yields several hundred cells whose areas add up to about China's 9.6 million km²", () => {
    expect(g.region).toBe('china');
    expect(g.cells.length).toBeGreaterThan(600);
    expect(g.cells.length).toBeLessThan(1100);
    const area = g.areaKm2.reduce((a, b) => a + b, 0);
    expect(area).toBeGreaterThan(8.6e6);
    expect(area).toBeLessThan(10.6e6);
  });

  it('holds the cells of Beijing, Urumqi and Chengdu and not those of Tokyo, Seoul or Ulaanbaatar', () => {
    expect(has(39.9042, 116.4074)).toBe(true);
    expect(has(43.8256, 87.6168)).toBe(true);
    expect(has(30.5728, 104.0668)).toBe(true);
    expect(has(35.6762, 139.6503)).toBe(false);
    expect(has(37.5665, 126.978)).toBe(false);
    expect(has(47.8864, 106.9057)).toBe(false);
  });

  it('covers Taiwan too (the preset includes it)', () => {
    const inTaiwan = g.cells.filter(
      (_, i) => g.latDeg[i]! > 21.8 && g.latDeg[i]! < 25.4 && g.lonDeg[i]! > 119.9 && g.lonDeg[i]! < 122.1,
    );
    expect(inTaiwan.length).toBeGreaterThanOrEqual(1);
  });

  it("lists sorted unique resolution-3 ids with H3's centres and areas", () => {
    expectConsistent(g, 3);
  });
});

describe('gridRegion on bbox regions', () => {
  const box = { minLon: 0, minLat: 40, maxLon: 12, maxLat: 46 };
  const g = gridRegion(loadRegion(`bbox:${box.minLon},${box.minLat},${box.maxLon},${box.maxLat}`), 4);
  const inside = (lat: number, lon: number, margin: number): boolean =>
    lat > box.minLat + margin && lat < box.maxLat - margin && lon > box.minLon + margin && lon < box.maxLon - margin;

  it('puts every cell centre inside the box (parallels are densified, so within 0.05°)', () => {
    expect(g.cells.length).toBeGreaterThan(200);
    g.cells.forEach((_, i) => expect(inside(g.latDeg[i]!, g.lonDeg[i]!, -0.05)).toBe(true));
  });

  it('includes every cell whose centre lies inside the box (found by sampling the box every 0.05°)', () => {
    const expected = new Set<string>();
    for (let lat = box.minLat; lat <= box.maxLat; lat += 0.05) {
      for (let lon = box.minLon; lon <= box.maxLon; lon += 0.05) {
        const c = latLngToCell(lat, lon, 4);
        const [clat, clon] = cellToLatLng(c);
        if (inside(clat, clon, 0.05)) expected.add(c);
      }
    }
    expect(expected.size).toBeGreaterThan(200);
    const got = new Set(g.cells);
    for (const c of expected) expect(got.has(c), c).toBe(true);
  });

  it('has about as many cells as the box area over the mean cell area', () => {
    const area = g.areaKm2.reduce((a, b) => a + b, 0);
    // 6° × 12° at 40–46°N: ≈ 667 km × 12·111·cos(43°) km.
    const boxArea = 6 * 111.2 * 12 * 111.2 * Math.cos((43 * Math.PI) / 180);
    expect(area / boxArea).toBeGreaterThan(0.9);
    expect(area / boxArea).toBeLessThan(1.1);
    expectConsistent(g, 4);
  });

  it('gives REGION_EMPTY for a 0.1° box at resolution 0 (no base cell centre in it)', async () => {
    const region = loadRegion('bbox:10,10,10.1,10.1');
    // Brute force: no resolution-0 centre lies in the box.
    expect(
      getRes0Cells()
        .map((c) => cellToLatLng(c))
        .some(([lat, lon]) => lat >= 10 && lat <= 10.1 && lon >= 10 && lon <= 10.1),
    ).toBe(false);
    const e = await expectSatiotError(() => gridRegion(region, 0), 'REGION_EMPTY');
    expect(e.details).toEqual({ region: 'bbox:10,10,10.1,10.1', resolution: 0 });
  });

  it.each([-1, 11, 2.5, NaN])('refuses resolution %d with INVALID_ARGUMENT', async (res) => {
    await expectSatiotError(() => gridRegion(loadRegion('bbox:10,45,12,46'), res), 'INVALID_ARGUMENT');
  });
});

describe('gridRegion on hand-made polygons', () => {
  it('leaves out the cells whose centres fall in a hole', () => {
    const outer: Array<[number, number]> = [
      [20, 0],
      [30, 0],
      [30, 10],
      [20, 10],
      [20, 0],
    ];
    const hole: Array<[number, number]> = [
      [23, 3],
      [27, 3],
      [27, 7],
      [23, 7],
      [23, 3],
    ];
    const full = gridRegion({ name: 'square', polygons: [[outer]] }, 4);
    const holed = gridRegion({ name: 'square with a hole', polygons: [[outer, hole]] }, 4);
    expect(holed.cells.length).toBeLessThan(full.cells.length);
    holed.cells.forEach((_, i) => {
      const lat = holed.latDeg[i]!,
        lon = holed.lonDeg[i]!;
      expect(lat > 3.05 && lat < 6.95 && lon > 23.05 && lon < 26.95).toBe(false);
    });
    expect(holed.cells.every((c) => full.cells.includes(c))).toBe(true);
  });

  it('merges the cells of overlapping polygons without duplicates', () => {
    const a: Array<[number, number]> = [
      [0, 0],
      [4, 0],
      [4, 4],
      [0, 4],
      [0, 0],
    ];
    const b: Array<[number, number]> = [
      [2, 0],
      [6, 0],
      [6, 4],
      [2, 4],
      [2, 0],
    ];
    const region: Region = { name: 'two', polygons: [[a], [b]] };
    const g = gridRegion(region, 4);
    const ga = gridRegion({ name: 'a', polygons: [[a]] }, 4),
      gb = gridRegion({ name: 'b', polygons: [[b]] }, 4);
    expect(new Set(g.cells)).toEqual(new Set([...ga.cells, ...gb.cells]));
    expect(new Set(g.cells).size).toBe(g.cells.length);
  });
});

describe('cellRing', () => {
  it('is a closed [lon, lat] ring around the cell centre', () => {
    const c = latLngToCell(39.9, 116.4, 3);
    const ring = cellRing(c);
    expect(ring.length).toBeGreaterThanOrEqual(7);
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    for (const [lon, lat] of ring) {
      expect(Math.abs(lon! - 116.4)).toBeLessThan(2);
      expect(Math.abs(lat! - 39.9)).toBeLessThan(2);
    }
  });
});
