import { newEcefState, type Satellite } from '../orbit/satellite.js';

/** Doubles stored per satellite per step: x, y, z (km), vx, vy, vz (km/s), ECEF. */
export const EPHEMERIS_STRIDE = 6;

/**
 * Earth-fixed states of every satellite on one uniform time grid, computed once per plan so that no
 * satellite is propagated twice at the same time. Between grid points states come from cubic
 * Hermite interpolation of position and velocity: at a 60 s step the position error is well under
 * a metre for LEO (h⁴·ω⁴·r/384), far below what a coverage or latency plan can notice.
 *
 * The buffer may be a SharedArrayBuffer so worker threads read it without copying.
 */
export interface Ephemeris {
  readonly start: number;
  readonly stepMs: number;
  readonly steps: number;
  readonly satellites: number;
  readonly data: Float64Array;
}

export function computeEphemeris(
  sats: readonly Satellite[],
  start: number,
  end: number,
  stepMs: number,
  onProgress?: (done: number, total: number) => void,
): Ephemeris {
  const steps = Math.floor((end - start) / stepMs) + 1;
  const shared = new SharedArrayBuffer(sats.length * steps * EPHEMERIS_STRIDE * 8);
  const data = new Float64Array(shared);
  const s = newEcefState();
  sats.forEach((sat, i) => {
    let o = i * steps * EPHEMERIS_STRIDE;
    for (let k = 0; k < steps; k++) {
      sat.ecefState(start + k * stepMs, s);
      data[o++] = s.x;
      data[o++] = s.y;
      data[o++] = s.z;
      data[o++] = s.vx;
      data[o++] = s.vy;
      data[o++] = s.vz;
    }
    onProgress?.(i + 1, sats.length);
  });
  return { start, stepMs, steps, satellites: sats.length, data };
}

/**
 * Hermite-interpolated position (and velocity) of satellite `sat` at `t`, written into `out`
 * (length ≥ 6). `t` must lie on the grid's span.
 */
export function interpolate(eph: Ephemeris, sat: number, t: number, out: Float64Array): void {
  const h = eph.stepMs / 1000;
  let k = Math.floor((t - eph.start) / eph.stepMs);
  if (k >= eph.steps - 1) k = eph.steps - 2;
  if (k < 0) k = 0;
  const s = (t - (eph.start + k * eph.stepMs)) / eph.stepMs;
  const d = eph.data;
  const o0 = (sat * eph.steps + k) * EPHEMERIS_STRIDE;
  const o1 = o0 + EPHEMERIS_STRIDE;
  const s2 = s * s,
    s3 = s2 * s;
  const h00 = 2 * s3 - 3 * s2 + 1,
    h10 = s3 - 2 * s2 + s,
    h01 = -2 * s3 + 3 * s2,
    h11 = s3 - s2;
  const d00 = (6 * s2 - 6 * s) / h,
    d10 = 3 * s2 - 4 * s + 1,
    d01 = (-6 * s2 + 6 * s) / h,
    d11 = 3 * s2 - 2 * s;
  for (let c = 0; c < 3; c++) {
    const p0 = d[o0 + c]!,
      v0 = d[o0 + 3 + c]!,
      p1 = d[o1 + c]!,
      v1 = d[o1 + 3 + c]!;
    out[c] = h00 * p0 + h10 * h * v0 + h01 * p1 + h11 * h * v1;
    out[3 + c] = d00 * p0 + d10 * v0 + d01 * p1 + d11 * v1;
  }
}
