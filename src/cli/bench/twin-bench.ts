import { CHINA_GROUND_STATIONS } from '../../plan/ground-station.js';
import { loadScenario } from '../../twin/scenario/load-scenario.js';
import { runSimulation } from '../../twin/runtime/run-simulation.js';
import type { Fleet, Scenario } from '../../twin/scenario/scenario.js';
import type { SimulationReport } from '../../twin/report/simulation-report.js';

export interface TwinBenchOptions {
  satellites: number;
  terminals: number;
  hours: number;
  /** Scheduled reports per terminal per day (events add a quarter more). */
  messagesPerDay: number;
  start: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface TwinBenchResult {
  wallSeconds: number;
  /** CPU seconds of this process (user + system): the wall time on an otherwise idle machine is close to it. */
  cpuSeconds: number;
  simulatedSeconds: number;
  speedup: number;
  peakRssMb: number;
  delivered: number;
  generated: number;
  framesPosted: number;
  deliveryRatio: number;
  provisionSeconds: number;
  simulateSeconds: number;
  framesPerWallSecond: number;
  satellites: number;
  terminals: number;
  groundStations: number;
  latencyMin: SimulationReport['latencyMin'];
  lostCollision: number;
  lostBuffer: number;
}

/** A Walker design of about `n` satellites at 53°, 550 km: the plane count the divisor of n nearest √n. */
export function walkerFor(n: number): string {
  let p = 1;
  for (let d = 1; d <= n; d++) if (n % d === 0 && Math.abs(d - Math.sqrt(n)) < Math.abs(p - Math.sqrt(n))) p = d;
  return `53:${n}/${p}/1`;
}

/**
 * `china-trial` scaled: its fleets in their proportions up to `terminals`, a Walker constellation
 * of `satellites`, the ten built-in Chinese ground stations, `messagesPerDay` scheduled reports per
 * terminal (events keep their share), run at full speed through the in-process gateway into SQLite.
 */
export function benchScenario(
  o: Pick<TwinBenchOptions, 'satellites' | 'terminals' | 'hours' | 'messagesPerDay' | 'start'>,
): Scenario {
  const base = loadScenario('china-trial', { start: o.start });
  const total = base.tenants.reduce((n, t) => n + t.fleets.reduce((m, f) => m + f.count, 0), 0);
  let left = o.terminals;
  const fleets = base.tenants.flatMap((t) => t.fleets);
  const scaled = new Map<Fleet, number>();
  fleets.forEach((f, i) => {
    const c = i === fleets.length - 1 ? left : Math.round((f.count / total) * o.terminals);
    scaled.set(f, Math.min(c, left));
    left -= Math.min(c, left);
  });
  return {
    ...base,
    name: `bench-${o.satellites}x${o.terminals}`,
    hours: o.hours,
    speed: 'max',
    constellation: { walker: { design: walkerFor(o.satellites), altitudeKm: 550 } },
    groundStations: CHINA_GROUND_STATIONS.map((g) => ({
      id: g.id,
      name: g.name,
      lat: g.latDeg,
      lon: g.lonDeg,
      altM: g.altM,
      minElevationDeg: g.minElevationDeg,
    })),
    tenants: base.tenants.map((t) => ({
      ...t,
      fleets: t.fleets.map((f) => ({
        ...f,
        count: scaled.get(f)!,
        traffic: {
          ...f.traffic,
          periodMinutes: Math.round(1440 / o.messagesPerDay),
          eventsPerDay: Math.min(f.traffic.eventsPerDay, o.messagesPerDay / 4),
          downlinksPerDay: 0,
        },
      })),
    })),
  };
}

export async function runTwinBench(o: TwinBenchOptions): Promise<TwinBenchResult> {
  const scenario = benchScenario(o);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await runSimulation({ scenario, tailHours: 2, ...(o.onProgress ? { onProgress: o.onProgress } : {}) });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const simulated = o.hours * 3600;
  return {
    wallSeconds: round(wall),
    cpuSeconds: round((cpu.user + cpu.system) / 1e6),
    simulatedSeconds: simulated,
    speedup: Math.round(simulated / wall),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    delivered: r.delivered,
    generated: r.generated,
    framesPosted: r.framesPosted,
    deliveryRatio: r.deliveryRatio,
    provisionSeconds: r.provisionSeconds,
    simulateSeconds: round(wall - r.provisionSeconds),
    framesPerWallSecond: Math.round(r.framesPosted / Math.max(1e-9, wall - r.provisionSeconds)),
    satellites: r.satellites,
    terminals: r.terminals,
    groundStations: r.groundStations,
    latencyMin: r.latencyMin,
    lostCollision: r.lostCollision,
    lostBuffer: r.lostBuffer,
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
