// Spherical geometry for the map (degrees; a spherical Earth is ample at map scale).
const RAD = Math.PI / 180;
export const EARTH_RADIUS_KM = 6371;

/** Central angle between two points, degrees. */
export function centralAngleDeg(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const s =
    Math.sin(a.lat * RAD) * Math.sin(b.lat * RAD) +
    Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.cos((b.lon - a.lon) * RAD);
  return Math.acos(Math.min(1, Math.max(-1, s))) / RAD;
}

/**
 * Half-angle (degrees of arc on the ground) of the footprint of a satellite at `altKm` seen above
 * `maskDeg` of elevation: λ = acos(R/(R+h)·cos ε) − ε.
 */
export function footprintHalfAngleDeg(altKm: number, maskDeg: number): number {
  const e = maskDeg * RAD;
  return (Math.acos((EARTH_RADIUS_KM / (EARTH_RADIUS_KM + altKm)) * Math.cos(e)) - e) / RAD;
}

/** Ring of points `radiusDeg` of arc around a centre; longitudes stay continuous around the centre's. */
export function circleRing(lat: number, lon: number, radiusDeg: number, n = 64): Array<[number, number]> {
  const φ1 = lat * RAD,
    λ1 = lon * RAD,
    δ = radiusDeg * RAD;
  const ring: Array<[number, number]> = [];
  for (let i = 0; i <= n; i++) {
    const θ = (i / n) * 2 * Math.PI;
    const φ2 = Math.asin(Math.sin(φ1) * Math.cos(δ) + Math.cos(φ1) * Math.sin(δ) * Math.cos(θ));
    const λ2 = λ1 + Math.atan2(Math.sin(θ) * Math.sin(δ) * Math.cos(φ1), Math.cos(δ) - Math.sin(φ1) * Math.sin(φ2));
    ring.push([λ2 / RAD, Math.max(-85, Math.min(85, φ2 / RAD))]);
  }
  return ring;
}

/** Longitude `lon` moved by whole turns to lie within 180° of `ref`. */
export function unwrapLon(lon: number, ref: number): number {
  return lon + 360 * Math.round((ref - lon) / 360);
}

/** A track [lat, lon, alt][] on a time grid, at time t: linear between neighbouring points (longitude unwrapped). */
export function positionOnTrack(
  start: number,
  stepMs: number,
  points: ReadonlyArray<readonly number[] | null>,
  t: number,
): { lat: number; lon: number; altKm: number } | undefined {
  const x = (t - start) / stepMs;
  const i = Math.floor(x);
  const a = points[i],
    b = points[i + 1];
  if (!a || !b || a.length < 3 || b.length < 3) return undefined;
  const f = x - i;
  const [la, lo, al] = a as [number, number, number];
  const [lb, lob, alb] = b as [number, number, number];
  const lon = lo + (unwrapLon(lob, lo) - lo) * f;
  return { lat: la + (lb - la) * f, lon: ((lon + 540) % 360) - 180, altKm: al + (alb - al) * f };
}

/** A track split into lines where it crosses the antimeridian (or has a gap). */
export function trackLines(points: ReadonlyArray<readonly number[] | null>): Array<Array<[number, number]>> {
  const lines: Array<Array<[number, number]>> = [];
  let cur: Array<[number, number]> = [];
  for (const p of points) {
    if (!p || p.length < 2) {
      if (cur.length > 1) lines.push(cur);
      cur = [];
      continue;
    }
    const lat = p[0] as number,
      lon = p[1] as number;
    const prev = cur[cur.length - 1];
    if (prev && Math.abs(lon - prev[0]) > 180) {
      if (cur.length > 1) lines.push(cur);
      cur = [];
    }
    cur.push([lon, lat]);
  }
  if (cur.length > 1) lines.push(cur);
  return lines;
}
