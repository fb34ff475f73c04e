import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Core } from '../../core/core.js';
import { KeyVault } from '../../core/key-vault.js';
import { openStore } from '../../store/open-store.js';
import { openBus } from '../../bus/open-bus.js';
import type { Scenario } from '../scenario/scenario.js';
import { buildReport, type SimulationReport } from '../report/simulation-report.js';
import { TwinClock } from './twin-clock.js';
import { openSession } from './twin-session.js';
import type { TwinRunner } from './twin-runner.js';
import { SemtechUdpServer } from '../../api/semtech-udp/semtech-udp-server.js';
import { augursEngine } from '../../integrations/augurs-engine.js';
import { comparePlan } from '../report/plan-comparison.js';

export interface SimulateOptions {
  readonly scenario: Scenario;
  /** Overrides the scenario's span. */
  readonly hours?: number;
  /** Overrides the scenario's speed ('max' by default for batch runs). */
  readonly speed?: number | 'max';
  /** Simulated time per window (default 60 s): the ground → core hop is measured to this resolution. */
  readonly windowMs?: number;
  /**
   * After the span, keep running (no new messages) until everything is delivered or this many hours pass (default 12).
   */
  readonly tailHours?: number;
  /**
   * Folder for the throwaway core's SQLite file. Default: /dev/shm when there is one (a memory file
   * system: the core still commits every write, but no commit waits for a disk flush, which is
   * the run's limit on disk — docs/twin.md), else the system's temporary folder.
   */
  readonly tempRoot?: string;
  readonly onProgress?: (phase: 'provision' | 'simulate', done: number, total: number) => void;
  /** Called with the core and runner before they close (tests look into the store). */
  /** Also run the analytic latency plan for the scenario's fixed terminals and report both. */
  readonly comparePlan?: boolean;
  readonly inspect?: (core: Core, runner: TwinRunner) => Promise<void>;
}

const H = 3_600_000;

/**
 * A batch run: an embedded core (SQLite in a temporary directory, the in-memory bus, the twin's
 * clock), the scenario provisioned into it, the models advanced window by window with every frame
 * ingested through the core's pipeline; the report is built from the model's record of each
 * message and the core's acceptance times.
 */
export async function runSimulation(o: SimulateOptions): Promise<SimulationReport> {
  const scenario: Scenario = { ...o.scenario, ...(o.hours !== undefined ? { hours: o.hours } : {}) };
  const speed = o.speed ?? 'max';
  const windowMs = o.windowMs ?? 60_000;
  const dataDir = mkdtempSync(join(o.tempRoot ?? defaultTempRoot(), 'satiot-twin-'));
  const clock = new TwinClock(speed, scenario.start);
  const store = await openStore('sqlite', { dataDir });
  const bus = await openBus('memory');
  const core = await Core.start({
    store,
    bus,
    vault: new KeyVault(randomBytes(32)),
    clock,
    forecastEngine: augursEngine(),
  });
  const began = performance.now();
  // Terrestrial gateways speak Semtech UDP to the core over loopback, as real ones would over the network.
  const udp =
    scenario.terrestrialGateways.length > 0
      ? await SemtechUdpServer.start(core, { port: 0, host: '127.0.0.1', packetsPerSecond: 1e9 })
      : undefined;
  let runner: TwinRunner | undefined;
  try {
    runner = await openSession({
      scenario,
      core,
      clock,
      secret: randomBytes(32),
      gateway: 'inprocess',
      from: scenario.start,
      keepMessages: true,
      onProvision: (d, t) => o.onProgress?.('provision', d, t),
      ...(udp ? { semtechUdp: { host: '127.0.0.1', port: udp.address().port } } : {}),
    });
    const provisionSeconds = (performance.now() - began) / 1000;
    const model = runner.model;
    const end = scenario.start + scenario.hours * H;
    const hardEnd = end + (o.tailHours ?? 12) * H;
    const occupancy: SimulationReport['bufferOccupancy'] = [];
    const total = Math.ceil((end - scenario.start) / windowMs);
    let t = scenario.start,
      k = 0;
    while (t < hardEnd) {
      const b = t + windowMs;
      if (speed === 'max') clock.set(b);
      else await waitFor(clock, b);
      await runner.step(t, b);
      t = b;
      k++;
      if (k % 5 === 0 || t >= end)
        occupancy.push({ t, total: model.onBoard, maxSatellite: Math.max(...model.buffers.map((x) => x.size)) });
      if (t <= end) o.onProgress?.('simulate', Math.min(k, total), total);
      if (t >= end && model.waitingCount === 0 && model.onBoard === 0 && runner.outboxSize === 0) break;
    }
    let acknowledged = 0;
    for (const d of runner.downlinks.values())
      if ((await core.downlinks.get(d.id)).state === 'acknowledged') acknowledged++;
    if (o.inspect) await o.inspect(core, runner);
    const report = buildReport(
      model,
      runner,
      occupancy,
      { wallSeconds: (performance.now() - began) / 1000, provisionSeconds },
      acknowledged,
    );
    if (o.comparePlan) {
      const plan = await comparePlan(model, model.sky.satellites);
      if (plan) report.plan = plan;
    }
    return report;
  } finally {
    await runner?.close();
    await udp?.close();
    await core.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** /dev/shm when writable, else the system's temporary folder. */
export function defaultTempRoot(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

async function waitFor(clock: TwinClock, t: number): Promise<void> {
  const speed = clock.speed as number;
  while (clock.now() < t)
    await new Promise((r) => setTimeout(r, Math.max(1, Math.min(1000, (t - clock.now()) / speed))));
}
