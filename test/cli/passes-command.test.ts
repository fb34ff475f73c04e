import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConstellation } from '../../src/orbit/constellation.js';
import { findPassesForAll } from '../../src/orbit/pass-finder.js';
import { passesToJson, type PassJson } from '../../src/orbit/pass-json.js';
import { makeSite } from '../../src/orbit/site.js';
import {
  REFERENCE_TLE,
  REFERENCE_TLE_PATH,
  STACK_FRAME,
  errorCode,
  runCli,
  tempDir,
  type CliResult,
} from './helpers.js';

const START = '2026-01-15T00:00:00Z';
const SITE = ['--lat', '40', '--lon', '116.33'];
const WINDOW = ['--start', START, '--hours', '24', '--min-elevation', '10'];
const BASE = ['passes', '--tle', REFERENCE_TLE, ...SITE, ...WINDOW];
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function parsePasses(r: CliResult): PassJson[] {
  const doc = JSON.parse(r.stdout) as { passes: PassJson[] };
  expect(Object.keys(doc)).toEqual(['passes']);
  expect(Array.isArray(doc.passes)).toBe(true);
  return doc.passes;
}

/** Bad input: non-zero exit, `error CODE:` on stderr, nothing on stdout, no stack trace. */
function expectCleanFailure(r: CliResult, code: string, exit: number): void {
  expect(r.stderr).toMatch(new RegExp(`^error ${code}: `, 'm'));
  expect(r.code).toBe(exit);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toContain(STACK_FRAME);
}

let json: CliResult;
let all: PassJson[];
const tmp = tempDir('passes');

beforeAll(async () => {
  json = await runCli([...BASE, '--format', 'json']);
  all = parsePasses(json);
});

afterAll(() => tmp.cleanup());

describe('satiot passes --format json', () => {
  it('exits 0 and prints a {"passes":[…]} document with no warnings on stderr', () => {
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    expect(all.length).toBeGreaterThan(5);
  });

  it('gives every pass the documented fields with ISO times ending in Z', () => {
    for (const p of all) {
      expect(Object.keys(p).sort()).toEqual([
        'aos',
        'aosAzimuthDeg',
        'los',
        'losAzimuthDeg',
        'maxElevationDeg',
        'satellite',
        'tca',
        'truncated',
      ]);
      expect(Object.keys(p.satellite).sort()).toEqual(['name', 'noradId']);
      expect(typeof p.satellite.name).toBe('string');
      expect(Number.isInteger(p.satellite.noradId)).toBe(true);
      for (const t of [p.aos, p.tca, p.los]) expect(t).toMatch(ISO_Z);
      expect(Date.parse(p.aos)).toBeLessThanOrEqual(Date.parse(p.tca));
      expect(Date.parse(p.tca)).toBeLessThanOrEqual(Date.parse(p.los));
      expect(p.maxElevationDeg).toBeGreaterThanOrEqual(10 - 1e-3);
      expect(p.maxElevationDeg).toBeLessThanOrEqual(90);
      for (const az of [p.aosAzimuthDeg, p.losAzimuthDeg]) {
        expect(az).toBeGreaterThanOrEqual(0);
        expect(az).toBeLessThan(360);
      }
      expect(typeof p.truncated).toBe('boolean');
    }
  });

  it('keeps every pass inside the 24 h window and marks only window-cut passes as truncated', () => {
    const t0 = Date.parse(START),
      t1 = t0 + 24 * 3_600_000;
    for (const p of all) {
      expect(Date.parse(p.aos)).toBeGreaterThanOrEqual(t0);
      expect(Date.parse(p.los)).toBeLessThanOrEqual(t1);
      if (p.truncated) expect(Date.parse(p.aos) === t0 || Date.parse(p.los) === t1).toBe(true);
    }
  });

  it('sorts the passes by AOS', () => {
    const aos = all.map((p) => Date.parse(p.aos));
    expect(aos).toEqual([...aos].sort((a, b) => a - b));
  });

  it('includes passes of several satellites of the file', () => {
    expect(new Set(all.map((p) => p.satellite.noradId)).size).toBeGreaterThanOrEqual(4);
  });

  it('prints the same passes as calling findPassesForAll directly', () => {
    const start = Date.parse(START);
    const sats = buildConstellation(
      { elementSets: { text: readFileSync(REFERENCE_TLE_PATH, 'utf8'), source: 'ref' } },
      start,
      () => {},
    );
    const passes = findPassesForAll(sats, {
      site: makeSite({ latDeg: 40, lonDeg: 116.33, altM: 0 }),
      start,
      end: start + 24 * 3_600_000,
      minElevationDeg: 10,
    });
    expect(all).toEqual(passesToJson(passes).passes);
  });

  it('keeps only the named satellite with --sat NAME', async () => {
    const r = await runCli([...BASE, '--format', 'json', '--sat', 'REF-SSO-500']);
    expect(r.code).toBe(0);
    const passes = parsePasses(r);
    expect(passes.length).toBeGreaterThan(0);
    expect(passes).toEqual(all.filter((p) => p.satellite.name === 'REF-SSO-500'));
  });

  it('keeps only the numbered satellite with --sat NORAD', async () => {
    const r = await runCli([...BASE, '--format', 'json', '--sat', '99002']);
    expect(r.code).toBe(0);
    const passes = parsePasses(r);
    expect(passes.length).toBeGreaterThan(0);
    expect(passes).toEqual(all.filter((p) => p.satellite.noradId === 99002));
  });

  it('accepts --sat more than once', async () => {
    const r = await runCli([...BASE, '--format', 'json', '--sat', 'REF-SSO-500', '--sat', '99002']);
    expect(r.code).toBe(0);
    expect(parsePasses(r)).toEqual(
      all.filter((p) => p.satellite.name === 'REF-SSO-500' || p.satellite.noradId === 99002),
    );
  });

  it('exits 4 with SATELLITE_NOT_FOUND naming an unknown --sat', async () => {
    const r = await runCli([...BASE, '--format', 'json', '--sat', 'NO-SUCH-SAT']);
    expectCleanFailure(r, 'SATELLITE_NOT_FOUND', 4);
    expect(r.stderr).toContain('NO-SUCH-SAT');
  });
});

