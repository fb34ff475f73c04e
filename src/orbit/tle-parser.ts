import type { ElementSet, ElementSetIssue, ElementSetLoad } from './element-set.js';
import { tleChecksum } from './tle-checksum.js';
import { epochMs } from './units.js';
import { checkPropagatable } from './satellite.js';

class LineError extends Error {
  constructor(
    readonly code: ElementSetIssue['code'],
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads 2-line and 3-line element sets (names optional, "0 NAME" accepted, blank lines ignored).
 * Every set is checked for layout, checksums, matching catalog numbers, field ranges and whether
 * SGP4 can propagate it at its epoch. A bad set becomes an issue naming its line and satellite;
 * the others still load, so one bad entry in a catalogue of hundreds is not fatal.
 */
export function parseTle(text: string): ElementSetLoad {
  const lines = text.split(/\r?\n/);
  const sets: ElementSet[] = [];
  const issues: ElementSetIssue[] = [];
  let pendingName: { text: string; line: number } | undefined;

  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? '').trimEnd();
    if (raw.trim() === '') continue;
    const lineNo = i + 1;
    if (raw.startsWith('1 ')) {
      const next = (lines[i + 1] ?? '').trimEnd();
      const name = pendingName?.text;
      pendingName = undefined;
      if (!next.startsWith('2 ')) {
        issues.push({
          code: 'TLE_MALFORMED',
          line: lineNo,
          ...(name ? { satellite: name } : {}),
          message: `line ${lineNo}${name ? ` (${name})` : ''}: line 1 is not followed by a line 2`,
        });
        continue;
      }
      i++;
      try {
        sets.push(parsePair(raw, next, lineNo, name));
      } catch (e) {
        if (!(e instanceof LineError)) throw e;
        const label = name ?? catalogLabel(raw);
        issues.push({
          code: e.code,
          line: e.line,
          ...(label ? { satellite: label } : {}),
          message: `line ${e.line}${label ? ` (${label})` : ''}: ${e.message}`,
        });
      }
    } else if (raw.startsWith('2 ') && /^2 [0-9A-Z ]{5} /.test(raw) && raw.length >= 60) {
      issues.push({
        code: 'TLE_MALFORMED',
        line: lineNo,
        message: `line ${lineNo}: line 2 without a preceding line 1`,
      });
      pendingName = undefined;
    } else {
      if (pendingName) {
        issues.push({
          code: 'TLE_MALFORMED',
          line: pendingName.line,
          satellite: pendingName.text,
          message: `line ${pendingName.line} (${pendingName.text}): name line not followed by an element set`,
        });
      }
      pendingName = { text: raw.replace(/^0 /, '').trim(), line: lineNo };
    }
  }
  if (pendingName) {
    issues.push({
      code: 'TLE_MALFORMED',
      line: pendingName.line,
      satellite: pendingName.text,
      message: `line ${pendingName.line} (${pendingName.text}): name line not followed by an element set`,
    });
  }
  return { sets, issues };
}

function catalogLabel(line1: string): string | undefined {
  const s = line1.slice(2, 7).trim();
  return s === '' ? undefined : s;
}

