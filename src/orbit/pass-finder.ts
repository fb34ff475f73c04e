import { newEcefState, type EcefState, type Satellite } from './satellite.js';
import type { Site } from './site.js';
import type { Pass } from './pass.js';
import { azimuthDeg } from './look-angles.js';
import { brentRoot } from './root-finding.js';
import { EARTH_ROTATION_RATE, MU_EARTH_WGS72 } from './constants.js';

export interface PassSearch {
  readonly site: Site;
  readonly start: number;
  readonly end: number;
  /** Minimum elevation, degrees (default 0). */
  readonly minElevationDeg?: number;
  /** Time tolerance of AOS, TCA and LOS, ms (default 1). */
  readonly toleranceMs?: number;
}

const DEG = Math.PI / 180;
/**
 * Angle added to the visibility cone before skipping ahead: covers the difference between the
 * geodetic normal and the geocentric direction (≤ 0.19°) and SGP4's short-periodic radius terms.
 */
const CONE_MARGIN_RAD = 0.5 * DEG;
/** Added to the cone and to the Earth's rate for the orbit-plane bound (see findPasses). */
const PLANE_MARGIN_RAD = 0.5 * DEG;
const PLANE_RATE_MARGIN = 1e-5;

/**
 * Finds every pass of `sat` over a site in [start, end].
 *
 * Cost is dominated by SGP4 calls, so the search avoids them: while the satellite is outside the
 * cone from which it could be seen (central angle to the site larger than the footprint half-angle
 * at its highest radius), it jumps ahead by the time the satellite needs to close that gap at its
 * fastest angular rate — a rigorous bound, so no pass is skipped — or, when the site is far from
 * the orbit plane, by the time the Earth needs to turn the site towards it (whole revolutions
 * skipped at once). Near the cone it samples every
 * ~1/30 orbit and watches the sign of d(sin el)/dt (analytic, from the ECEF velocity): a change from
 * rising to setting brackets a culmination, refined by Brent's method; AOS and LOS are then the
 * roots of el − minEl on either side, also by Brent, to `toleranceMs`.
 */
