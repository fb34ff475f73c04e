import type { ElementSet } from './element-set.js';
import { MU_EARTH_WGS72 } from './constants.js';
import { SatiotError } from '../errors/satiot-error.js';
import type { EpochMs } from './units.js';

/** WGS72 equatorial radius, km: the radius SGP4 element sets are defined against. */
const RE_WGS72 = 6378.135;

export interface WalkerDesign {
  inclinationDeg: number;
  /** Total satellites T. */
  total: number;
  /** Orbital planes P (T must be a multiple of P). */
  planes: number;
  /** Relative phasing F, 0 ≤ F < P. */
  phasing: number;
  altitudeKm: number;
  /** RAAN spread over the planes: 360° for Walker delta (default), 180° for Walker star. */
  raanSpreadDeg?: number;
  /** RAAN of the first plane, degrees (default 0). */
  raan0Deg?: number;
  epoch: EpochMs;
  /** First synthetic catalog number (default 90001); the rest follow. */
  firstNoradId?: number;
  /** Name prefix (default "WALKER"). */
  namePrefix?: string;
}

/** Parses "i:T/P/F", e.g. "86.4:66/6/2". */
export function parseWalker(spec: string): Pick<WalkerDesign, 'inclinationDeg' | 'total' | 'planes' | 'phasing'> {
  const m = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+)\s*\/\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(spec);
  if (!m)
    throw new SatiotError('INVALID_ARGUMENT', `Walker design '${spec}' is not of the form i:T/P/F (e.g. 53:24/3/1)`, {
      walker: spec,
    });
  const d = { inclinationDeg: Number(m[1]), total: Number(m[2]), planes: Number(m[3]), phasing: Number(m[4]) };
  validate(d);
  return d;
}

function validate(d: Pick<WalkerDesign, 'inclinationDeg' | 'total' | 'planes' | 'phasing'>): void {
  const bad = (why: string) =>
    new SatiotError(
      'INVALID_ARGUMENT',
      `Walker design ${d.inclinationDeg}:${d.total}/${d.planes}/${d.phasing}: ${why}`,
    );
  if (d.inclinationDeg < 0 || d.inclinationDeg > 180) throw bad('inclination must be within 0..180°');
  if (!Number.isInteger(d.total) || d.total < 1 || d.total > 10_000) throw bad('T must be an integer within 1..10000');
  if (!Number.isInteger(d.planes) || d.planes < 1 || d.total % d.planes !== 0) throw bad('P must divide T');
  if (!Number.isInteger(d.phasing) || d.phasing < 0 || d.phasing >= d.planes)
    throw bad('F must be an integer within 0..P-1');
}

/** Nominal circular-orbit mean motion (rev/day) at an altitude above the WGS72 equator. */
export function meanMotionForAltitude(altitudeKm: number): number {
  const a = RE_WGS72 + altitudeKm;
  return (Math.sqrt(MU_EARTH_WGS72 / (a * a * a)) * 86400) / (2 * Math.PI);
}

/**
 * Walker constellation as SGP4 element sets (circular orbits, no drag), propagated by the same SGP4
 * path as catalogue sets. Plane k has RAAN Ω0 + k·spread/P; satellite j of plane k has mean anomaly
 * j·360°/S + k·F·360°/T with S = T/P (domain-facts.md).
 */
export function generateWalker(design: WalkerDesign): ElementSet[] {
  validate(design);
  if (!(design.altitudeKm >= 150 && design.altitudeKm <= 40_000)) {
    throw new SatiotError('INVALID_ARGUMENT', `altitude ${design.altitudeKm} km is outside 150..40000 km`, {
      altitudeKm: design.altitudeKm,
    });
  }
  const { total: T, planes: P, phasing: F } = design;
  const S = T / P;
  const spread = design.raanSpreadDeg ?? 360;
  const raan0 = design.raan0Deg ?? 0;
  const first = design.firstNoradId ?? 90001;
  const prefix = design.namePrefix ?? 'WALKER';
  const n = meanMotionForAltitude(design.altitudeKm);
  const out: ElementSet[] = [];
  for (let k = 0; k < P; k++) {
    for (let j = 0; j < S; j++) {
      const idx = k * S + j;
      out.push({
        name: `${prefix}-P${String(k + 1).padStart(2, '0')}-S${String(j + 1).padStart(2, '0')}`,
        noradId: first + idx,
        intlDesignator: '',
        classification: 'U',
        epoch: design.epoch,
        meanMotionRevPerDay: n,
        eccentricity: 0.0001,
        inclinationDeg: design.inclinationDeg,
        raanDeg: mod360(raan0 + (k * spread) / P),
        argPerigeeDeg: 0,
        meanAnomalyDeg: mod360((j * 360) / S + (k * F * 360) / T),
        bstar: 0,
        meanMotionDot: 0,
        meanMotionDdot: 0,
        elementSetNo: 1,
        revAtEpoch: 0,
      });
    }
  }
  return out;
}

function mod360(a: number): number {
  return ((a % 360) + 360) % 360;
}
