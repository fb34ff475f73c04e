import { geoArea, geoContains } from 'd3-geo';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { fail, member, readArray, readEnum, readObject } from './json-reader.js';

/**
 * A geofence: a GeoJSON Polygon or MultiPolygon in WGS84 degrees ([lon, lat], an optional third
 * coordinate ignored). Containment is spherical (d3-geo: edges are great-circle arcs, so fences
 * across the antimeridian work), and the boundary counts as inside (within about 6 mm).
 *
 * Winding does not matter: RFC 7946 asks for counter-clockwise exterior rings, d3-geo reads
 * clockwise ones and would take an RFC ring for the whole Earth minus the fence. Each exterior
 * ring is therefore taken as the smaller of the two areas it bounds and each hole likewise, so a
 * fence may not exceed a hemisphere.
 */
export type GeofenceArea = Polygon | MultiPolygon;

const MAX_VERTICES = 10_000;
/** Boundary tolerance in radians of arc (1e-9 rad ≈ 6.4 mm on the Earth's surface). */
const ON_EDGE_RAD = 1e-9;

/** A validated copy holding only `type` and `coordinates` (foreign members such as `bbox` are dropped). */
export function parseGeofenceArea(v: unknown, path: string): GeofenceArea {
  const o = readObject(v, path);
  const type = readEnum(member(o, 'type'), `${path}.type`, ['Polygon', 'MultiPolygon'] as const);
  const budget = { vertices: 0 };
  if (type === 'Polygon')
    return { type, coordinates: parsePolygon(member(o, 'coordinates'), `${path}.coordinates`, budget) };
  const polys = readArray(member(o, 'coordinates'), `${path}.coordinates`, 1, MAX_VERTICES);
  return { type, coordinates: polys.map((p, i) => parsePolygon(p, `${path}.coordinates[${i}]`, budget)) };
}

function parsePolygon(v: unknown, path: string, budget: { vertices: number }): Position[][] {
  const rings = readArray(v, path, 1, MAX_VERTICES);
  return rings.map((r, i) => {
    const rp = `${path}[${i}]`;
    const ring = readArray(r, rp, 4, MAX_VERTICES).map((p, j) => parsePosition(p, `${rp}[${j}]`));
    budget.vertices += ring.length;
    if (budget.vertices > MAX_VERTICES) fail(path, `has more than ${MAX_VERTICES} vertices in all`);
    const first = ring[0]!,
      last = ring[ring.length - 1]!;
    if (first[0] !== last[0] || first[1] !== last[1]) fail(rp, 'must be closed (its last position equal to its first)');
    return ring;
  });
}

function parsePosition(v: unknown, path: string): Position {
  const p = readArray(v, path, 2, 3);
  const lon = p[0],
    lat = p[1];
  if (typeof lon !== 'number' || !Number.isFinite(lon) || lon < -180 || lon > 180)
    fail(`${path}[0]`, 'must be a longitude in degrees (-180 to 180)');
  if (typeof lat !== 'number' || !Number.isFinite(lat) || lat < -90 || lat > 90)
    fail(`${path}[1]`, 'must be a latitude in degrees (-90 to 90)');
  return [lon, lat];
}

type Vec3 = readonly [number, number, number];

/** A fence prepared for repeated tests: rings in d3-geo's winding, vertices as unit vectors for the edge test. */
interface PreparedArea {
  readonly d3: MultiPolygon;
  readonly rings: readonly (readonly Vec3[])[];
}

// Prepared once per area object: rules are parsed once and evaluated on every message.
const prepared = new WeakMap<GeofenceArea, PreparedArea>();

/** Whether the point (degrees) lies inside the fence or on its boundary. */
export function areaContains(area: GeofenceArea, lat: number, lon: number): boolean {
  let p = prepared.get(area);
  if (p === undefined) {
    p = prepare(area);
    prepared.set(area, p);
  }
  const v = unit(lon, lat);
  if (p.rings.some((ring) => onRing(ring, v))) return true;
  return geoContains(p.d3, [lon, lat]);
}

function prepare(area: GeofenceArea): PreparedArea {
  const polys = area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
  const d3Polys = polys.map((rings) =>
    rings.map((ring, i) => {
      const coords = ring.map((q) => [q[0]!, q[1]!]);
      const small = geoArea({ type: 'Polygon', coordinates: [coords] }) <= 2 * Math.PI;
      // Exterior rings bound the small side; holes are read by d3-geo as rings bounding the large side.
      const wantSmall = i === 0;
      return small === wantSmall ? coords : coords.reverse();
    }),
  );
  return {
    d3: { type: 'MultiPolygon', coordinates: d3Polys },
    rings: polys.flatMap((rings) => rings.map((ring) => ring.map((q) => unit(q[0]!, q[1]!)))),
  };
}

function unit(lonDeg: number, latDeg: number): Vec3 {
  const lon = (lonDeg * Math.PI) / 180,
    lat = (latDeg * Math.PI) / 180;
  return [Math.cos(lat) * Math.cos(lon), Math.cos(lat) * Math.sin(lon), Math.sin(lat)];
}

function onRing(ring: readonly Vec3[], p: Vec3): boolean {
  for (let i = 0; i + 1 < ring.length; i++) {
    if (onArc(ring[i]!, ring[i + 1]!, p)) return true;
  }
  return false;
}

/** Whether p lies on the minor great-circle arc a–b: near its great circle and between its ends. */
function onArc(a: Vec3, b: Vec3, p: Vec3): boolean {
  const ab = angle(a, b);
  const ap = angle(a, p),
    pb = angle(p, b);
  if (ap <= ON_EDGE_RAD || pb <= ON_EDGE_RAD) return true;
  if (ab <= ON_EDGE_RAD || ap > ab || pb > ab) return false;
  const n = cross(a, b);
  const nLen = Math.hypot(n[0], n[1], n[2]);
  const crossTrack = Math.abs(Math.asin(Math.min(1, Math.abs(dot(n, p)) / nLen)));
  return crossTrack <= ON_EDGE_RAD;
}

function angle(a: Vec3, b: Vec3): number {
  // atan2 of |a×b| and a·b stays accurate for tiny angles, where acos(a·b) loses half its digits.
  const c = cross(a, b);
  return Math.atan2(Math.hypot(c[0], c[1], c[2]), dot(a, b));
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
