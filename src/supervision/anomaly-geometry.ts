import type { Polygon } from 'geojson';
import { areaContains } from '../rules/geofence-area.js';
import { distanceKm } from '../solutions/logistics/track.js';

/** Mean Earth radius, km (the great-circle distances of src/solutions/logistics/track.ts use the same). */
export const EARTH_RADIUS_KM = 6371.0088;

export interface LatLon {
  readonly lat: number;
  readonly lon: number;
}

/** A GeoJSON Polygon's rings as [lon, lat] pairs (the first ring is the outline, the others holes). */
export interface PolygonLike {
  readonly type: 'Polygon';
  readonly coordinates: ReadonlyArray<ReadonlyArray<readonly number[]>>;
}

/**
 * Ground radius (km, along the surface) of the circle from which a satellite at `altKm` is seen
 * above `minElevationDeg`: central angle λ = acos(R cos e / (R + h)) − e.
 */
export function footprintRadiusKm(altKm: number, minElevationDeg = 0): number {
  const e = (minElevationDeg * Math.PI) / 180;
  const lambda = Math.acos((EARTH_RADIUS_KM * Math.cos(e)) / (EARTH_RADIUS_KM + altKm)) - e;
  return Math.max(0, lambda) * EARTH_RADIUS_KM;
}

/**
 * Inside the outline and outside every hole (the rules' geofence test: spherical, boundary inside;
 * prepared once per region object, so a terminal's declared region is prepared once).
 */
export function inPolygon(p: LatLon, poly: PolygonLike): boolean {
  return areaContains(poly as unknown as Polygon, p.lat, p.lon);
}

/**
 * Distance (km) from a point to a polygon: 0 inside; otherwise to the nearest point of its
 * outline, sampled every ~2 km along each edge (metre precision is not the point: a margin of
 * tens of km applies).
 */
export function distanceToPolygonKm(p: LatLon, poly: PolygonLike): number {
  if (inPolygon(p, poly)) return 0;
  let best = Infinity;
  for (const ring of poly.coordinates) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const a = { lon: ring[i]![0]!, lat: ring[i]![1]! },
        b = { lon: ring[i + 1]![0]!, lat: ring[i + 1]![1]! };
      const steps = Math.min(2000, Math.max(1, Math.ceil(distanceKm(a, b) / 2)));
      for (let k = 0; k <= steps; k++) {
        const t = k / steps;
        best = Math.min(best, distanceKm(p, { lat: a.lat + (b.lat - a.lat) * t, lon: a.lon + (b.lon - a.lon) * t }));
      }
    }
  }
  return best;
}
