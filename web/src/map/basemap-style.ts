import type { StyleSpecification } from 'maplibre-gl';
import { feature, mesh } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import countries from 'world-atlas/countries-110m.json';

/**
 * Makes every ring and line continuous in longitude (a step across the antimeridian becomes a step
 * past ±180°). Natural Earth cuts shapes there for a spherical renderer; drawn flat, a jump from
 * +180 to −180 would paint a band across the whole map.
 */
function unwrapRings<T>(geo: T): T {
  const fix = (coords: unknown): unknown => {
    if (!Array.isArray(coords)) return coords;
    if (typeof coords[0] === 'number') return coords;
    if (Array.isArray(coords[0]) && typeof coords[0][0] === 'number') {
      let prev: number | undefined;
      return (coords as number[][]).map(([lon = 0, lat = 0]) => {
        const l = prev === undefined ? lon : lon + 360 * Math.round((prev - lon) / 360);
        prev = l;
        return [l, lat];
      });
    }
    return coords.map(fix);
  };
  const walk = (g: unknown): unknown => {
    if (!g || typeof g !== 'object') return g;
    const o = g as Record<string, unknown>;
    if (o['type'] === 'FeatureCollection') return { ...o, features: (o['features'] as unknown[]).map(walk) };
    if (o['type'] === 'Feature') return { ...o, geometry: walk(o['geometry']) };
    if (o['type'] === 'GeometryCollection') return { ...o, geometries: (o['geometries'] as unknown[]).map(walk) };
    return { ...o, coordinates: fix(o['coordinates']) };
  };
  return walk(geo) as T;
}

/**
 * The basemap, all local: Natural Earth 1:110m countries from the world-atlas package (bundled),
 * no tiles, no glyphs, no sprites — it renders with no network at all. Text labels would need a
 * glyphs URL, so the dashboard labels things with DOM elements instead.
 */
export function basemapStyle(): StyleSpecification {
  const topo = countries as unknown as Topology<{ countries: GeometryCollection; land: GeometryCollection }>;
  const land = unwrapRings(feature(topo, topo.objects.land));
  const borders = unwrapRings(mesh(topo, topo.objects.countries, (a, b) => a !== b));
  return {
    version: 8,
    sources: {
      land: { type: 'geojson', data: land },
      borders: { type: 'geojson', data: { type: 'Feature', properties: {}, geometry: borders } },
    },
    layers: [
      { id: 'ocean', type: 'background', paint: { 'background-color': '#0b1d33' } },
      { id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': '#1d3450', 'fill-outline-color': '#2c4a6b' } },
      { id: 'borders', type: 'line', source: 'borders', paint: { 'line-color': '#3b5b80', 'line-width': 0.6 } },
    ],
  };
}
