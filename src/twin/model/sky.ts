import { computeEphemeris, EPHEMERIS_STRIDE, interpolate, type Ephemeris } from '../../plan/ephemeris.js';
import { findContactWindows } from '../../plan/contact-windows.js';
import { makeTargets } from '../../plan/targets.js';
import type { Satellite } from '../../orbit/satellite.js';

/** A satellite–ground-station contact window (Unix ms). */
export interface StationContact {
  readonly sat: number;
  readonly station: number;
  readonly start: number;
  readonly end: number;
}

const D2R = Math.PI / 180;
/**
 * Coarse pre-test margin: within half a 30 s step a LEO satellite moves ≤ 115 km, a few degrees of elevation at the
 * horizon.
 */
const COARSE_MARGIN_DEG = 12;

/**
 * The satellites' Earth-fixed positions on a time grid (the planner's ephemeris: propagated once,
 * Hermite-interpolated between points) and what can be asked of it cheaply: which satellites a point
 * sees at an instant (a dot product per satellite at the nearest grid point, refined by
 * interpolation only for candidates), the next grid time a point sees one, and the ground-station
 * contact windows (the planner's contact search). Covers [start, end]; `extend` slides it.
 */
export class Sky {
  eph!: Ephemeris;
  contacts: StationContact[] = [];
  /** Per satellite: its station contacts sorted by start. */
  contactsBySat: StationContact[][] = [];
  private readonly tmp = new Float64Array(6);

  constructor(
    readonly satellites: readonly Satellite[],
    private readonly stations: ReadonlyArray<{ latDeg: number; lonDeg: number; altM: number; minElevationDeg: number }>,
    readonly stepMs = 30_000,
  ) {}

  get start(): number {
    return this.eph.start;
  }
  get end(): number {
    return this.eph.start + (this.eph.steps - 1) * this.eph.stepMs;
  }

  /** Computes the grid over [start, end] and the station contacts inside it. */
  cover(start: number, end: number): void {
    this.eph = computeEphemeris(this.satellites, start, end, this.stepMs);
    const targets = makeTargets(this.stations);
    const all: StationContact[] = [];
    findContactWindows(this.eph, targets, 0, targets.count, (station, sat, s, e) => {
      all.push({ sat, station, start: s, end: e });
    });
    all.sort((a, b) => a.start - b.start);
    this.contacts = all;
    this.contactsBySat = Array.from({ length: this.satellites.length }, () => []);
    for (const c of all) this.contactsBySat[c.sat]!.push(c);
  }

  /**
   * Satellites that see the point (ECEF km + up vector in `p[0..5]`) at `t` above `minElDeg`:
   * indices into `outSat`, slant ranges (km) into `outRange`, elevations into `outEl`; returns the count.
   */
  visible(
    p: Float64Array,
    t: number,
    minElDeg: number,
    outSat: Int32Array,
    outRange: Float64Array,
    outEl: Float64Array,
  ): number {
    const e = this.eph,
      d = e.data;
    let k = Math.round((t - e.start) / e.stepMs);
    if (k < 0) k = 0;
    else if (k >= e.steps) k = e.steps - 1;
    const coarse = Math.sin((minElDeg - COARSE_MARGIN_DEG) * D2R);
    const sinMin = Math.sin(minElDeg * D2R);
    let n = 0;
    for (let s = 0; s < e.satellites; s++) {
      const o = (s * e.steps + k) * EPHEMERIS_STRIDE;
      let dx = d[o]! - p[0]!,
        dy = d[o + 1]! - p[1]!,
        dz = d[o + 2]! - p[2]!;
      let r = Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (dx * p[3]! + dy * p[4]! + dz * p[5]! < coarse * r) continue;
      interpolate(e, s, t, this.tmp);
      dx = this.tmp[0]! - p[0]!;
      dy = this.tmp[1]! - p[1]!;
      dz = this.tmp[2]! - p[2]!;
      r = Math.sqrt(dx * dx + dy * dy + dz * dz);
      const sinEl = (dx * p[3]! + dy * p[4]! + dz * p[5]!) / r;
      if (sinEl < sinMin) continue;
      outSat[n] = s;
      outRange[n] = r;
      outEl[n] = Math.asin(sinEl) / D2R;
      n++;
    }
    return n;
  }

  /** Whether satellite `s` sees the point above `minElDeg` at `t`. */
  sees(s: number, p: Float64Array, t: number, minElDeg: number): boolean {
    interpolate(this.eph, s, t, this.tmp);
    const dx = this.tmp[0]! - p[0]!,
      dy = this.tmp[1]! - p[1]!,
      dz = this.tmp[2]! - p[2]!;
    return dx * p[3]! + dy * p[4]! + dz * p[5]! >= Math.sin(minElDeg * D2R) * Math.sqrt(dx * dx + dy * dy + dz * dz);
  }

  /**
   * The first time ≥ t (on the grid after t itself) at which some satellite sees the point given by
   * `at(time, p)`, or Infinity before `limit`. Grid resolution: a window shorter than a step may be
   * missed, and a wait is rounded up to the next grid point.
   */
  nextVisible(
    t: number,
    limit: number,
    minElDeg: number,
    at: (time: number, p: Float64Array) => void,
    p: Float64Array,
    outSat: Int32Array,
    outRange: Float64Array,
    outEl: Float64Array,
  ): number {
    at(t, p);
    if (this.visible(p, t, minElDeg, outSat, outRange, outEl) > 0) return t;
    const e = this.eph;
    const sinMin = Math.sin(minElDeg * D2R);
    const d = e.data;
    const last = Math.min(limit, this.end);
    for (let tk = e.start + Math.ceil((t - e.start) / e.stepMs) * e.stepMs; tk <= last; tk += e.stepMs) {
      if (tk <= t) continue;
      at(tk, p);
      const k = Math.round((tk - e.start) / e.stepMs);
      for (let s = 0; s < e.satellites; s++) {
        const o = (s * e.steps + k) * EPHEMERIS_STRIDE;
        const dx = d[o]! - p[0]!,
          dy = d[o + 1]! - p[1]!,
          dz = d[o + 2]! - p[2]!;
        if (dx * p[3]! + dy * p[4]! + dz * p[5]! >= sinMin * Math.sqrt(dx * dx + dy * dy + dz * dz)) return tk;
      }
    }
    return Infinity;
  }
}
