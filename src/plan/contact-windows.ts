import { EPHEMERIS_STRIDE, type Ephemeris } from './ephemeris.js';
import { TARGET_STRIDE, type Targets } from './targets.js';
import { TargetIndex } from './target-index.js';
import { EARTH_MEAN_RADIUS, EARTH_ROTATION_RATE } from '../orbit/constants.js';

/** Called once per contact window; `start`/`end` in Unix ms, clipped to the ephemeris span. */
export type WindowSink = (target: number, sat: number, start: number, end: number) => void;

const RAD2DEG = 180 / Math.PI;
const CONE_MARGIN_RAD = 1 * (Math.PI / 180);

/**
 * Every contact window between each satellite of `eph` and each target in [from, to): the spans
 * where the satellite is above the target's minimum elevation, on exact ellipsoidal geometry
 * (f = d·up − sin(minEl)·|d| > 0, d the line of sight).
 *
 * Cost is what matters here (a plan evaluates hundreds of millions of target-steps):
 * - per satellite and ephemeris step only targets inside the cone from which the satellite could be
 *   seen within the next step are looked at (a lat/lon bucket index over the targets);
 * - f and its rate f' come from the ephemeris state at grid points (f' analytically from the
 *   velocity), and edges are roots of the cubic Hermite through (f, f') at both ends of the step.
 *   f is smooth on the scale of a pass, so edges typically land within 0.1 s, with no extra
 *   propagation or interpolation. Short passes that barely clear the mask are the worst case: at
 *   the default 120 s step their edges can be off by up to ~1.5 s (0.9 s at 60 s), always shortening
 *   the window — irrelevant at planning scale, and `--step` trades speed for it;
 * - a short graze inside one step (f < 0 at both ends, f' changing from + to −) is caught from the
 *   cubic's peak.
 */
export function findContactWindows(eph: Ephemeris, targets: Targets, from: number, to: number, sink: WindowSink): void {
  const index = new TargetIndex(targets, from, to);
  const n = to - from;
  const lastStep = new Int32Array(n);
  const lastF = new Float64Array(n);
  const lastFp = new Float64Array(n);
  const openSince = new Float64Array(n);
  const g = targets.geo;
  const sinMin = targets.sinMinEl;
  const d = eph.data;
  const stepMs = eph.stepMs;
  const h = stepMs / 1000;
  const end = eph.start + (eph.steps - 1) * stepMs;
  let minSin = 1;
  for (let i = from; i < to; i++) minSin = Math.min(minSin, sinMin[i]!);
  const epsEff = Math.asin(minSin) - CONE_MARGIN_RAD;
  const cosEps = Math.cos(epsEff);
  const items = index.items;
  const ranges: number[] = [];
  const cap = boundingCap(targets, from, to);

  for (let sat = 0; sat < eph.satellites; sat++) {
    lastStep.fill(-2);
    openSince.fill(NaN);
    const base = sat * eph.steps;
    for (let k = 0; k < eph.steps; k++) {
      const tk = eph.start + k * stepMs;
      const o = (base + k) * EPHEMERIS_STRIDE;
      const x = d[o]!,
        y = d[o + 1]!,
        z = d[o + 2]!,
        vx = d[o + 3]!,
        vy = d[o + 4]!,
        vz = d[o + 5]!;
      const r = Math.sqrt(x * x + y * y + z * z);
      const ratio = (EARTH_MEAN_RADIUS * 1.004 * cosEps) / r;
      const lambda = ratio >= 1 ? 0 : Math.acos(ratio) - epsEff;
      const speed = Math.sqrt(vx * vx + vy * vy + vz * vz);
      // Cone from which the satellite is visible now, widened by how far it moves in one step.
      const radiusRad = lambda + CONE_MARGIN_RAD + (speed / r + EARTH_ROTATION_RATE) * h * 1.1;
      // Nowhere near any target (most of the time, for a regional plan): skip the index entirely.
      const cosToCap = (x * cap.x + y * cap.y + z * cap.z) / r;
      if (cosToCap < Math.cos(Math.min(Math.PI, radiusRad + cap.radius))) continue;
      const radius = radiusRad * RAD2DEG;
      ranges.length = 0;
      index.rangesNear(Math.asin(z / r) * RAD2DEG, Math.atan2(y, x) * RAD2DEG, radius, ranges);
      const op = o - EPHEMERIS_STRIDE;
      for (let q = 0; q < ranges.length; q += 2) {
        const qEnd = ranges[q + 1]!;
        for (let j = ranges[q]!; j < qEnd; j++) {
          const target = items[j]!;
          const li = target - from;
          const to6 = target * TARGET_STRIDE;
          const gx = g[to6]!,
            gy = g[to6 + 1]!,
            gz = g[to6 + 2]!,
            ux = g[to6 + 3]!,
            uy = g[to6 + 4]!,
            uz = g[to6 + 5]!;
          const s = sinMin[target]!;
          const dx = x - gx,
            dy = y - gy,
            dz = z - gz;
          const rho = Math.sqrt(dx * dx + dy * dy + dz * dz);
          const f = dx * ux + dy * uy + dz * uz - s * rho;
          const fp = vx * ux + vy * uy + vz * uz - (s * (dx * vx + dy * vy + dz * vz)) / rho;
          const open = openSince[li] === openSince[li]; // not NaN
          if (k === 0) {
            if (f > 0) openSince[li] = tk;
          } else if (open || f > 0 || fp < 0) {
            let fPrev: number, fpPrev: number;
            if (lastStep[li] === k - 1) {
              fPrev = lastF[li]!;
              fpPrev = lastFp[li]!;
            } else {
              // Not looked at on the previous step (it was outside that cone): evaluate it there.
              const px = d[op]! - gx,
                py = d[op + 1]! - gy,
                pz = d[op + 2]! - gz;
              const pvx = d[op + 3]!,
                pvy = d[op + 4]!,
                pvz = d[op + 5]!;
              const prho = Math.sqrt(px * px + py * py + pz * pz);
              fPrev = px * ux + py * uy + pz * uz - s * prho;
              fpPrev = pvx * ux + pvy * uy + pvz * uz - (s * (px * pvx + py * pvy + pz * pvz)) / prho;
            }
            const tPrev = tk - stepMs;
            if (!open) {
              if (f > 0) {
                openSince[li] = fPrev > 0 ? tPrev : tPrev + stepMs * cubicRoot(fPrev, fpPrev * h, f, fp * h, 0, 1);
              } else if (fpPrev > 0 && fp < 0) {
                // Both ends below the minimum elevation, a culmination between: a graze above it?
                const peak = cubicPeak(fPrev, fpPrev * h, f, fp * h);
                if (peak.value > 0) {
                  sink(
                    target,
                    sat,
                    tPrev + stepMs * cubicRoot(fPrev, fpPrev * h, f, fp * h, 0, peak.s),
                    tPrev + stepMs * cubicRoot(fPrev, fpPrev * h, f, fp * h, peak.s, 1),
                  );
                }
              }
            } else if (f <= 0) {
              sink(target, sat, openSince[li]!, tPrev + stepMs * cubicRoot(fPrev, fpPrev * h, f, fp * h, 0, 1));
              openSince[li] = NaN;
            }
          }
          lastStep[li] = k;
          lastF[li] = f;
          lastFp[li] = fp;
        }
      }
    }
    for (let li = 0; li < n; li++) {
      if (openSince[li] === openSince[li]) sink(from + li, sat, openSince[li]!, end);
    }
  }
}

