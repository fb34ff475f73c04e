/**
 * Vehicle and vessel tracks from decoded position reports: distance, stops, the last known position
 * with its age, and an ETA along a planned route. Pure: points in, figures out. Times are Unix ms,
 * positions WGS84 degrees, distances km.
 *
 * Store-and-forward delivers reports late and out of order, so every function sorts by the
 * position's own time first; reports with the same time and place (copies) count once.
 */

export interface TrackPoint {
  readonly at: number;
  readonly lat: number;
  readonly lon: number;
  readonly speedKmh?: number;
}

export interface Stop {
  readonly from: number;
  readonly to: number;
  readonly lat: number;
  readonly lon: number;
  readonly durationMin: number;
}

export interface TrackSummary {
  readonly points: number;
  readonly distanceKm: number;
  readonly stops: readonly Stop[];
  readonly last: { readonly at: number; readonly lat: number; readonly lon: number; readonly ageMin: number } | null;
}

export interface StopOptions {
  /** A stop: positions within this radius of where it began (default 200 m, GNSS noise and a yard). */
  readonly radiusM?: number;
  /** …for at least this long (default 10 min: a red light is not a stop). */
  readonly minMinutes?: number;
}

/**
 * A track point from a decoded payload: its `position.lat/lon` (JT/T 808 reports, user codecs that
 * follow the convention), timed by the payload's own `time` when it has one (the GNSS fix) and by
 * `capturedAt` otherwise; undefined for a payload without a position.
 */
export function trackPointOf(decoded: unknown, capturedAt: number): TrackPoint | undefined {
  const d = decoded as
    { position?: { lat?: unknown; lon?: unknown }; time?: unknown; speedKmh?: unknown } | null | undefined;
  const lat = d?.position?.lat,
    lon = d?.position?.lon;
  if (typeof lat !== 'number' || typeof lon !== 'number') return undefined;
  const fix = typeof d!.time === 'string' ? Date.parse(d!.time) : NaN;
  return {
    at: Number.isFinite(fix) ? fix : capturedAt,
    lat,
    lon,
    ...(typeof d!.speedKmh === 'number' ? { speedKmh: d!.speedKmh } : {}),
  };
}

const EARTH_KM = 6371.0088;
const RAD = Math.PI / 180;

/** Great-circle distance, km (haversine on the mean Earth radius: < 0.5 % from the ellipsoid). */
export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const dLat = (b.lat - a.lat) * RAD,
    dLon = (b.lon - a.lon) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Points in time order, invalid ones and exact copies dropped. */
export function orderTrack(points: readonly TrackPoint[]): TrackPoint[] {
  const ok = points.filter((p) => Number.isFinite(p.at) && Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180);
  ok.sort((x, y) => x.at - y.at);
  return ok.filter((p, i) => i === 0 || p.at !== ok[i - 1]!.at || p.lat !== ok[i - 1]!.lat || p.lon !== ok[i - 1]!.lon);
}

export function summarizeTrack(points: readonly TrackPoint[], now: number, opts: StopOptions = {}): TrackSummary {
  const pts = orderTrack(points);
  let km = 0;
  for (let i = 1; i < pts.length; i++) km += distanceKm(pts[i - 1]!, pts[i]!);
  const last = pts[pts.length - 1];
  return {
    points: pts.length,
    distanceKm: round(km, 3),
    stops: findStops(pts, opts),
    last: last
      ? { at: last.at, lat: last.lat, lon: last.lon, ageMin: round(Math.max(0, now - last.at) / 60_000, 1) }
      : null,
  };
}

/** Stops in an ordered track: runs of positions within `radiusM` of the run's first, lasting `minMinutes`. */
export function findStops(pts: readonly TrackPoint[], opts: StopOptions = {}): Stop[] {
  const radiusKm = (opts.radiusM ?? 200) / 1000,
    minMs = (opts.minMinutes ?? 10) * 60_000;
  const stops: Stop[] = [];
  let i = 0;
  while (i < pts.length) {
    let j = i;
    while (j + 1 < pts.length && distanceKm(pts[i]!, pts[j + 1]!) <= radiusKm) j++;
    const dur = pts[j]!.at - pts[i]!.at;
    if (j > i && dur >= minMs) {
      stops.push({
        from: pts[i]!.at,
        to: pts[j]!.at,
        lat: pts[i]!.lat,
        lon: pts[i]!.lon,
        durationMin: round(dur / 60_000, 1),
      });
      i = j + 1;
    } else {
      i++;
    }
  }
  return stops;
}

