import type { ElementSet, ElementSetIssue, ElementSetLoad } from './element-set.js';
import { checkPropagatable } from './satellite.js';
import { epochMs } from './units.js';

const REQUIRED = [
  'EPOCH',
  'MEAN_MOTION',
  'ECCENTRICITY',
  'INCLINATION',
  'RA_OF_ASC_NODE',
  'ARG_OF_PERICENTER',
  'MEAN_ANOMALY',
  'NORAD_CAT_ID',
] as const;

/**
 * Reads CelesTrak OMM JSON (an array of records, or one record). Each record is checked like a TLE
 * (fields present and in range, propagatable); a bad record is an issue naming its index and
 * satellite, the rest still load.
 */
export function parseOmmJson(json: unknown): ElementSetLoad {
  const records = Array.isArray(json) ? json : [json];
  const sets: ElementSet[] = [];
  const issues: ElementSetIssue[] = [];
  records.forEach((rec, idx) => {
    const n = idx + 1;
    if (typeof rec !== 'object' || rec === null) {
      issues.push({ code: 'OMM_MALFORMED', line: n, message: `record ${n}: not a JSON object` });
      return;
    }
    const r = rec as Record<string, unknown>;
    const label =
      typeof r.OBJECT_NAME === 'string' && r.OBJECT_NAME.trim() !== ''
        ? r.OBJECT_NAME.trim()
        : r.NORAD_CAT_ID !== undefined
          ? String(r.NORAD_CAT_ID)
          : undefined;
    const fail = (code: ElementSetIssue['code'], why: string) =>
      issues.push({
        code,
        line: n,
        ...(label ? { satellite: label } : {}),
        message: `record ${n}${label ? ` (${label})` : ''}: ${why}`,
      });

    const missing = REQUIRED.filter((k) => r[k] === undefined || r[k] === null || r[k] === '');
    if (missing.length > 0) return fail('OMM_MALFORMED', `missing ${missing.join(', ')}`);
    const num = (k: string): number => Number(r[k] ?? 0);
    const epochText = String(r.EPOCH);
    const epoch = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(epochText) ? epochText : `${epochText}Z`);
    if (!Number.isFinite(epoch)) return fail('OMM_MALFORMED', `EPOCH '${epochText}' is not an ISO time`);
    const noradId = num('NORAD_CAT_ID');
    if (!Number.isInteger(noradId) || noradId <= 0 || noradId > 339_999)
      return fail('OMM_MALFORMED', `NORAD_CAT_ID '${String(r.NORAD_CAT_ID)}' is not a catalog number`);
    const values = {
      meanMotionRevPerDay: num('MEAN_MOTION'),
      eccentricity: num('ECCENTRICITY'),
      inclinationDeg: num('INCLINATION'),
      raanDeg: num('RA_OF_ASC_NODE'),
      argPerigeeDeg: num('ARG_OF_PERICENTER'),
      meanAnomalyDeg: num('MEAN_ANOMALY'),
      bstar: num('BSTAR'),
      meanMotionDot: num('MEAN_MOTION_DOT'),
      meanMotionDdot: num('MEAN_MOTION_DDOT'),
    };
    const bad = Object.entries(values).find(([, v]) => !Number.isFinite(v));
    if (bad) return fail('OMM_MALFORMED', `${bad[0]} is not a number`);
    if (values.eccentricity < 0 || values.eccentricity >= 1)
      return fail('OMM_MALFORMED', `ECCENTRICITY ${values.eccentricity} is outside [0, 1)`);
    if (values.inclinationDeg < 0 || values.inclinationDeg > 180)
      return fail('OMM_MALFORMED', `INCLINATION ${values.inclinationDeg} is outside 0..180`);
    if (!(values.meanMotionRevPerDay > 0))
      return fail('ELEMENT_SET_DECAYED', `MEAN_MOTION ${values.meanMotionRevPerDay} is not positive`);
    const objectId = typeof r.OBJECT_ID === 'string' ? r.OBJECT_ID : '';
    const m = /^\d{2}(\d{2})-(\d{3})(\w*)$/.exec(objectId);
    const cls = r.CLASSIFICATION_TYPE === 'C' || r.CLASSIFICATION_TYPE === 'S' ? r.CLASSIFICATION_TYPE : 'U';
    const set: ElementSet = {
      name: label ?? String(noradId),
      noradId,
      intlDesignator: m ? `${m[1]}${m[2]}${m[3]}` : objectId,
      classification: cls,
      epoch: epochMs(epoch),
      ...values,
      elementSetNo: Number.isInteger(num('ELEMENT_SET_NO')) ? num('ELEMENT_SET_NO') : 0,
      revAtEpoch: Number.isInteger(num('REV_AT_EPOCH')) ? num('REV_AT_EPOCH') : 0,
    };
    const problem = checkPropagatable(set);
    if (problem) return fail('ELEMENT_SET_DECAYED', problem);
    sets.push(set);
  });
  return { sets, issues };
}