describe('satiot passes --format table', () => {
  it('prints a header, one row per pass and an "N passes" line, N matching the JSON', async () => {
    const r = await runCli(BASE);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^satellite\s+norad\s+AOS \(UTC\)\s+TCA \(UTC\)\s+LOS \(UTC\)/);
    expect(lines[1]).toMatch(/^-+(\s+-+)+$/);
    expect(lines.at(-1)).toBe(`${all.length} passes`);
    const rows = lines.slice(2, -1);
    expect(rows).toHaveLength(all.length);
    rows.forEach((row, i) => {
      const p = all[i]!;
      expect(row.startsWith(p.satellite.name)).toBe(true);
      expect(row).toContain(p.aos.replace('T', ' ').slice(0, 19));
    });
  });

  it('is the default format', async () => {
    const r = await runCli(BASE);
    expect(r.stdout.startsWith('satellite')).toBe(true);
    expect(() => JSON.parse(r.stdout) as unknown).toThrow();
  });
});

describe('satiot passes with bad input', () => {
  it('exits 2 with FILE_NOT_READABLE for a missing --tle file', async () => {
    const r = await runCli(['passes', '--tle', join(tmp.dir, 'missing.tle'), ...SITE, ...WINDOW]);
    expectCleanFailure(r, 'FILE_NOT_READABLE', 2);
    expect(r.stderr).toContain('missing.tle');
  });

  it('exits 3 with NO_ELEMENT_SETS for a file without a valid set', async () => {
    const file = join(tmp.dir, 'junk.tle');
    writeFileSync(file, 'hello\nthis is not a TLE\n');
    const r = await runCli(['passes', '--tle', file, ...SITE, ...WINDOW]);
    expectCleanFailure(r, 'NO_ELEMENT_SETS', 3);
  });

  it('exits 3 with NO_ELEMENT_SETS for an empty file', async () => {
    const file = join(tmp.dir, 'empty.tle');
    writeFileSync(file, '');
    const r = await runCli(['passes', '--tle', file, ...SITE, ...WINDOW]);
    expectCleanFailure(r, 'NO_ELEMENT_SETS', 3);
  });

  it('warns about a set with a bad checksum, naming its line, and still computes the others', async () => {
    const lines = readFileSync(REFERENCE_TLE_PATH, 'utf8').split('\n');
    const line3 = lines[2]!; // REF-SSO-500 line 2
    expect(line3.startsWith('2 99001')).toBe(true);
    lines[2] = line3.slice(0, 68) + String((Number(line3[68]) + 1) % 10);
    const file = join(tmp.dir, 'bad-checksum.tle');
    writeFileSync(file, lines.join('\n'));
    const r = await runCli(['passes', '--tle', file, ...SITE, ...WINDOW, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning TLE_CHECKSUM: .*line 3\b.*REF-SSO-500/);
    expect(r.stderr).not.toMatch(/^error /m);
    expect(r.stderr).not.toContain(STACK_FRAME);
    const passes = parsePasses(r);
    expect(passes.some((p) => p.satellite.noradId === 99001)).toBe(false);
    expect(passes).toEqual(all.filter((p) => p.satellite.noradId !== 99001));
  });

  it('exits 2 with INVALID_TIME for a nonsense --start', async () => {
    const r = await runCli(['passes', '--tle', REFERENCE_TLE, ...SITE, '--start', 'nonsense', '--hours', '24']);
    expectCleanFailure(r, 'INVALID_TIME', 2);
    expect(r.stderr).toContain('nonsense');
  });

  it('exits 2 with INVALID_ARGUMENT naming --lat for --lat 95', async () => {
    const r = await runCli(['passes', '--tle', REFERENCE_TLE, '--lat', '95', '--lon', '116.33', ...WINDOW]);
    expectCleanFailure(r, 'INVALID_ARGUMENT', 2);
    expect(r.stderr).toContain('--lat');
  });

  it('exits 2 with INVALID_TIME naming --hours for a window over 744 h', async () => {
    const r = await runCli(['passes', '--tle', REFERENCE_TLE, ...SITE, '--start', START, '--hours', '745']);
    expectCleanFailure(r, 'INVALID_TIME', 2);
    expect(r.stderr).toContain('--hours');
  });

  it('exits 2 with INVALID_ARGUMENT for an unknown --format', async () => {
    const r = await runCli([...BASE, '--format', 'xml']);
    expectCleanFailure(r, 'INVALID_ARGUMENT', 2);
    expect(r.stderr).toContain('--format');
  });

  it('exits 2 with an INVALID_ARGUMENT usage error for an unknown flag', async () => {
    const r = await runCli([...BASE, '--bogus-flag']);
    expect(r.code).toBe(2);
    expect(errorCode(r)).toBe('INVALID_ARGUMENT');
    expect(r.stderr).toContain('--bogus-flag');
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toContain(STACK_FRAME);
  });

  it('exits 2 with an INVALID_ARGUMENT usage error naming a missing required flag', async () => {
    const r = await runCli(['passes', '--tle', REFERENCE_TLE, '--lat', '40', ...WINDOW]);
    expect(r.code).toBe(2);
    expect(errorCode(r)).toBe('INVALID_ARGUMENT');
    expect(r.stderr).toContain('--lon');
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toContain(STACK_FRAME);
  });

  it('exits 2 with INVALID_ARGUMENT when neither --tle nor --walker is given', async () => {
    const r = await runCli(['passes', ...SITE, ...WINDOW]);
    expectCleanFailure(r, 'INVALID_ARGUMENT', 2);
  });
});

describe('satiot passes --help', () => {
  it('exits 0 and documents every flag', async () => {
    const r = await runCli(['passes', '--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '--tle',
      '--sat',
      '--lat',
      '--lon',
      '--alt-m',
      '--start',
      '--hours',
      '--min-elevation',
      '--format',
    ]) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${flag}\\b`, 'm'));
    }
  });
});