export interface Eta {
  /** Along the route from the point nearest the last position to the route's end. */
  readonly remainingKm: number;
  /**
   * The speed the ETA assumes: mean moving speed over the last `speedWindowMin` (default 60), else `defaultSpeedKmh`.
   */
  readonly speedKmh: number;
  readonly eta: number | null;
  /** How far the last position is off the route, km: a large value means the ETA is doubtful. */
  readonly offRouteKm: number;
}

/**
 * ETA to the end of a planned route (a polyline of [lon, lat] as GeoJSON writes it) from the last
 * position of the track. Null ETA when there is no position or no usable speed.
 */
export function etaAlongRoute(
  points: readonly TrackPoint[],
  route: ReadonlyArray<readonly [number, number]>,
  now: number,
  opts: { speedWindowMin?: number; defaultSpeedKmh?: number } = {},
): Eta {
  const pts = orderTrack(points);
  const last = pts[pts.length - 1];
  if (!last || route.length < 2) return { remainingKm: 0, speedKmh: 0, eta: null, offRouteKm: 0 };
  // Nearest route vertex or segment point (planar within a segment: legs are short next to the Earth).
  let best = { d: Infinity, seg: 0, t: 0 };
  for (let s = 0; s + 1 < route.length; s++) {
    const a = { lon: route[s]![0], lat: route[s]![1] },
      b = { lon: route[s + 1]![0], lat: route[s + 1]![1] };
    const kx = Math.cos(((a.lat + b.lat) / 2) * RAD);
    const ax = a.lon * kx,
      ay = a.lat,
      bx = b.lon * kx,
      by = b.lat,
      px = last.lon * kx,
      py = last.lat;
    const len2 = (bx - ax) ** 2 + (by - ay) ** 2;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / len2));
    const d = distanceKm(last, { lat: a.lat + t * (b.lat - a.lat), lon: a.lon + t * (b.lon - a.lon) });
    if (d < best.d) best = { d, seg: s, t };
  }
  const a = route[best.seg]!,
    b = route[best.seg + 1]!;
  const proj = { lat: a[1] + best.t * (b[1] - a[1]), lon: a[0] + best.t * (b[0] - a[0]) };
  let remaining = distanceKm(proj, { lat: b[1], lon: b[0] });
  for (let s = best.seg + 1; s + 1 < route.length; s++)
    remaining += distanceKm({ lat: route[s]![1], lon: route[s]![0] }, { lat: route[s + 1]![1], lon: route[s + 1]![0] });
  const speed = recentSpeedKmh(pts, opts.speedWindowMin ?? 60) ?? opts.defaultSpeedKmh ?? 0;
  const base = Math.max(now, last.at);
  return {
    remainingKm: round(remaining, 3),
    speedKmh: round(speed, 1),
    eta: speed > 0 ? Math.round(base + (remaining / speed) * 3_600_000) : null,
    offRouteKm: round(best.d, 3),
  };
}

/** Mean speed over the moving legs (> 5 km/h) of the last `windowMin` of the track; undefined without any. */
function recentSpeedKmh(pts: readonly TrackPoint[], windowMin: number): number | undefined {
  const end = pts[pts.length - 1]!.at,
    from = end - windowMin * 60_000;
  let km = 0,
    h = 0;
  for (let i = 1; i < pts.length; i++) {
    const p = pts[i - 1]!,
      q = pts[i]!;
    if (q.at <= from || q.at === p.at) continue;
    const d = distanceKm(p, q),
      dt = (q.at - p.at) / 3_600_000;
    if (d / dt > 5) {
      km += d;
      h += dt;
    }
  }
  return h > 0 ? km / h : undefined;
}

function round(v: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}
