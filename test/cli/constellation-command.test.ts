import { beforeAll, describe, expect, it } from 'vitest';
import { parseTle } from '../../src/orbit/tle-parser.js';
import { parseOmmJson } from '../../src/orbit/omm-parser.js';
import { STACK_FRAME, runCli, type CliResult } from './helpers.js';

const DESIGN = ['constellation', 'walker', '--walker', '53:24/3/1', '--altitude-km', '550', '--epoch', '2026-01-15'];
const EPOCH = Date.UTC(2026, 0, 15);

/** The TLE modulo-10 checksum, computed independently of src/: digits count, '-' counts 1. */
function checksum(line: string): number {
  let sum = 0;
  for (const ch of line.slice(0, 68)) {
    if (ch >= '0' && ch <= '9') sum += Number(ch);
    else if (ch === '-') sum += 1;
  }
  return sum % 10;
}

let tle: CliResult;

beforeAll(async () => {
  tle = await runCli(DESIGN);
});

describe('satiot constellation walker (TLE)', () => {
  it('exits 0 and prints 24 three-line sets', () => {
    expect(tle.code).toBe(0);
    expect(tle.stderr).toBe('');
    const lines = tle.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(72);
    for (let i = 0; i < 72; i += 3) {
      expect(lines[i]).toMatch(/^WALKER-P\d{2}-S\d{2}$/);
      expect(lines[i + 1]!.startsWith('1 ')).toBe(true);
      expect(lines[i + 2]!.startsWith('2 ')).toBe(true);
    }
  });

  it('prints 69-column lines whose last digit is the modulo-10 checksum', () => {
    const lines = tle.stdout
      .trimEnd()
      .split('\n')
      .filter((l) => /^[12] /.test(l));
    expect(lines).toHaveLength(48);
    for (const l of lines) {
      expect(l).toHaveLength(69);
      expect(Number(l[68])).toBe(checksum(l));
    }
  });

  it('prints sets that parseTle loads without issues, with the requested design', () => {
    const { sets, issues } = parseTle(tle.stdout);
    expect(issues).toEqual([]);
    expect(sets).toHaveLength(24);
    expect(sets.map((s) => s.noradId)).toEqual(Array.from({ length: 24 }, (_, i) => 90001 + i));
    expect(new Set(sets.map((s) => s.name)).size).toBe(24);
    for (const s of sets) {
      expect(s.epoch).toBe(EPOCH);
      expect(s.inclinationDeg).toBeCloseTo(53, 4);
      expect(s.eccentricity).toBeLessThan(0.001);
      // 550 km circular orbit: about 15.05 revolutions per day.
      expect(s.meanMotionRevPerDay).toBeGreaterThan(15);
      expect(s.meanMotionRevPerDay).toBeLessThan(15.1);
    }
    // Three planes, 120° apart, eight satellites each.
    const raans = [...new Set(sets.map((s) => s.raanDeg))].sort((a, b) => a - b);
    expect(raans).toEqual([0, 120, 240]);
  });
});

describe('satiot constellation walker --format omm', () => {
  it('prints a JSON array of 24 OMM records that parseOmmJson loads like the TLE', async () => {
    const r = await runCli([...DESIGN, '--format', 'omm']);
    expect(r.code).toBe(0);
    const records = JSON.parse(r.stdout) as unknown[];
    expect(Array.isArray(records)).toBe(true);
    expect(records).toHaveLength(24);
    const { sets, issues } = parseOmmJson(records);
    expect(issues).toEqual([]);
    expect(sets).toHaveLength(24);
    const fromTle = parseTle(tle.stdout).sets;
    sets.forEach((s, i) => {
      const t = fromTle[i]!;
      expect(s.noradId).toBe(t.noradId);
      expect(s.name).toBe(t.name);
      expect(s.epoch).toBe(EPOCH);
      expect(s.inclinationDeg).toBeCloseTo(t.inclinationDeg, 4);
      expect(s.raanDeg).toBeCloseTo(t.raanDeg, 4);
      expect(s.meanAnomalyDeg).toBeCloseTo(t.meanAnomalyDeg, 4);
      expect(s.meanMotionRevPerDay).toBeCloseTo(t.meanMotionRevPerDay, 7);
    });
  });
});

describe('satiot constellation walker with bad input', () => {
  it.each([
    ['53:24/5/1', 'planes that do not divide the total'],
    ['53:24/3/3', 'phasing not below the number of planes'],
    ['200:24/3/1', 'an inclination above 180°'],
    ['bogus', 'text that is not i:T/P/F'],
  ])('exits 2 with INVALID_ARGUMENT for the design %s (%s)', async (design) => {
    const r = await runCli([
      'constellation',
      'walker',
      '--walker',
      design,
      '--altitude-km',
      '550',
      '--epoch',
      '2026-01-15',
    ]);
    expect(r.stderr).toMatch(/^error INVALID_ARGUMENT: /m);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toContain(STACK_FRAME);
  });

  it('exits 2 with INVALID_ARGUMENT naming --altitude-km for an altitude below 150 km', async () => {
    const r = await runCli([
      'constellation',
      'walker',
      '--walker',
      '53:24/3/1',
      '--altitude-km',
      '50',
      '--epoch',
      '2026-01-15',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error INVALID_ARGUMENT: .*--altitude-km/m);
  });

  it('exits 2 with INVALID_TIME for a bad --epoch', async () => {
    const r = await runCli([
      'constellation',
      'walker',
      '--walker',
      '53:24/3/1',
      '--altitude-km',
      '550',
      '--epoch',
      '2026-02-30',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error INVALID_TIME: .*--epoch/m);
  });
});
