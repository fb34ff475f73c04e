import { computeEphemeris, EPHEMERIS_STRIDE, type Ephemeris } from '../dist/plan/ephemeris.js';
import { makeTargets, TARGET_STRIDE, type Targets } from '../dist/plan/targets.js';
import type { Grid } from '../dist/plan/grid.js';
import type { Satellite } from '../dist/orbit/satellite.js';

/**
 * The naive baseline the planner is measured against: every cell × every satellite × every step of
 * a fixed grid, elevation test at each point, no culling. Runs `sample` cells and returns the time
 * extrapolated to all cells (the work is the same per cell).
 */
export function naiveVisibilityScan(
  eph: Ephemeris,
  cells: Targets,
  sample: number,
): { seconds: number; sampled: number; visibleSteps: number } {
  const n = Math.min(sample, cells.count);
  const stride = cells.count / n;
  const t0 = performance.now();
  let visible = 0;
  for (let q = 0; q < n; q++) {
    const c = Math.floor(q * stride);
    const o = c * TARGET_STRIDE;
    const gx = cells.geo[o]!,
      gy = cells.geo[o + 1]!,
      gz = cells.geo[o + 2]!,
      ux = cells.geo[o + 3]!,
      uy = cells.geo[o + 4]!,
      uz = cells.geo[o + 5]!;
    const s = cells.sinMinEl[c]!;
    for (let sat = 0; sat < eph.satellites; sat++) {
      for (let k = 0; k < eph.steps; k++) {
        const p = (sat * eph.steps + k) * EPHEMERIS_STRIDE;
        const dx = eph.data[p]! - gx,
          dy = eph.data[p + 1]! - gy,
          dz = eph.data[p + 2]! - gz;
        if (dx * ux + dy * uy + dz * uz > s * Math.sqrt(dx * dx + dy * dy + dz * dz)) visible++;
      }
    }
  }
  const seconds = ((performance.now() - t0) / 1000) * (cells.count / n);
  return { seconds, sampled: n, visibleSteps: visible };
}

/** The baseline for a plan's grid: a 10 s ephemeris over the plan's span (+12 h tail), 300 sampled cells, 10° mask. */
export function naiveBaseline(
  sats: readonly Satellite[],
  grid: Grid,
  start: number,
  hours: number,
): { seconds: number; sampled: number } {
  const eph = computeEphemeris(sats, start, start + (hours + 12) * 3_600_000, 10_000);
  const cells = makeTargets(
    Array.from(grid.cells, (_, i) => ({ latDeg: grid.latDeg[i]!, lonDeg: grid.lonDeg[i]!, minElevationDeg: 10 })),
  );
  return naiveVisibilityScan(eph, cells, 300);
}
