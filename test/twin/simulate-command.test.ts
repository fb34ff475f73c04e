import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../cli/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'satiot-sim-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A tiny scenario on top of china-trial: 6 satellites, one fleet of 8 stations, 1 hour.
function scenarioFile(name: string, stations: number): string {
  const all = [
    { id: 'miyun', name: 'Miyun', lat: 40.45, lon: 116.85 },
    { id: 'sanya', name: 'Sanya', lat: 18.3, lon: 109.3 },
    { id: 'kashi', name: 'Kashi', lat: 39.5, lon: 76.0 },
  ];
  const path = join(dir, `${name}.yaml`);
  writeFileSync(
    path,
    stringify({
      base: 'china-trial',
      name,
      constellation: { walker: { design: '45:6/2/1', altitudeKm: 550 } },
      groundStations: all.slice(0, stations),
      tenants: [
        {
          name: 'w',
          sector: 'water',
          fleets: [
            {
              name: 'f',
              count: 8,
              protocol: 'sl651',
              profile: 'fixed-collector',
              mobility: {
                kind: 'fixed',
                along: [
                  [30, 104],
                  [31, 121],
                ],
              },
              traffic: { periodMinutes: 15 },
            },
          ],
        },
      ],
    }),
  );
  return path;
}

describe('satiot simulate', () => {
  it('prints the JSON report with the fields the issue names and writes the charts', async () => {
    const out = join(dir, 'out');
    const r = await runCli([
      'simulate',
      '--scenario',
      scenarioFile('one', 2),
      '--hours',
      '1',
      '--start',
      '2026-01-15T00:00:00Z',
      '--format',
      'json',
      '--out',
      out,
      '--no-plan',
    ]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of [
      'generated',
      'captured',
      'delivered',
      'deliveryRatio',
      'lostCollision',
      'lostBuffer',
      'latencyMin',
      'hops',
      'sectors',
    ])
      expect(j).toHaveProperty(k);
    expect(Object.keys(j.latencyMin)).toEqual(expect.arrayContaining(['p50', 'p95', 'p99']));
    expect(j.generated).toBeGreaterThan(0);
    expect(j.sectors.water.generated).toBe(j.generated);
    for (const f of [
      'report.json',
      'latency-cdf.svg',
      'latency-cdf.png',
      'buffer-occupancy.svg',
      'messages-per-hour.png',
    ])
      expect(existsSync(join(out, f))).toBe(true);
    expect(readFileSync(join(out, 'latency-cdf.svg'), 'utf8')).toMatch(/^<svg /);
    expect(readFileSync(join(out, 'latency-cdf.png')).subarray(1, 4).toString()).toBe('PNG');
  }, 30_000);

  it('compares two scenarios side by side', async () => {
    const r = await runCli([
      'simulate',
      '--compare',
      scenarioFile('a', 1),
      scenarioFile('b', 3),
      '--hours',
      '1',
      '--start',
      '2026-01-15T00:00:00Z',
      '--no-plan',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/metric\s+a\.yaml\s+b\.yaml/);
    expect(r.stdout).toMatch(/terminals \/ satellites \/ stations\s+8 \/ 6 \/ 1\s+8 \/ 6 \/ 3/);
  }, 30_000);

  it('refuses a bad scenario with SCENARIO_INVALID and exit code 2', async () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'base: china-trial\nhours: -1\n');
    const r = await runCli(['simulate', '--scenario', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error SCENARIO_INVALID: scenario\.hours: -1 is outside/);
  });
});
