import type { EcefState } from './satellite.js';
import type { Site } from './site.js';
import { SPEED_OF_LIGHT_KM_S } from './constants.js';
import { deg, km, kmPerS, type Degrees, type Km, type KmPerS } from './units.js';

export interface LookAngles {
  /** From north through east, 0..360°. */
  azimuthDeg: Degrees;
  /** Geometric elevation above the site's geodetic horizon (no refraction). */
  elevationDeg: Degrees;
  rangeKm: Km;
  /** Positive when the satellite moves away. */
  rangeRateKmS: KmPerS;
}

const RAD2DEG = 180 / Math.PI;

/** Sine of the elevation of an Earth-fixed position seen from a site (the pass finder's root function). */
export function sinElevation(site: Site, x: number, y: number, z: number): number {
  const dx = x - site.x,
    dy = y - site.y,
    dz = z - site.z;
  const u = site.up;
  return (dx * u[0] + dy * u[1] + dz * u[2]) / Math.sqrt(dx * dx + dy * dy + dz * dz);
}

export function azimuthDeg(site: Site, x: number, y: number, z: number): Degrees {
  const dx = x - site.x,
    dy = y - site.y,
    dz = z - site.z;
  const e = site.east,
    n = site.north;
  const a = Math.atan2(dx * e[0] + dy * e[1] + dz * e[2], dx * n[0] + dy * n[1] + dz * n[2]) * RAD2DEG;
  const wrapped = a < 0 ? a + 360 : a;
  return deg(wrapped >= 360 ? 0 : wrapped);
}

export function lookAngles(site: Site, s: EcefState): LookAngles {
  const dx = s.x - site.x,
    dy = s.y - site.y,
    dz = s.z - site.z;
  const range = Math.sqrt(dx * dx + dy * dy + dz * dz);
  const u = site.up;
  const el = Math.asin((dx * u[0] + dy * u[1] + dz * u[2]) / range) * RAD2DEG;
  return {
    azimuthDeg: azimuthDeg(site, s.x, s.y, s.z),
    elevationDeg: deg(el),
    rangeKm: km(range),
    // The site is fixed in ECEF, so the range rate is the line-of-sight component of the ECEF velocity.
    rangeRateKmS: kmPerS((dx * s.vx + dy * s.vy + dz * s.vz) / range),
  };
}

/**
 * Doppler shift (Hz) seen at the site for a carrier of `frequencyHz` sent by the satellite:
 * received = f·(1 − ṙ/c), so the shift is −f·ṙ/c (first order; ṙ ≪ c).
 */
export function dopplerShiftHz(frequencyHz: number, rangeRateKmS: number): number {
  return (-frequencyHz * rangeRateKmS) / SPEED_OF_LIGHT_KM_S;
}