/**
 * The sign change of the Hermite cubic in [a, b] (fractions of the step); the caller guarantees
 * opposite signs at a and b. Newton's method from the secant guess, kept inside the bracket (it
 * falls back to bisection when a step leaves it); 1e-5 of a step is ≈ 1 ms at 120 s.
 */
function cubicRoot(f0: number, m0: number, f1: number, m1: number, a: number, b: number): number {
  const ca = 2 * f0 + m0 - 2 * f1 + m1;
  const cb = -3 * f0 - 2 * m0 + 3 * f1 - m1;
  const cc = m0;
  const p = (s: number): number => ((ca * s + cb) * s + cc) * s + f0;
  let fa = p(a),
    fb = p(b);
  let s = a - (fa * (b - a)) / (fb - fa);
  for (let i = 0; i < 30; i++) {
    const fs = p(s);
    if (fs === 0) return s;
    if (fs > 0 === fa > 0) {
      a = s;
      fa = fs;
    } else {
      b = s;
      fb = fs;
    }
    const slope = (3 * ca * s + 2 * cb) * s + cc;
    let next = s - fs / slope;
    if (!(next > a && next < b)) next = (a + b) / 2;
    if (Math.abs(next - s) < 1e-5) return next;
    s = next;
  }
  return s;
}

/** A spherical cap (unit centre, radius in radians) holding every target in [from, to). */
function boundingCap(t: Targets, from: number, to: number): { x: number; y: number; z: number; radius: number } {
  let cx = 0,
    cy = 0,
    cz = 0;
  const unit = (i: number): [number, number, number] => {
    const o = i * TARGET_STRIDE;
    const x = t.geo[o]!,
      y = t.geo[o + 1]!,
      z = t.geo[o + 2]!;
    const r = Math.sqrt(x * x + y * y + z * z);
    return [x / r, y / r, z / r];
  };
  for (let i = from; i < to; i++) {
    const u = unit(i);
    cx += u[0];
    cy += u[1];
    cz += u[2];
  }
  const norm = Math.sqrt(cx * cx + cy * cy + cz * cz);
  if (norm < 1e-9) return { x: 1, y: 0, z: 0, radius: Math.PI };
  cx /= norm;
  cy /= norm;
  cz /= norm;
  let radius = 0;
  for (let i = from; i < to; i++) {
    const u = unit(i);
    radius = Math.max(radius, Math.acos(Math.max(-1, Math.min(1, u[0] * cx + u[1] * cy + u[2] * cz))));
  }
  // Geodetic vs geocentric latitude of the targets vs the index: a small allowance.
  return { x: cx, y: cy, z: cz, radius: radius + 0.01 };
}

/** Maximum of the Hermite cubic on [0, 1] and where it is. */
function cubicPeak(f0: number, m0: number, f1: number, m1: number): { s: number; value: number } {
  // p(s) = a s³ + b s² + c s + f0; p'(s) = 3a s² + 2b s + c
  const a = 2 * f0 + m0 - 2 * f1 + m1;
  const b = -3 * f0 - 2 * m0 + 3 * f1 - m1;
  const c = m0;
  let best = { s: f0 > f1 ? 0 : 1, value: Math.max(f0, f1) };
  const consider = (s: number): void => {
    if (s > 0 && s < 1) {
      const v = ((a * s + b) * s + c) * s + f0;
      if (v > best.value) best = { s, value: v };
    }
  };
  if (Math.abs(a) < 1e-12) {
    if (b !== 0) consider(-c / (2 * b));
  } else {
    const disc = b * b - 3 * a * c;
    if (disc >= 0) {
      consider((-b + Math.sqrt(disc)) / (3 * a));
      consider((-b - Math.sqrt(disc)) / (3 * a));
    }
  }
  return best;
}
