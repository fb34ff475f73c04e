import { km } from './units.js';

/** WGS84 equatorial radius and flattening, as satellite.js's geodetic transforms use them. */
export const EARTH_EQUATORIAL_RADIUS = km(6378.137);
export const EARTH_FLATTENING = 1 / 298.257223563;
/** Mean radius used by the spherical footprint formulas (domain-facts.md). */
export const EARTH_MEAN_RADIUS = km(6371.0);
/** WGS72 gravitational parameter, km³/s², the constant SGP4 element sets are built with. */
export const MU_EARTH_WGS72 = 398600.8;
/** Earth's rotation rate, rad/s. */
export const EARTH_ROTATION_RATE = 7.292115146706979e-5;
export const SPEED_OF_LIGHT_KM_S = 299792.458;
export const MS_PER_DAY = 86_400_000;
