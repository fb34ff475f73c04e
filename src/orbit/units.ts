/**
 * Branded unit types. Orbit code mixes radians, degrees, kilometres and metres, ECI (TEME) and ECEF;
 * the brand makes the compiler catch a degree passed where a radian is due. Converting is explicit.
 */
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type Radians = Brand<number, 'rad'>;
export type Degrees = Brand<number, 'deg'>;
export type Km = Brand<number, 'km'>;
export type Meters = Brand<number, 'm'>;
/** Kilometres per second. */
export type KmPerS = Brand<number, 'km/s'>;
/** Unix time in milliseconds (UTC). */
export type EpochMs = Brand<number, 'ms'>;

export const rad = (x: number): Radians => x as Radians;
export const deg = (x: number): Degrees => x as Degrees;
export const km = (x: number): Km => x as Km;
export const meters = (x: number): Meters => x as Meters;
export const kmPerS = (x: number): KmPerS => x as KmPerS;
export const epochMs = (x: number): EpochMs => x as EpochMs;

const DEG_PER_RAD = 180 / Math.PI;
export const toRadians = (d: Degrees): Radians => (d / DEG_PER_RAD) as Radians;
export const toDegrees = (r: Radians): Degrees => (r * DEG_PER_RAD) as Degrees;
export const metersToKm = (m: Meters): Km => (m / 1000) as Km;
export const kmToMeters = (k: Km): Meters => (k * 1000) as Meters;

/** Vector in kilometres; the frame (TEME or ECEF) is named where it is used. */
export interface Vec3Km {
  readonly x: number;
  readonly y: number;
  readonly z: number;
}
