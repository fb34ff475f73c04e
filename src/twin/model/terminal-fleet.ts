import type { Fleet, LatLon, Scenario } from '../scenario/scenario.js';
import { Random, subSeed } from './random.js';
import { distanceKm } from '../../solutions/logistics/track.js';
import { bearingDeg, interpolateGreatCircle } from './geo.js';

/** Where a terminal is at a moment: degrees, km, km/h, degrees from north. */
export interface Fix {
  lat: number;
  lon: number;
  altKm: number;
  speedKmh: number;
  headingDeg: number;
}

const MS_PER_H = 3_600_000;
const KM_PER_DEG = 111.195;

interface RoutePlan {
  lat: Float64Array;
  lon: Float64Array;
  legKm: Float64Array;
  cycleMs: number;
  speedKmh: number;
  dwellMs: number;
  altKm: number;
}

/**
 * Every terminal of a scenario, flattened over tenants and fleets (index = terminal number), with
 * each one's placement drawn from the scenario seed: fixed sites along a polyline or in a box,
 * trucks and aircraft on a back-and-forth great-circle route at a random phase, vessels drifting in
 * a box. Positions are pure functions of time, so any instant can be asked in any order.
 */
export class TerminalFleet {
  readonly count: number;
  readonly fleetOf: Uint16Array;
  readonly tenantOf: Uint16Array;
  readonly fleets: Fleet[] = [];
  readonly fleetTenant: number[] = [];
  /** Index within its fleet. */
  readonly ordinal: Uint32Array;
  /** Fixed sites and drift origins. */
  private readonly lat0: Float64Array;
  private readonly lon0: Float64Array;
  /** Route phase (ms) or drift heading (rad). */
  private readonly phase: Float64Array;
  private readonly routes: Array<RoutePlan | undefined> = [];

  constructor(private readonly scenario: Scenario) {
    for (const [ti, t] of scenario.tenants.entries())
      for (const f of t.fleets) {
        this.fleets.push(f);
        this.fleetTenant.push(ti);
      }
    this.count = this.fleets.reduce((n, f) => n + f.count, 0);
    this.fleetOf = new Uint16Array(this.count);
    this.tenantOf = new Uint16Array(this.count);
    this.ordinal = new Uint32Array(this.count);
    this.lat0 = new Float64Array(this.count);
    this.lon0 = new Float64Array(this.count);
    this.phase = new Float64Array(this.count);
    let i = 0;
    const tmp = new Float64Array(2);
    this.fleets.forEach((f, fi) => {
      const rnd = new Random(subSeed(scenario.seed, 1000 + fi));
      const m = f.mobility;
      const route = m.kind === 'route' ? routePlan(m.cities, m.speedKmh, m.dwellMinutes ?? 0, m.altM ?? 0) : undefined;
      this.routes.push(route);
      const along = m.kind === 'fixed' && m.along ? cumulative(m.along) : undefined;
      for (let k = 0; k < f.count; k++, i++) {
        this.fleetOf[i] = fi;
        this.tenantOf[i] = this.fleetTenant[fi]!;
        this.ordinal[i] = k;
        if (m.kind === 'fixed') {
          if (along) pointAlong(m.along!, along, (k + 0.5) / f.count, tmp);
          else {
            const p = m.points![k % m.points!.length]!;
            tmp[0] = p[0];
            tmp[1] = p[1];
          }
          const j = m.jitterKm ?? 0;
          this.lat0[i] = clampLat(tmp[0]! + (rnd.normal() * j) / KM_PER_DEG);
          this.lon0[i] = tmp[1]! + (rnd.normal() * j) / (KM_PER_DEG * Math.cos((tmp[0]! * Math.PI) / 180));
        } else if (m.kind === 'area' || m.kind === 'drift') {
          const [s, w, n, e] = m.box;
          this.lat0[i] = s + rnd.next() * (n - s);
          this.lon0[i] = w + rnd.next() * (e - w);
          this.phase[i] = rnd.next() * 2 * Math.PI;
        } else {
          this.phase[i] = rnd.next() * route!.cycleMs;
        }
      }
    });
  }

