import type { OMMJsonObject } from 'satellite.js';
import type { ElementSet } from './element-set.js';

/** CelesTrak's OMM JSON record for an element set (the fields satellite.js and CelesTrak use). */
export type OmmRecord = OMMJsonObject;

export function toOmm(set: ElementSet): OmmRecord {
  return {
    OBJECT_NAME: set.name,
    OBJECT_ID: designatorToObjectId(set.intlDesignator),
    EPOCH: new Date(set.epoch).toISOString().replace('Z', ''),
    MEAN_MOTION: set.meanMotionRevPerDay,
    ECCENTRICITY: set.eccentricity,
    INCLINATION: set.inclinationDeg,
    RA_OF_ASC_NODE: set.raanDeg,
    ARG_OF_PERICENTER: set.argPerigeeDeg,
    MEAN_ANOMALY: set.meanAnomalyDeg,
    EPHEMERIS_TYPE: 0,
    CLASSIFICATION_TYPE: set.classification === 'C' ? 'C' : 'U',
    NORAD_CAT_ID: set.noradId,
    ELEMENT_SET_NO: set.elementSetNo,
    REV_AT_EPOCH: set.revAtEpoch,
    BSTAR: set.bstar,
    MEAN_MOTION_DOT: set.meanMotionDot,
    MEAN_MOTION_DDOT: set.meanMotionDdot,
  };
}

/** "22057A" → "2022-057A" (CelesTrak's OBJECT_ID form). */
function designatorToObjectId(d: string): string {
  const m = /^(\d{2})(\d{3})(\w*)$/.exec(d.trim());
  if (!m) return d.trim();
  const yy = Number(m[1]);
  return `${yy < 57 ? 2000 + yy : 1900 + yy}-${m[2]}${m[3]}`;
}
