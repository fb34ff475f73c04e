import { EARTH_EQUATORIAL_RADIUS, EARTH_FLATTENING } from '../../orbit/constants.js';

const D2R = Math.PI / 180;
const E2 = EARTH_FLATTENING * (2 - EARTH_FLATTENING);
/** The point a fraction `f` along the great circle from 1 to 2 (spherical interpolation), into out[0..1]. */
export function interpolateGreatCircle(
  lat1: number,
  lon1: number,
  lat2: number,
  lon2: number,
  f: number,
  out: Float64Array,
): void {
  const p1 = lat1 * D2R,
    l1 = lon1 * D2R,
    p2 = lat2 * D2R,
    l2 = lon2 * D2R;
  const x1 = Math.cos(p1) * Math.cos(l1),
    y1 = Math.cos(p1) * Math.sin(l1),
    z1 = Math.sin(p1);
  const x2 = Math.cos(p2) * Math.cos(l2),
    y2 = Math.cos(p2) * Math.sin(l2),
    z2 = Math.sin(p2);
  const d = Math.acos(Math.max(-1, Math.min(1, x1 * x2 + y1 * y2 + z1 * z2)));
  let a = 1 - f,
    b = f;
  if (d > 1e-9) {
    a = Math.sin((1 - f) * d) / Math.sin(d);
    b = Math.sin(f * d) / Math.sin(d);
  }
  const x = a * x1 + b * x2,
    y = a * y1 + b * y2,
    z = a * z1 + b * z2;
  out[0] = Math.atan2(z, Math.sqrt(x * x + y * y)) / D2R;
  out[1] = Math.atan2(y, x) / D2R;
}

/** Initial bearing from 1 to 2, degrees clockwise from north (0..360). */
export function bearingDeg(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const p1 = lat1 * D2R,
    p2 = lat2 * D2R,
    dl = (lon2 - lon1) * D2R;
  const b =
    Math.atan2(Math.sin(dl) * Math.cos(p2), Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl)) /
    D2R;
  return (b + 360) % 360;
}

/**
 * WGS84 Earth-fixed position (km) and geodetic up vector of a point, into out[0..5] (x, y, z, ux, uy, uz):
 * the same frame as the orbit layer's ECEF states, so the elevation test is one dot product.
 */
export function ecefWithUp(latDeg: number, lonDeg: number, altKm: number, out: Float64Array): void {
  const phi = latDeg * D2R,
    lam = lonDeg * D2R;
  const sp = Math.sin(phi),
    cp = Math.cos(phi),
    sl = Math.sin(lam),
    cl = Math.cos(lam);
  const n = EARTH_EQUATORIAL_RADIUS / Math.sqrt(1 - E2 * sp * sp);
  out[0] = (n + altKm) * cp * cl;
  out[1] = (n + altKm) * cp * sl;
  out[2] = (n * (1 - E2) + altKm) * sp;
  out[3] = cp * cl;
  out[4] = cp * sl;
  out[5] = sp;
}
