import type { ElementSet } from './element-set.js';
import { tleChecksum } from './tle-checksum.js';

/**
 * Writes an element set as the two 69-column TLE lines (with checksums). Sets loaded from a TLE
 * are returned verbatim; others (OMM, Walker designs) are formatted field by field, which rounds
 * to the TLE's precision (e.g. 8 decimals of mean motion, 7 of eccentricity).
 */
export function toTleLines(set: ElementSet): [string, string] {
  if (set.tle) return [set.tle.line1, set.tle.line2];
  const cat = catalog(set.noradId);
  let year = new Date(set.epoch).getUTCFullYear();
  let dayText = ((set.epoch - Date.UTC(year, 0, 1)) / 86_400_000 + 1).toFixed(8);
  // Rounding to 1e-8 day can carry past the year's last day: roll over to the next year.
  if (Number(dayText) >= (Date.UTC(year + 1, 0, 1) - Date.UTC(year, 0, 1)) / 86_400_000 + 1) {
    year += 1;
    dayText = '1.00000000';
  }
  const l1 = [
    '1 ',
    cat,
    set.classification,
    ' ',
    set.intlDesignator.padEnd(8).slice(0, 8),
    ' ',
    String(year % 100).padStart(2, '0'),
    dayText.padStart(12, '0'),
    ' ',
    signedDecimal(set.meanMotionDot, 8),
    ' ',
    implied(set.meanMotionDdot),
    ' ',
    implied(set.bstar),
    ' 0 ',
    String(set.elementSetNo % 10000).padStart(4, ' '),
  ].join('');
  const l2 = [
    '2 ',
    cat,
    ' ',
    set.inclinationDeg.toFixed(4).padStart(8),
    ' ',
    normAngle(set.raanDeg).toFixed(4).padStart(8),
    ' ',
    set.eccentricity.toFixed(7).slice(2),
    ' ',
    normAngle(set.argPerigeeDeg).toFixed(4).padStart(8),
    ' ',
    normAngle(set.meanAnomalyDeg).toFixed(4).padStart(8),
    ' ',
    set.meanMotionRevPerDay.toFixed(8).padStart(11),
    String(set.revAtEpoch % 100000).padStart(5),
  ].join('');
  return [l1 + tleChecksum(l1), l2 + tleChecksum(l2)];
}

export function toTleText(sets: readonly ElementSet[]): string {
  return sets.map((s) => [s.name, ...toTleLines(s)].join('\n')).join('\n') + '\n';
}

function catalog(n: number): string {
  if (n < 100_000) return String(n).padStart(5, '0');
  // Alpha-5: the letter carries the ten-thousands (I and O are skipped).
  const lead = Math.floor(n / 10_000) - 10;
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  const letter = letters[lead];
  if (letter === undefined) throw new RangeError(`catalog number ${n} does not fit a TLE`);
  return letter + String(n % 10_000).padStart(4, '0');
}

function normAngle(a: number): number {
  const r = ((a % 360) + 360) % 360;
  // 359.99996 would print as 360.0000: wrap to 0.
  return Number(r.toFixed(4)) >= 360 ? 0 : r;
}

/** " .00001234" / "-.00001234": 10 columns, no leading zero. */
function signedDecimal(v: number, decimals: number): string {
  const s = Math.abs(v).toFixed(decimals).replace(/^0/, '');
  // A value that rounds to zero is written unsigned, so format → parse → format is stable.
  return (v < 0 && Number(s) !== 0 ? '-' : ' ') + s;
}

/** 0.12345e-4 → " 12345-4" (8 columns, implied leading decimal point). */
function implied(v: number): string {
  if (v === 0) return ' 00000-0';
  const sign = v < 0 ? '-' : ' ';
  let exp = Math.floor(Math.log10(Math.abs(v))) + 1;
  let mant = Math.round((Math.abs(v) / 10 ** exp) * 1e5);
  if (mant >= 1e5) {
    mant = Math.round(mant / 10);
    exp += 1;
  }
  if (exp > 9 || exp < -9) return ' 00000-0';
  return `${sign}${String(mant).padStart(5, '0')}${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
}
