import { EARTH_EQUATORIAL_RADIUS, EARTH_FLATTENING } from './constants.js';
import { SatiotError } from '../errors/satiot-error.js';
import { deg, meters, toRadians, type Degrees, type Meters } from './units.js';

/** A place on the ground (terminal or ground station), WGS84 geodetic. */
export interface GeodeticPosition {
  readonly latDeg: Degrees;
  readonly lonDeg: Degrees;
  readonly altM: Meters;
}

/**
 * A site with its Earth-fixed position (km) and local East-North-Up basis precomputed, so look
 * angles cost a few multiplications.
 */
export interface Site extends GeodeticPosition {
  readonly name: string;
  /** ECEF position, km. */
  readonly x: number;
  readonly y: number;
  readonly z: number;
  /** Unit vectors: up (geodetic normal), east, north, in ECEF. */
  readonly up: readonly [number, number, number];
  readonly east: readonly [number, number, number];
  readonly north: readonly [number, number, number];
}

export function makeSite(pos: { latDeg: number; lonDeg: number; altM?: number; name?: string }): Site {
  const { latDeg, lonDeg } = pos;
  const altM = pos.altM ?? 0;
  if (!Number.isFinite(latDeg) || latDeg < -90 || latDeg > 90)
    throw new SatiotError('INVALID_ARGUMENT', `latitude ${latDeg} is outside -90..90°`, { latDeg });
  if (!Number.isFinite(lonDeg) || lonDeg < -180 || lonDeg > 360)
    throw new SatiotError('INVALID_ARGUMENT', `longitude ${lonDeg} is outside -180..360°`, { lonDeg });
  if (!Number.isFinite(altM) || altM < -500 || altM > 100_000)
    throw new SatiotError('INVALID_ARGUMENT', `altitude ${altM} m is outside -500..100000 m`, { altM });
  const phi = toRadians(deg(latDeg));
  const lam = toRadians(deg(lonDeg));
  const sp = Math.sin(phi),
    cp = Math.cos(phi),
    sl = Math.sin(lam),
    cl = Math.cos(lam);
  const a = EARTH_EQUATORIAL_RADIUS;
  const e2 = EARTH_FLATTENING * (2 - EARTH_FLATTENING);
  const N = a / Math.sqrt(1 - e2 * sp * sp);
  const h = altM / 1000;
  return {
    name: pos.name ?? `${latDeg.toFixed(4)},${lonDeg.toFixed(4)}`,
    latDeg: deg(latDeg),
    lonDeg: deg(lonDeg),
    altM: meters(altM),
    x: (N + h) * cp * cl,
    y: (N + h) * cp * sl,
    z: (N * (1 - e2) + h) * sp,
    up: [cp * cl, cp * sl, sp],
    east: [-sl, cl, 0],
    north: [-sp * cl, -sp * sl, cp],
  };
}
