/**
 * Passes of 100 satellites over one site for 7 days, three ways in one run:
 * satiot's pass finder, a naive fixed-step scan (10 s step, linear interpolation of crossings) and,
 * when Debian's python3-skyfield is installed, Skyfield's find_events on the same element sets.
 *
 *   npm run bench:passes [-- --tle FILE --start ISO --days 7 --min-elevation 10 --no-skyfield]
 */
import { benchConstellation, flag, hasFlag, skyfieldPeer } from './bench-util.js';
import { makeSite } from '../dist/orbit/site.js';
import { findPassesForAll } from '../dist/orbit/pass-finder.js';
import { newEcefState, type Satellite } from '../dist/orbit/satellite.js';
import { sinElevation } from '../dist/orbit/look-angles.js';
import type { Site } from '../dist/orbit/site.js';

const { sats, source, tle, start } = benchConstellation();
const days = Number(flag('days', '7'));
const minEl = Number(flag('min-elevation', '10'));
const lat = 40,
  lon = 116.33;
const site = makeSite({ latDeg: lat, lonDeg: lon, altM: 0, name: 'Beijing' });
const end = start + days * 86_400_000;

function naivePasses(list: readonly Satellite[], s: Site, stepMs: number): number {
  const st = newEcefState();
  const sinMin = Math.sin((minEl * Math.PI) / 180);
  let count = 0;
  for (const sat of list) {
    let prev = -1;
    for (let t = start; t <= end; t += stepMs) {
      sat.ecefState(t, st);
      const f = sinElevation(s, st.x, st.y, st.z) - sinMin;
      if (prev <= 0 && f > 0) count++;
      prev = f;
    }
  }
  return count;
}

findPassesForAll(sats.slice(0, 5), { site, start, end: start + 86_400_000, minElevationDeg: minEl }); // warm-up
let t0 = performance.now();
const runs = 5;
let passes = 0;
for (let i = 0; i < runs; i++) passes = findPassesForAll(sats, { site, start, end, minElevationDeg: minEl }).length;
const ours = (performance.now() - t0) / 1000 / runs;

t0 = performance.now();
const naiveCount = naivePasses(sats, site, 10_000);
const naive = (performance.now() - t0) / 1000;

const peer =
  !hasFlag('no-skyfield') && tle
    ? skyfieldPeer([
        '--tle',
        tle,
        '--lat',
        String(lat),
        '--lon',
        String(lon),
        '--alt-m',
        '0',
        '--start',
        new Date(start).toISOString(),
        '--hours',
        String(days * 24),
        '--min-elevation',
        String(minEl),
      ])
    : undefined;

const out = {
  benchmark: 'passes',
  constellation: source,
  satellites: sats.length,
  days,
  minElevationDeg: minEl,
  passes,
  seconds: Number(ours.toFixed(3)),
  satelliteDaysPerSecond: Math.round((sats.length * days) / ours),
  naiveFixedStep10s: {
    passes: naiveCount,
    seconds: Number(naive.toFixed(2)),
    ratio: Number((naive / ours).toFixed(1)),
  },
  skyfield: peer
    ? { passes: peer.passes, seconds: peer.seconds, ratio: Number((peer.seconds / ours).toFixed(1)) }
    : 'not run (python3-skyfield missing, --no-skyfield, or no TLE file)',
};
console.log(JSON.stringify(out, null, 2));