function parsePair(l1: string, l2: string, lineNo: number, name: string | undefined): ElementSet {
  const n2 = lineNo + 1;
  for (const [line, no] of [
    [l1, lineNo],
    [l2, n2],
  ] as const) {
    if (line.length !== 69) throw new LineError('TLE_MALFORMED', no, `expected 69 columns, found ${line.length}`);
    const sum = line.charCodeAt(68) - 48;
    if (!(sum >= 0 && sum <= 9))
      throw new LineError('TLE_MALFORMED', no, `column 69 must be the checksum digit, found '${line[68]}'`);
    const want = tleChecksum(line);
    if (sum !== want) throw new LineError('TLE_CHECKSUM', no, `checksum ${sum} does not match the computed ${want}`);
  }
  const cat1 = parseCatalog(l1.slice(2, 7), lineNo);
  const cat2 = parseCatalog(l2.slice(2, 7), n2);
  if (cat1 !== cat2) throw new LineError('TLE_MALFORMED', n2, `catalog number ${cat2} differs from line 1's ${cat1}`);

  const cls = l1[7] === ' ' ? 'U' : l1[7];
  if (cls !== 'U' && cls !== 'C' && cls !== 'S')
    throw new LineError('TLE_MALFORMED', lineNo, `classification must be U, C or S, found '${cls}'`);
  const epochYear2 = field(l1, 18, 20, lineNo, 'epoch year');
  const epochDay = field(l1, 20, 32, lineNo, 'epoch day');
  if (epochDay < 1 || epochDay >= 367)
    throw new LineError('TLE_MALFORMED', lineNo, `epoch day ${epochDay} is outside 1..366`);
  const year = epochYear2 < 57 ? 2000 + epochYear2 : 1900 + epochYear2;
  const epoch = epochMs(Date.UTC(year, 0, 1) + (epochDay - 1) * 86_400_000);

  const inclinationDeg = field(l2, 8, 16, n2, 'inclination');
  const raanDeg = field(l2, 17, 25, n2, 'right ascension of the node');
  const eccentricity = Number(`0.${l2.slice(26, 33).trim()}`);
  if (!/^\d{7}$/.test(l2.slice(26, 33)))
    throw new LineError('TLE_MALFORMED', n2, `eccentricity '${l2.slice(26, 33)}' must be 7 digits`);
  const argPerigeeDeg = field(l2, 34, 42, n2, 'argument of perigee');
  const meanAnomalyDeg = field(l2, 43, 51, n2, 'mean anomaly');
  const meanMotionRevPerDay = field(l2, 52, 63, n2, 'mean motion');
  const revAtEpoch = optionalInt(l2.slice(63, 68));
  if (inclinationDeg < 0 || inclinationDeg > 180)
    throw new LineError('TLE_MALFORMED', n2, `inclination ${inclinationDeg}° is outside 0..180`);
  for (const [v, what] of [
    [raanDeg, 'right ascension of the node'],
    [argPerigeeDeg, 'argument of perigee'],
    [meanAnomalyDeg, 'mean anomaly'],
  ] as const) {
    if (v < 0 || v > 360) throw new LineError('TLE_MALFORMED', n2, `${what} ${v}° is outside 0..360`);
  }
  if (!(meanMotionRevPerDay > 0))
    throw new LineError('ELEMENT_SET_DECAYED', n2, `mean motion ${meanMotionRevPerDay} rev/day is not positive`);

  const set: ElementSet = {
    name: name ?? String(cat1),
    noradId: cat1,
    intlDesignator: l1.slice(9, 17).trim(),
    classification: cls,
    epoch,
    meanMotionRevPerDay,
    eccentricity,
    inclinationDeg,
    raanDeg,
    argPerigeeDeg,
    meanAnomalyDeg,
    bstar: impliedDecimal(l1.slice(53, 61), lineNo, 'BSTAR'),
    meanMotionDot: field(l1, 33, 43, lineNo, 'mean motion derivative'),
    meanMotionDdot: impliedDecimal(l1.slice(44, 52), lineNo, 'mean motion second derivative'),
    elementSetNo: optionalInt(l1.slice(64, 68)),
    revAtEpoch,
    tle: { line1: l1, line2: l2 },
  };
  const problem = checkPropagatable(set);
  if (problem) throw new LineError('ELEMENT_SET_DECAYED', lineNo, problem);
  return set;
}

/** Catalog numbers: 5 digits, or Alpha-5 (a letter for the ten-thousands, I and O skipped). */
function parseCatalog(s: string, line: number): number {
  const t = s.trim();
  if (/^\d{1,5}$/.test(t)) return Number(t);
  const m = /^([A-HJ-NP-Z])(\d{4})$/.exec(t);
  if (m) {
    const letter = m[1]!.charCodeAt(0) - 65;
    const skip = letter > 14 ? 2 : letter > 8 ? 1 : 0; // I and O are not used
    return (10 + letter - skip) * 10_000 + Number(m[2]);
  }
  throw new LineError('TLE_MALFORMED', line, `catalog number '${s}' is neither 5 digits nor Alpha-5`);
}

function field(line: string, from: number, to: number, lineNo: number, what: string): number {
  const s = line.slice(from, to).trim();
  // Plain decimals only (no hex, exponents or blanks): what every SGP4 reader agrees on.
  const v = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(s) ? Number(s.replace(/^([+-]?)\./, '$10.')) : NaN;
  if (!Number.isFinite(v)) {
    throw new LineError(
      'TLE_MALFORMED',
      lineNo,
      `${what} '${line.slice(from, to)}' (columns ${from + 1}–${to}) is not a number`,
    );
  }
  return v;
}

/** "-12345-4" means -0.12345e-4. */
function impliedDecimal(s: string, lineNo: number, what: string): number {
  const t = s.trim();
  if (t === '' || /^[+-]?0+[+-]?0?$/.test(t)) return 0;
  // No blanks inside the field: SGP4 readers would parse ' 2426 -4' differently from us.
  const m = /^([+-]?)(\d{1,5})([+-]\d)$/.exec(t);
  if (!m) throw new LineError('TLE_MALFORMED', lineNo, `${what} '${s}' is not in the implied-decimal form ±NNNNN±E`);
  return Number(`${m[1]}0.${m[2]}e${m[3]}`);
}

function optionalInt(s: string): number {
  const v = Number(s.trim());
  return Number.isInteger(v) ? v : 0;
}
