import { makeSite } from '../orbit/site.js';

/**
 * Ground points (grid cells or ground stations) in struct-of-arrays form: ECEF position (km),
 * geodetic up vector, and sin of each point's minimum elevation. Typed arrays so that the contact
 * search runs over plain numbers and crosses to worker threads by structured clone.
 */
export interface Targets {
  readonly count: number;
  readonly latDeg: Float64Array;
  readonly lonDeg: Float64Array;
  /** x, y, z, ux, uy, uz per target. */
  readonly geo: Float64Array;
  readonly sinMinEl: Float64Array;
}

export const TARGET_STRIDE = 6;

export function makeTargets(
  points: ReadonlyArray<{ latDeg: number; lonDeg: number; altM?: number; minElevationDeg: number }>,
): Targets {
  const n = points.length;
  const t: Targets = {
    count: n,
    latDeg: new Float64Array(n),
    lonDeg: new Float64Array(n),
    geo: new Float64Array(n * TARGET_STRIDE),
    sinMinEl: new Float64Array(n),
  };
  points.forEach((p, i) => {
    const s = makeSite(p);
    t.latDeg[i] = p.latDeg;
    t.lonDeg[i] = p.lonDeg;
    t.geo.set([s.x, s.y, s.z, s.up[0], s.up[1], s.up[2]], i * TARGET_STRIDE);
    t.sinMinEl[i] = Math.sin((p.minElevationDeg * Math.PI) / 180);
  });
  return t;
}
