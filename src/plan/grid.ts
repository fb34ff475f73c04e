import { cellArea, cellToBoundary, cellToLatLng, polygonToCells } from 'h3-js';
import type { Region } from './region.js';
import { SatiotError } from '../errors/satiot-error.js';

/** The H3 cells covering a region: ids, centres and areas, in one order shared by every metric. */
export interface Grid {
  readonly region: string;
  readonly resolution: number;
  readonly cells: readonly string[];
  readonly latDeg: Float64Array;
  readonly lonDeg: Float64Array;
  readonly areaKm2: Float64Array;
}

/** Above this many cells a plan is refused: pick a coarser resolution or a smaller region. */
export const MAX_GRID_CELLS = 2_000_000;

/**
 * Grids a region with H3 (cells whose centre lies inside the region's polygons). An empty result
 * (a region smaller than one cell) is an error, not a silent empty plan.
 */
export function gridRegion(region: Region, resolution: number): Grid {
  if (!Number.isInteger(resolution) || resolution < 0 || resolution > 10) {
    throw new SatiotError('INVALID_ARGUMENT', `H3 resolution ${resolution} is outside 0..10`, { resolution });
  }
  const set = new Set<string>();
  for (const polygon of region.polygons) {
    for (const h of polygonToCells(polygon as unknown as number[][][], resolution, true)) set.add(h);
    if (set.size > MAX_GRID_CELLS) {
      throw new SatiotError(
        'PAYLOAD_TOO_LARGE',
        `region ${region.name} at resolution ${resolution} has more than ${MAX_GRID_CELLS} cells; use a ` +
          `coarser resolution`,
        { resolution },
      );
    }
  }
  if (set.size === 0) {
    throw new SatiotError(
      'REGION_EMPTY',
      `region ${region.name} holds no H3 cell centre at resolution ${resolution}; use a finer resolution or ` +
        `a larger region`,
      { region: region.name, resolution },
    );
  }
  const cells = [...set].sort();
  const n = cells.length;
  const latDeg = new Float64Array(n),
    lonDeg = new Float64Array(n),
    areaKm2 = new Float64Array(n);
  cells.forEach((h, i) => {
    const [lat, lon] = cellToLatLng(h);
    latDeg[i] = lat;
    lonDeg[i] = lon;
    areaKm2[i] = cellArea(h, 'km2');
  });
  return { region: region.name, resolution, cells, latDeg, lonDeg, areaKm2 };
}

/** A cell's outline as a closed GeoJSON ring ([lon, lat]). */
export function cellRing(cell: string): number[][] {
  return cellToBoundary(cell, true);
}
