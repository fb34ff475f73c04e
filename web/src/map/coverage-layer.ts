import { cellArea, cellToBoundary, latLngToCell, UNITS } from 'h3-js';
import type { FeatureCollection } from 'geojson';
import type { ApiClient } from '../api/client';

/** Hours of the coverage plan the heat layer shows, from the server's now. */
export const COVERAGE_HOURS = 6;
/** Most H3 cells one plan asks for (the planner allows 60,000; a map needs far fewer). */
const MAX_CELLS = 2500;

/** Colour ramp of the mean wait for a contact, minutes → colour (short waits green, long red). */
export const WAIT_STOPS: Array<[number, string]> = [
  [0, '#22c55e'],
  [15, '#84cc16'],
  [45, '#eab308'],
  [90, '#f97316'],
  [180, '#ef4444'],
];

/**
 * The planner's coverage over the map's view for the service's own constellation: its element sets
 * (GET /api/v1/satellites/elements) planned over a bbox (POST /api/v1/plan/coverage) at the finest H3
 * resolution that stays under MAX_CELLS, each cell a polygon with its mean wait for a contact.
 */
export async function coverageCells(
  api: ApiClient,
  view: { west: number; south: number; east: number; north: number },
  startMs: number,
): Promise<{ cells: FeatureCollection; resolution: number; summaryWaitMin: number | null }> {
  const west = Math.max(-180, view.west),
    east = Math.min(180, view.east);
  const south = Math.max(-70, view.south),
    north = Math.min(70, view.north);
  const { tle, count } = await api.call('GET /api/v1/satellites/elements');
  if (count === 0 || !(east > west) || !(north > south))
    return { cells: { type: 'FeatureCollection', features: [] }, resolution: 0, summaryWaitMin: null };
  // Area of the box on the sphere, km², against the average cell area of each resolution.
  const R = 6371,
    rad = Math.PI / 180;
  const area = R * R * (east - west) * rad * Math.abs(Math.sin(north * rad) - Math.sin(south * rad));
  let resolution = 1;
  for (const r of [4, 3, 2, 1]) {
    if (area / averageCellArea(r) <= MAX_CELLS) {
      resolution = r;
      break;
    }
  }
  const plan = await api.call('POST /api/v1/plan/coverage', {
    body: {
      tle,
      region: `bbox:${west.toFixed(2)},${south.toFixed(2)},${east.toFixed(2)},${north.toFixed(2)}`,
      resolution,
      start: new Date(startMs).toISOString(),
      hours: COVERAGE_HOURS,
      includeCells: true,
      minElevationDeg: 10,
    },
  });
  const features = (plan.perCell ?? []).flatMap((c) => {
    if (!c.cell || c.meanWaitMin === null || c.meanWaitMin === undefined) return [];
    const ring = cellToBoundary(c.cell, true);
    const lons = ring.map((p) => p[0] ?? 0);
    if (Math.max(...lons) - Math.min(...lons) > 180) return []; // a cell across the antimeridian
    return [
      {
        type: 'Feature' as const,
        properties: { wait: c.meanWaitMin, cover: c.coverageFraction ?? 0 },
        geometry: { type: 'Polygon' as const, coordinates: [ring] },
      },
    ];
  });
  return {
    cells: { type: 'FeatureCollection', features },
    resolution,
    summaryWaitMin: plan.summary.meanWaitMin ?? null,
  };
}

const areas = new Map<number, number>();
/** Mean H3 cell area at a resolution, km² (from a cell near 30°N: H3 cells vary about 2× in area). */
function averageCellArea(res: number): number {
  let a = areas.get(res);
  if (a === undefined) {
    a = cellArea(latLngToCell(30, 105, res), UNITS.km2);
    areas.set(res, a);
  }
  return a;
}
