/**
 * The digital twin: simulates the space, radio and ground segments of a scenario and drives a real
 * Core through the Gateway API a ground station uses (docs/twin.md).
 *
 * Public API (stable; `satiot demo` and `satiot simulate` build on it):
 *
 *   loadScenario(nameOrPath: string, opts?: { start?: number }): Scenario
 *       'china-trial' (built in) or a YAML/JSON file; SCENARIO_INVALID names the bad field's path.
 *
 *   createTwinClock(speed: number | 'max', startAt?: number): TwinClock      (TwinClock implements Clock)
 *       Pass it to Core.start({ clock }) before LiveTwin.start: simulated time = startAt + wall × speed.
 *   resumeStartAt(dataDir: string): number | undefined
 *       Simulated time the last live run in dataDir reached, so a second start resumes after it:
 *       createTwinClock(60, Math.max(Date.now(), resumeStartAt(dataDir) ?? 0)).
 *       The core must be opened with the same master key (terminal keys are sealed under it).
 *
 *   LiveTwin.start(opts: LiveTwinOptions): Promise<LiveTwin>
 *     opts = { scenario: Scenario; core: Core; clock: TwinClock;            // the clock the core was started with
 * gateway: 'http' | 'inprocess'; baseUrl?: string; // baseUrl required for 'http' (e.g. http://127.0.0.1:8080)
 * dataDir?: string; // keeps the twin secret (station tokens, terminal keys) and its progress
 *              tickMs?: number;                                             // wall time between steps (default 1000)
 *              onEvent?: (e: TwinEvent) => void }                           // window / downlink / error events
 *     Provisions idempotently (tenants by name, ground stations by name, satellites, terminals by
 *     DevEUI — all derived from the scenario seed and the secret in dataDir, so a second start on
 *     the same data resumes), then runs paced by the clock until stop().
 *   twin.clock: TwinClock;  twin.stats(): TwinStats;  twin.stations(): Array<{ id, name, token }>;
 *   twin.created(): { tenants, stations, gateways, terminals }   (what this start registered; zeros on a resume)
 *   twin.stop(): Promise<void>     (stops the loop, posts what ground stations hold, saves progress)
 *
 *   runSimulation(opts: SimulateOptions): Promise<SimulationReport>   batch run on an embedded core (satiot simulate)
 */
export type {
  Scenario,
  Fleet,
  TenantSpec,
  GroundStationSpec,
  RadioSpec,
  SatelliteSpec,
  Mobility,
  Traffic,
  Protocol,
} from './scenario/scenario.js';
export { loadScenario, BUILTIN_SCENARIOS } from './scenario/load-scenario.js';
export { parseScenario, DEFAULT_RADIO, DEFAULT_SATELLITE } from './scenario/parse-scenario.js';
export { TwinClock, createTwinClock } from './runtime/twin-clock.js';
export { LiveTwin, resumeStartAt, resumedScenario, type LiveTwinOptions } from './runtime/live-twin.js';
export type { TwinEvent, TwinStats } from './runtime/twin-runner.js';
export { runSimulation, type SimulateOptions } from './runtime/run-simulation.js';
export type { SimulationReport } from './report/simulation-report.js';
