/**
 * The CLI end to end, as a user runs it: `satiot --version`, and `satiot passes` for one site ×
 * 100 satellites × 7 days (mask 10°, JSON to a pipe), each started N times as a new process; the
 * minimum and the median wall time. Peer: Skyfield's find_events on the same sets, also timed as
 * a whole process (interpreter start-up included), when Debian's python3-skyfield is installed.
 *
 *   npm run build && npm run bench:cli [-- --runs 10 --no-skyfield]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { benchConstellation, flag, hasFlag, repoRoot } from './bench-util.js';

const runs = Number(flag('runs', '10'));
const { tle, start, source } = benchConstellation();
if (!tle) throw new Error(`bench:cli needs a TLE file (--tle FILE); found only ${source}`);
const cli = `${repoRoot}dist/cli/main.js`;
const passArgs = [
  'passes',
  '--tle',
  tle,
  '--lat',
  '40',
  '--lon',
  '116.33',
  '--start',
  new Date(start).toISOString(),
  '--hours',
  '168',
  '--min-elevation',
  '10',
  '--format',
  'json',
];

function timeRuns(cmd: string, args: string[], n: number): { minMs: number; medianMs: number; stdoutBytes: number } {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    bytes = r.stdout.length;
  }
  ms.sort((a, b) => a - b);
  return { minMs: Math.round(ms[0]!), medianMs: Math.round(ms[Math.floor((ms.length - 1) / 2)]!), stdoutBytes: bytes };
}

const node = process.execPath;
const bare = timeRuns(node, ['-e', '0'], runs);
const version = timeRuns(node, [cli, '--version'], runs);
const passes = timeRuns(node, [cli, ...passArgs], runs);
const count = (
  JSON.parse(spawnSync(node, [cli, ...passArgs], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout) as {
    passes: unknown[];
  }
).passes.length;

let skyfield: { seconds: number; ratio: number } | string = 'not run (python3-skyfield missing or --no-skyfield)';
if (
  !hasFlag('no-skyfield') &&
  existsSync('/usr/bin/python3') &&
  spawnSync('/usr/bin/python3', ['-c', 'import skyfield']).status === 0
) {
  const r = timeRuns(
    '/usr/bin/python3',
    [
      `${repoRoot}scripts/reference/skyfield_bench.py`,
      '--tle',
      tle,
      '--lat',
      '40',
      '--lon',
      '116.33',
      '--alt-m',
      '0',
      '--start',
      new Date(start).toISOString(),
      '--hours',
      '168',
      '--min-elevation',
      '10',
    ],
    1,
  );
  skyfield = { seconds: Number((r.minMs / 1000).toFixed(2)), ratio: Number((r.minMs / passes.medianMs).toFixed(1)) };
}

console.log(
  JSON.stringify(
    {
      benchmark: 'cli-start',
      runs,
      nodeBareMs: bare,
      // Above a bare `node -e 0` in the same run: what satiot itself costs, whatever the machine's load.
      versionMs: { ...version, overBareNodeMs: version.minMs - bare.minMs, target: 150 },
      passes: {
        satellites: 100,
        days: 7,
        minElevationDeg: 10,
        passes: count,
        ...passes,
        overBareNodeMs: passes.minMs - bare.minMs,
        target: 350,
      },
      skyfieldEndToEnd: skyfield,
    },
    null,
    2,
  ),
);
