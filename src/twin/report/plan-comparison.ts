import { planCoverage, planLatency } from '../../plan/planner.js';
import type { Grid } from '../../plan/grid.js';
import type { Satellite } from '../../orbit/satellite.js';
import type { TwinModel } from '../model/twin-model.js';
import type { PlanComparison } from './simulation-report.js';
import { summarize } from './stats.js';

const MAX_SITES = 300;

/**
 * The analytic latency plan (`satiot plan latency`'s model) for the scenario's fixed terminals that
 * wait for a satellite, against the twin's latency for the same terminals' messages measured the
 * same way: created → first dumped to a ground station (the plan has no ground → core hop). The
 * plan is contention-free with exact contact edges; docs/twin.md explains the expected gap.
 */
export async function comparePlan(model: TwinModel, sats: readonly Satellite[]): Promise<PlanComparison | undefined> {
  const f = model.fleet;
  const s = model.scenario;
  const sites: number[] = [];
  for (let i = 0; i < f.count; i++)
    if (f.isFixed(i) && f.fleets[f.fleetOf[i]!]!.traffic.waitForSatellite) sites.push(i);
  if (sites.length === 0) return undefined;
  const pick =
    sites.length <= MAX_SITES
      ? sites
      : Array.from({ length: MAX_SITES }, (_, k) => sites[Math.floor((k * sites.length) / MAX_SITES)]!);
  const fix = { lat: 0, lon: 0, altKm: 0, speedKmh: 0, headingDeg: 0 };
  const lat = new Float64Array(pick.length),
    lon = new Float64Array(pick.length);
  pick.forEach((i, k) => {
    f.position(i, s.start, fix);
    lat[k] = fix.lat;
    lon[k] = fix.lon;
  });
  const grid: Grid = {
    region: 'twin-sites',
    resolution: 0,
    cells: pick.map(String),
    latDeg: lat,
    lonDeg: lon,
    areaKm2: new Float64Array(pick.length).fill(1),
  };
  const plan = await planLatency({
    satellites: sats,
    grid,
    start: s.start,
    hours: s.hours,
    workers: 1,
    stepMs: 30_000,
    groundStations: s.groundStations.map((g) => ({
      id: g.id,
      name: g.name,
      latDeg: g.lat,
      lonDeg: g.lon,
      altM: g.altM,
      minElevationDeg: g.minElevationDeg,
    })),
    uplinkMinElevationDeg: s.radio.minElevationDeg,
  });
  const cover = await planCoverage({
    satellites: sats,
    grid,
    start: s.start,
    hours: s.hours,
    workers: 1,
    stepMs: 30_000,
    minElevationDeg: s.radio.minElevationDeg,
  });
  const chosen = new Set(pick);
  const twin: number[] = [],
    wait: number[] = [];
  for (const m of model.messages) {
    if (!chosen.has(m.terminal)) continue;
    if (Number.isFinite(m.txAt)) wait.push((m.txAt - m.createdAt) / 60_000);
    if (Number.isFinite(m.downlinkedAt)) twin.push((m.downlinkedAt - m.createdAt) / 60_000);
  }
  const t = summarize(twin),
    w = summarize(wait);
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return {
    meanMin: r2(plan.summary.meanMin),
    p50Min: r2(plan.summary.p50Min),
    p95Min: r2(plan.summary.p95Min),
    twinMeanMin: t.mean,
    twinP50Min: t.p50,
    twinP95Min: t.p95,
    waitMeanMin: r2(cover.summary.meanWaitMin),
    waitP95Min: r2(cover.summary.p95WaitMin),
    twinWaitMeanMin: w.mean,
    twinWaitP95Min: w.p95,
    note:
      `${pick.length} fixed terminals that wait for a satellite. Wait: the coverage plan's wait for the next ` +
      `contact. Latency to the first ground station: the plan's best route over every later pass is a lower ` +
      `bound; the twin's terminal sends once, to the satellites in view, which may reach a station late ` +
      `(docs/twin.md)`,
  };
}