  /** Terminal `i`'s position at `t` (Unix ms), into `out`. */
  position(i: number, t: number, out: Fix): Fix {
    const f = this.fleets[this.fleetOf[i]!]!;
    const m = f.mobility;
    out.altKm = 0;
    out.speedKmh = 0;
    out.headingDeg = 0;
    if (m.kind === 'fixed' || m.kind === 'area') {
      out.lat = this.lat0[i]!;
      out.lon = this.lon0[i]!;
      return out;
    }
    const dtH = (t - this.scenario.start) / MS_PER_H;
    if (m.kind === 'drift') {
      const h = this.phase[i]!;
      const [s, w, n, e] = m.box;
      const dist = m.speedKmh * dtH;
      out.lat = reflect(this.lat0[i]! + (dist * Math.cos(h)) / KM_PER_DEG, s, n);
      out.lon = reflect(
        this.lon0[i]! + (dist * Math.sin(h)) / (KM_PER_DEG * Math.cos((this.lat0[i]! * Math.PI) / 180)),
        w,
        e,
      );
      out.speedKmh = m.speedKmh;
      out.headingDeg = ((h * 180) / Math.PI + 360) % 360;
      return out;
    }
    const r = this.routes[this.fleetOf[i]!]!;
    routePosition(r, (((t - this.scenario.start + this.phase[i]!) % r.cycleMs) + r.cycleMs) % r.cycleMs, out);
    return out;
  }

  /** Whether terminal `i` never moves (its contacts can be searched once for the whole span). */
  isFixed(i: number): boolean {
    const k = this.fleets[this.fleetOf[i]!]!.mobility.kind;
    return k === 'fixed' || k === 'area';
  }
}

function clampLat(x: number): number {
  return Math.max(-89.9, Math.min(89.9, x));
}

/** Folds x into [lo, hi] as a ball bouncing between walls. */
function reflect(x: number, lo: number, hi: number): number {
  const w = hi - lo;
  let y = (x - lo) % (2 * w);
  if (y < 0) y += 2 * w;
  return lo + (y <= w ? y : 2 * w - y);
}

function cumulative(pts: readonly LatLon[]): Float64Array {
  const c = new Float64Array(pts.length);
  for (let k = 1; k < pts.length; k++)
    c[k] = c[k - 1]! + distanceKm({ lat: pts[k - 1]![0], lon: pts[k - 1]![1] }, { lat: pts[k]![0], lon: pts[k]![1] });
  return c;
}

function pointAlong(pts: readonly LatLon[], cum: Float64Array, f: number, out: Float64Array): void {
  const total = cum[cum.length - 1]!;
  if (pts.length === 1 || total === 0) {
    out[0] = pts[0]![0];
    out[1] = pts[0]![1];
    return;
  }
  const d = f * total;
  let k = 1;
  while (k < cum.length - 1 && cum[k]! < d) k++;
  const leg = cum[k]! - cum[k - 1]!;
  interpolateGreatCircle(
    pts[k - 1]![0],
    pts[k - 1]![1],
    pts[k]![0],
    pts[k]![1],
    leg > 0 ? (d - cum[k - 1]!) / leg : 0,
    out,
  );
}

/** The cities out and back (A→B→C→B→A…), each leg preceded by a dwell. */
function routePlan(cities: readonly LatLon[], speedKmh: number, dwellMinutes: number, altM: number): RoutePlan {
  const seq = [...cities, ...cities.slice(0, -1).reverse().slice(0, -1)];
  const n = seq.length;
  const lat = Float64Array.from(seq, (c) => c[0]),
    lon = Float64Array.from(seq, (c) => c[1]);
  const legKm = new Float64Array(n);
  for (let k = 0; k < n; k++)
    legKm[k] = distanceKm({ lat: lat[k]!, lon: lon[k]! }, { lat: lat[(k + 1) % n]!, lon: lon[(k + 1) % n]! });
  const dwellMs = dwellMinutes * 60_000;
  let cycleMs = 0;
  for (let k = 0; k < n; k++) cycleMs += dwellMs + (legKm[k]! / speedKmh) * MS_PER_H;
  return { lat, lon, legKm, cycleMs: Math.max(cycleMs, 1), speedKmh, dwellMs, altKm: altM / 1000 };
}

const scratch = new Float64Array(2);

function routePosition(r: RoutePlan, tMs: number, out: Fix): void {
  const n = r.lat.length;
  let rem = tMs;
  for (let k = 0; k < n; k++) {
    const j = (k + 1) % n;
    if (rem < r.dwellMs) {
      out.lat = r.lat[k]!;
      out.lon = r.lon[k]!;
      out.altKm = 0;
      return;
    }
    rem -= r.dwellMs;
    const legMs = (r.legKm[k]! / r.speedKmh) * MS_PER_H;
    if (rem < legMs) {
      interpolateGreatCircle(r.lat[k]!, r.lon[k]!, r.lat[j]!, r.lon[j]!, rem / legMs, scratch);
      out.lat = scratch[0]!;
      out.lon = scratch[1]!;
      out.altKm = r.altKm;
      out.speedKmh = r.speedKmh;
      out.headingDeg = bearingDeg(out.lat, out.lon, r.lat[j]!, r.lon[j]!);
      return;
    }
    rem -= legMs;
  }
  out.lat = r.lat[0]!;
  out.lon = r.lon[0]!;
  out.altKm = 0;
}
