import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseElementSets } from '../dist/orbit/parse-element-sets.js';
import { generateWalker } from '../dist/orbit/walker.js';
import { Satellite } from '../dist/orbit/satellite.js';
import { epochMs } from '../dist/orbit/units.js';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** The shared 100-satellite benchmark set (epoch 2022 day 221) when it is beside the checkout. */
export const SHARED_BENCH_TLE = fileURLToPath(
  new URL('../../shared/data/tle/bench100_iridium_orbcomm_globalstar_2022-221.tle', import.meta.url),
);
export const SHARED_BENCH_START = '2022-08-09T00:00:00Z';

export function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

export function hasFlag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

/**
 * 100 satellites: the shared catalogue set when present (real Iridium, ORBCOMM and Globalstar
 * elements), else a 100-satellite Walker design at the same epoch so the benchmark still runs.
 */
export function benchConstellation(tlePath = flag('tle', SHARED_BENCH_TLE)): {
  sats: Satellite[];
  source: string;
  tle?: string;
  start: number;
} {
  const start = Date.parse(flag('start', SHARED_BENCH_START));
  if (existsSync(tlePath)) {
    const { sets } = parseElementSets(readFileSync(tlePath, 'utf8'));
    return { sats: sets.map((s) => new Satellite(s)), source: tlePath, tle: tlePath, start };
  }
  const sets = generateWalker({
    inclinationDeg: 86.4,
    total: 100,
    planes: 10,
    phasing: 3,
    altitudeKm: 780,
    epoch: epochMs(start),
  });
  return {
    sats: sets.map((s) => new Satellite(s)),
    source: 'walker 86.4:100/10/3 at 780 km (shared TLE file not found)',
    start,
  };
}

/** Runs the Skyfield timing peer if Debian's python3-skyfield is installed; undefined otherwise. */
export function skyfieldPeer(args: string[]): { satellites: number; passes: number; seconds: number } | undefined {
  const py = '/usr/bin/python3';
  if (!existsSync(py)) return undefined;
  const probe = spawnSync(py, ['-c', 'import skyfield'], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  const r = spawnSync(py, [`${repoRoot}scripts/reference/skyfield_bench.py`, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) {
    process.stderr.write(`skyfield peer failed: ${r.stderr}\n`);
    return undefined;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { satellites: number; passes: number; seconds: number };
}

export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** `--workers N`, or undefined for the planner's default (the machine's cores). */
export function workersFlag(): number | undefined {
  const w = flag('workers', '');
  return w === '' ? undefined : Number(w);
}