export function findPasses(sat: Satellite, q: PassSearch): Pass[] {
  const { site, start, end } = q;
  const minEl = (q.minElevationDeg ?? 0) * DEG;
  const sinMin = Math.sin(minEl);
  const tol = q.toleranceMs ?? 1;
  const el = sat.elements;

  // Orbit geometry for the skip bound.
  const nRadS = (el.meanMotionRevPerDay * 2 * Math.PI) / 86400;
  const a = Math.cbrt(MU_EARTH_WGS72 / (nRadS * nRadS));
  const e = Math.min(el.eccentricity, 0.99);
  const rMax = a * (1 + e) + 30;
  const rp = a * (1 - e);
  const omegaMax = (Math.sqrt(MU_EARTH_WGS72 * a * (1 - e * e)) / (rp * rp) + EARTH_ROTATION_RATE) * 1.05;
  const siteR = Math.hypot(site.x, site.y, site.z);
  const epsEff = minEl - CONE_MARGIN_RAD;
  const ratio = (siteR * Math.cos(epsEff)) / rMax;
  const coneHalfAngle = (ratio >= 1 ? 0 : Math.acos(ratio) - epsEff) + CONE_MARGIN_RAD;
  const periodMs = ((2 * Math.PI) / nRadS) * 1000;
  // The second bound: the satellite never comes closer to the site than the site is to its orbit
  // plane, and that distance shrinks no faster than the Earth turns the site (plus the plane's
  // precession and short-periodic wobble, well under the margin of 1e-5 rad/s and 0.5° added here).
  const planeCone = coneHalfAngle + PLANE_MARGIN_RAD;
  const planeRate = (EARTH_ROTATION_RATE * Math.hypot(site.x, site.y)) / siteR + PLANE_RATE_MARGIN;
  // Near the cone, one sample per 1/30 orbit (≤ 2 min): the sign of d(sin el)/dt changes once per
  // culmination, and a culmination is half an orbit from the next minimum, so no pass falls between
  // two samples; a finer step only costs propagations (measured: a third of a week's search).
  const stepMs = Math.min(120_000, Math.max(10_000, periodMs / 30));

  const s = newEcefState();
  const u = site.up;
  // f: sin(el) − sin(minEl); g: d(sin el)/dt (per second). Both from one propagation.
  let f = 0,
    g = 0,
    cosTheta = 0;
  const evalAt = (t: number): void => {
    sat.ecefState(t, s);
    const dx = s.x - site.x,
      dy = s.y - site.y,
      dz = s.z - site.z;
    const rho2 = dx * dx + dy * dy + dz * dz;
    const rho = Math.sqrt(rho2);
    const du = dx * u[0] + dy * u[1] + dz * u[2];
    const vu = s.vx * u[0] + s.vy * u[1] + s.vz * u[2];
    const dv = dx * s.vx + dy * s.vy + dz * s.vz;
    f = du / rho - sinMin;
    g = vu / rho - (du * dv) / (rho2 * rho);
    cosTheta = (s.x * site.x + s.y * site.y + s.z * site.z) / (Math.hypot(s.x, s.y, s.z) * siteR);
  };
  /** How long, at least, until the site can be within the cone of the orbit plane (ms; ≤ 0 if it is). */
  const planeGapMs = (): number => {
    // The inertial velocity in Earth-fixed axes (the ECEF velocity plus ω × r), then the plane's normal.
    const wx = s.vx - EARTH_ROTATION_RATE * s.y,
      wy = s.vy + EARTH_ROTATION_RATE * s.x,
      wz = s.vz;
    const nx = s.y * wz - s.z * wy,
      ny = s.z * wx - s.x * wz,
      nz = s.x * wy - s.y * wx;
    const sinDelta = Math.abs(nx * site.x + ny * site.y + nz * site.z) / (Math.hypot(nx, ny, nz) * siteR);
    return ((Math.asin(Math.min(1, sinDelta)) - planeCone) / planeRate) * 1000;
  };
  const fAt = (t: number): number => {
    evalAt(t);
    return f;
  };
  const gAt = (t: number): number => {
    evalAt(t);
    return g;
  };

  const culminations: number[] = [];
  let t = start;
  let prevT = NaN,
    prevG = NaN;
  evalAt(t);
  if (f > 0 && g <= 0) culminations.push(start); // in a pass, already past its culmination
  for (;;) {
    // A culmination since the last sample near the cone, even when this sample is already far
    // enough past it to jump ahead (a short, high pass crossed between two samples).
    if (!Number.isNaN(prevT) && prevG > 0 && g <= 0) {
      culminations.push(brentRoot(gAt, prevT, t, prevG, g, tol));
      evalAt(t);
    }
    const theta = Math.acos(Math.max(-1, Math.min(1, cosTheta)));
    let gapMs = ((theta - coneHalfAngle) / omegaMax) * 1000;
    if (gapMs > stepMs) gapMs = Math.max(gapMs, planeGapMs());
    if (gapMs > stepMs) {
      // Outside the cone: nothing can be seen until the gap closes.
      prevT = NaN;
      t = Math.min(end, t + gapMs);
    } else {
      prevT = t;
      prevG = g;
      if (t >= end) break;
      t = Math.min(end, t + stepMs);
    }
    if (t >= end && Number.isNaN(prevT)) break;
    evalAt(t);
  }
  evalAt(end);
  if (f > 0 && g > 0) culminations.push(end); // still rising when the window closes

  const passes: Pass[] = [];
  let lastLos = -Infinity;
  for (const tca of culminations) {
    if (tca <= lastLos) continue; // the same pass seen twice (edge cases at the window's ends)
    evalAt(tca);
    if (f <= 0) continue; // a culmination below the minimum elevation
    const maxEl = Math.asin(Math.min(1, f + sinMin)) / DEG;
    const aos = edge(tca, -1);
    const los = edge(tca, +1);
    evalAt(aos.t);
    const aosAz = azimuthDeg(site, s.x, s.y, s.z);
    evalAt(los.t);
    const losAz = azimuthDeg(site, s.x, s.y, s.z);
    passes.push({
      satellite: { name: el.name, noradId: el.noradId },
      aos: aos.t,
      tca,
      los: los.t,
      maxElevationDeg: maxEl,
      aosAzimuthDeg: aosAz,
      losAzimuthDeg: losAz,
      truncated: aos.cut || los.cut,
    });
    lastLos = los.t;
  }
  return passes;

  /** The AOS (dir −1) or LOS (dir +1) around a culmination, or the window edge. */
  function edge(tca: number, dir: -1 | 1): { t: number; cut: boolean } {
    const limit = dir < 0 ? start : end;
    let inside = tca,
      fi = fAt(tca);
    for (;;) {
      const next = dir < 0 ? Math.max(limit, inside - stepMs) : Math.min(limit, inside + stepMs);
      const fn = fAt(next);
      if (fn <= 0) {
        const r = brentRoot(fAt, inside, next, fi, fn, tol);
        return { t: r, cut: false };
      }
      if (next === limit) return { t: limit, cut: true };
      inside = next;
      fi = fn;
    }
  }
}

/** Passes of several satellites, merged and sorted by AOS (then satellite name). */
export function findPassesForAll(sats: readonly Satellite[], q: PassSearch): Pass[] {
  const all: Pass[] = [];
  for (const sat of sats) all.push(...findPasses(sat, q));
  return all.sort((x, y) => x.aos - y.aos || x.satellite.name.localeCompare(y.satellite.name));
}

export type { EcefState };
