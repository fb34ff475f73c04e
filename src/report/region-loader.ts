import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import type { Feature, Geometry, MultiPolygon, Polygon } from 'geojson';
import type { Region } from '../plan/region.js';
import { SatiotError } from '../errors/satiot-error.js';

const require = createRequire(import.meta.url);

/**
 * Region presets from Natural Earth 1:50m boundaries (the world-atlas npm package, shipped with the
 * install: nothing is downloaded at run time), by ISO 3166 numeric codes. `china` covers the
 * mainland, Hong Kong, Macao and Taiwan.
 */
export const REGION_PRESETS: Readonly<Record<string, { title: string; countries: readonly string[] }>> = {
  china: { title: 'China', countries: ['156', '158', '344', '446'] },
  mongolia: { title: 'Mongolia', countries: ['496'] },
  indonesia: { title: 'Indonesia', countries: ['360'] },
  australia: { title: 'Australia', countries: ['036'] },
};

type Ring = Array<[number, number]>;

let atlas: Topology | undefined;
function countries(): Feature<Geometry, { name: string }>[] {
  atlas ??= require('world-atlas/countries-50m.json') as Topology;
  const fc = feature(atlas, atlas.objects.countries as GeometryCollection<{ name: string }>);
  return 'features' in fc ? fc.features : [fc];
}

/** Outlines of the preset's countries (for maps), as MultiPolygon coordinates. */
export function presetOutline(name: string): Ring[][] {
  const p = REGION_PRESETS[name];
  if (!p) return [];
  return countries()
    .filter((f) => p.countries.includes(String(f.id)))
    .flatMap((f) => polygonsOf(f.geometry));
}

/**
 * Resolves a region argument: a preset name (see REGION_PRESETS), `bbox:minLon,minLat,maxLon,maxLat`,
 * or a path to a GeoJSON file (Polygon, MultiPolygon, Feature or FeatureCollection of them).
 */
export function loadRegion(spec: string): Region {
  const s = spec.trim();
  const preset = REGION_PRESETS[s.toLowerCase()];
  if (preset) return { name: s.toLowerCase(), polygons: presetOutline(s.toLowerCase()) };
  if (s.startsWith('bbox:')) return bbox(s);
  let text: string;
  try {
    text = readFileSync(s, 'utf8');
  } catch {
    throw new SatiotError(
      'REGION_UNKNOWN',
      `region '${spec}' is not a preset (${Object.keys(REGION_PRESETS).join(', ')}), a ` +
        `bbox:minLon,minLat,maxLon,maxLat, nor a readable GeoJSON file`,
      { region: spec },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SatiotError('REGION_UNKNOWN', `region file ${spec} is not valid JSON: ${(e as Error).message}`, {
      region: spec,
    });
  }
  const polygons = geojsonPolygons(json);
  if (polygons.length === 0)
    throw new SatiotError('REGION_EMPTY', `region file ${spec} holds no Polygon or MultiPolygon`, { region: spec });
  return { name: spec, polygons };
}

function bbox(s: string): Region {
  const parts = s
    .slice(5)
    .split(',')
    .map((x) => Number(x.trim()));
  const [minLon, minLat, maxLon, maxLat] = parts as [number, number, number, number];
  if (parts.length !== 4 || parts.some((x) => !Number.isFinite(x))) {
    throw new SatiotError('REGION_UNKNOWN', `'${s}' must be bbox:minLon,minLat,maxLon,maxLat with four numbers`, {
      region: s,
    });
  }
  if (minLat < -90 || maxLat > 90 || minLon < -180 || maxLon > 180)
    throw new SatiotError(
      'REGION_UNKNOWN',
      `'${s}': longitudes must be within -180..180 and latitudes within -90..90`,
      { region: s },
    );
  if (!(minLon < maxLon && minLat < maxLat))
    throw new SatiotError('REGION_EMPTY', `'${s}' is empty: min must be below max`, { region: s });
  // Densify the edges: H3 joins vertices by great circles, a box's parallels are not great circles.
  const ring: Ring = [];
  const n = Math.max(2, Math.ceil((maxLon - minLon) / 2));
  for (let i = 0; i <= n; i++) ring.push([minLon + ((maxLon - minLon) * i) / n, minLat]);
  for (let i = n; i >= 0; i--) ring.push([minLon + ((maxLon - minLon) * i) / n, maxLat]);
  ring.push([minLon, minLat]);
  return { name: s, polygons: [[ring]] };
}

function geojsonPolygons(j: unknown): Ring[][] {
  if (typeof j !== 'object' || j === null) return [];
  const o = j as { type?: string; features?: unknown[]; geometry?: unknown; geometries?: unknown[] };
  switch (o.type) {
    case 'FeatureCollection':
      return (o.features ?? []).flatMap(geojsonPolygons);
    case 'Feature':
      return geojsonPolygons(o.geometry);
    case 'GeometryCollection':
      return (o.geometries ?? []).flatMap(geojsonPolygons);
    case 'Polygon':
    case 'MultiPolygon':
      return polygonsOf(o as Polygon | MultiPolygon);
    default:
      return [];
  }
}

function polygonsOf(g: Geometry | null): Ring[][] {
  if (!g) return [];
  if (g.type === 'Polygon') return [g.coordinates as Ring[]];
  if (g.type === 'MultiPolygon') return g.coordinates as Ring[][];
  return [];
}
