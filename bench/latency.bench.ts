/**
 * Store-and-forward latency plan, China at H3 resolution 4 × 100 satellites × 10 ground stations ×
 * 24 h (the Foundation target: ≤ 30 s), with the naive fixed-step visibility scan (10 s step, no
 * culling, visibility only — no routing) for the same cells measured in the same run for scale.
 *
 *   npm run bench:latency [-- --resolution 4 --hours 24 --workers N]
 */
import { benchConstellation, flag, peakRssMb, workersFlag } from './bench-util.js';
import { naiveBaseline } from './plan-baseline.js';
import { loadRegion } from '../dist/report/region-loader.js';
import { gridRegion } from '../dist/plan/grid.js';
import { planLatency } from '../dist/plan/planner.js';
import { CHINA_GROUND_STATIONS } from '../dist/plan/ground-station.js';

const { sats, source, start } = benchConstellation();
const resolution = Number(flag('resolution', '4'));
const hours = Number(flag('hours', '24'));
const workers = workersFlag();

const t0 = performance.now();
const grid = gridRegion(loadRegion('china'), resolution);
const gridSeconds = (performance.now() - t0) / 1000;
const rep = await planLatency({
  satellites: sats,
  grid,
  start,
  hours,
  groundStations: CHINA_GROUND_STATIONS,
  uplinkMinElevationDeg: 10,
  ...(workers !== undefined ? { workers } : {}),
});
const wall = (performance.now() - t0) / 1000;
const rss = peakRssMb();

const naive = naiveBaseline(sats, grid, start, hours);

console.log(
  JSON.stringify(
    {
      benchmark: 'latency',
      constellation: source,
      satellites: sats.length,
      groundStations: CHINA_GROUND_STATIONS.length,
      region: 'china',
      resolution,
      hours,
      cells: rep.cells,
      summary: rep.summary,
      gridSeconds: Number(gridSeconds.toFixed(2)),
      wallSeconds: Number(wall.toFixed(2)),
      peakRssMb: rss,
      naiveFixedStep10s: {
        secondsExtrapolated: Number(naive.seconds.toFixed(1)),
        ratio: Number((naive.seconds / (wall - gridSeconds)).toFixed(1)),
      },
    },
    null,
    2,
  ),
);
