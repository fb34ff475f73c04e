import { json2satrec, sgp4, twoline2satrec, gstime, type SatRec } from 'satellite.js';
import type { ElementSet } from './element-set.js';
import { toOmm } from './omm-format.js';
import { EARTH_ROTATION_RATE, MU_EARTH_WGS72 } from './constants.js';
import type { EpochMs } from './units.js';
import { SatiotError } from '../errors/satiot-error.js';

const MS_PER_MINUTE = 60_000;
const JD_UNIX_EPOCH = 2440587.5;

/** Position (km) and velocity (km/s) in the Earth-fixed frame (ECEF, ITRF-like via GMST). */
export interface EcefState {
  x: number;
  y: number;
  z: number;
  vx: number;
  vy: number;
  vz: number;
}

function satrecOf(set: ElementSet): SatRec {
  return set.tle ? twoline2satrec(set.tle.line1, set.tle.line2) : json2satrec(toOmm(set));
}

/**
 * Why SGP4 cannot use a set, or undefined when it can: it must initialise and propagate at its
 * epoch and one day later without an SGP4 error (decay, eccentricity or mean motion out of range).
 */
export function checkPropagatable(set: ElementSet): string | undefined {
  let rec: SatRec;
  try {
    rec = satrecOf(set);
  } catch (e) {
    return `SGP4 could not initialise the set: ${(e as Error).message}`;
  }
  if (rec.error !== 0) return `SGP4 rejects the set (error ${rec.error}: decayed or out of range)`;
  // SGP4 only fails where the orbit dips underground, which may be hours away: check the perigee.
  const nRadS = (set.meanMotionRevPerDay * 2 * Math.PI) / 86400;
  const perigeeKm = Math.cbrt(MU_EARTH_WGS72 / (nRadS * nRadS)) * (1 - set.eccentricity) - 6378.135;
  if (perigeeKm < 80) return `perigee altitude ${perigeeKm.toFixed(0)} km is below 80 km: the orbit has decayed`;
  for (const minutes of [0, 1440]) {
    const r = sgp4(rec, minutes);
    if (!r || rec.error !== 0)
      return `SGP4 cannot propagate the set ${minutes / 1440} days after its epoch (error ${rec.error}: decayed)`;
  }
  return undefined;
}

/**
 * A satellite ready to propagate: its element set and the SGP4 record built from it once.
 * Propagation goes through satellite.js's SGP4 (never our own port); TEME is rotated to ECEF by
 * GMST (UT1 taken as UTC: < 0.9 s of Earth rotation, a few hundred metres at the equator).
 */
export class Satellite {
  readonly satrec: SatRec;

  constructor(readonly elements: ElementSet) {
    this.satrec = satrecOf(elements);
  }

  get name(): string {
    return this.elements.name;
  }
  get noradId(): number {
    return this.elements.noradId;
  }

  /**
   * Earth-fixed state at `t`, written into `out` (no allocation on the hot path).
   * Throws ELEMENT_SET_DECAYED when SGP4 fails at that time.
   */
  ecefState(t: EpochMs | number, out: EcefState): EcefState {
    const minutes = (t - this.elements.epoch) / MS_PER_MINUTE;
    const pv = sgp4(this.satrec, minutes);
    if (!pv) {
      throw new SatiotError(
        'ELEMENT_SET_DECAYED',
        `${this.name} (${this.noradId}): SGP4 cannot propagate to ${new Date(t).toISOString()} (error ` +
          `${this.satrec.error})`,
        { satellite: this.name, noradId: this.noradId, time: new Date(t).toISOString() },
      );
    }
    const g = gstime(t / 86_400_000 + JD_UNIX_EPOCH);
    const c = Math.cos(g);
    const s = Math.sin(g);
    const p = pv.position;
    const v = pv.velocity;
    const x = c * p.x + s * p.y;
    const y = -s * p.x + c * p.y;
    out.x = x;
    out.y = y;
    out.z = p.z;
    // Velocity in the rotating frame: rotate, then remove ω × r.
    out.vx = c * v.x + s * v.y + EARTH_ROTATION_RATE * y;
    out.vy = -s * v.x + c * v.y - EARTH_ROTATION_RATE * x;
    out.vz = v.z;
    return out;
  }
}

export function newEcefState(): EcefState {
  return { x: 0, y: 0, z: 0, vx: 0, vy: 0, vz: 0 };
}
