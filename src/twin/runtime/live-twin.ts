import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Core } from '../../core/core.js';
import type { Scenario } from '../scenario/scenario.js';
import type { TwinClock } from './twin-clock.js';
import { openSession } from './twin-session.js';
import type { TwinEvent, TwinRunner, TwinStats } from './twin-runner.js';

export interface LiveTwinOptions {
  readonly scenario: Scenario;
  /** Started with `clock` (Core.start({ clock })). */
  readonly core: Core;
  readonly clock: TwinClock;
  readonly gateway: 'http' | 'inprocess';
  /** The server's address for the HTTP gateway, e.g. http://127.0.0.1:8080. */
  readonly baseUrl?: string;
  /** Keeps the twin's secret (station tokens, terminal keys) and progress; without it both live in memory. */
  readonly dataDir?: string;
  /** Wall time between steps, ms (default 1000). */
  readonly tickMs?: number;
  readonly onEvent?: (e: TwinEvent) => void;
  /** The server's Semtech UDP address: the scenario's terrestrial gateways forward to it. */
  readonly semtechUdp?: { readonly host: string; readonly port: number };
}

const SECRET_FILE = 'twin-secret';
const STATE_FILE = 'twin-state.json';

function loadSecret(dataDir: string | undefined): Uint8Array {
  if (!dataDir) return randomBytes(32);
  const path = join(dataDir, SECRET_FILE);
  if (existsSync(path)) return Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
  mkdirSync(dataDir, { recursive: true });
  const s = randomBytes(32);
  writeFileSync(path, `${s.toString('hex')}\n`, { mode: 0o600 });
  return s;
}

/** The simulated time the last live run in `dataDir` reached, to start the next one after it. */
/** The scenario whose twin a data folder holds (its saved state), if any. */
export function resumedScenario(dataDir: string): string | undefined {
  try {
    const n = (JSON.parse(readFileSync(join(dataDir, STATE_FILE), 'utf8')) as { scenario?: unknown }).scenario;
    return typeof n === 'string' ? n : undefined;
  } catch {
    return undefined;
  }
}

export function resumeStartAt(dataDir: string): number | undefined {
  try {
    const t = (JSON.parse(readFileSync(join(dataDir, STATE_FILE), 'utf8')) as { simTime?: unknown }).simTime;
    return typeof t === 'number' && Number.isFinite(t) ? t : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The twin running alongside a live core: provisions the scenario (idempotently), then every tick
 * advances the models to the clock's now and does what the ground segment does in that window.
 */
export class LiveTwin {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private last: number;
  private ticks = 0;

  private constructor(
    private readonly runner: TwinRunner,
    readonly clock: TwinClock,
    private readonly opts: LiveTwinOptions,
  ) {
    this.last = runner.stats.simTime;
  }

  static async start(opts: LiveTwinOptions): Promise<LiveTwin> {
    const from = opts.clock.now();
    const runner = await openSession({
      scenario: opts.scenario,
      core: opts.core,
      clock: opts.clock,
      secret: loadSecret(opts.dataDir),
      gateway: opts.gateway,
      ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
      from,
      keepMessages: false,
      endless: true,
      ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
      ...(opts.semtechUdp ? { semtechUdp: opts.semtechUdp } : {}),
    });
    const twin = new LiveTwin(runner, opts.clock, opts);
    twin.schedule();
    return twin;
  }

  /** Counters so far. */
  stats(): TwinStats {
    return { ...this.runner.stats, rejectedCodes: { ...this.runner.stats.rejectedCodes } };
  }

  /** What this start registered in the core (all zero when it resumed on the same data). */
  created(): { tenants: number; stations: number; gateways: number; terminals: number } {
    return { ...this.runner.provisioned.created };
  }

  /** The scenario's ground stations in the core, with the tokens the twin posts with. */
  stations(): Array<{ id: string; name: string; token: string }> {
    const p = this.runner.provisioned;
    return p.stations.map((s, i) => ({ id: s.id, name: s.name, token: p.tokens[i]! }));
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.opts.tickMs ?? 1000);
  }

  private async tick(): Promise<void> {
    const b = this.clock.now();
    if (b <= this.last) return;
    try {
      await this.runner.step(this.last, b);
    } catch (e) {
      this.opts.onEvent?.({ kind: 'error', message: (e as Error).message });
    }
    this.last = b;
    if (++this.ticks % 10 === 0) this.save();
  }

  private save(): void {
    if (!this.opts.dataDir) return;
    try {
      // Written aside and renamed: a crash mid-write never leaves a torn file (the simulated time must not go back).
      const file = join(this.opts.dataDir, STATE_FILE);
      writeFileSync(`${file}.tmp`, `${JSON.stringify({ scenario: this.opts.scenario.name, simTime: this.last })}\n`);
      renameSync(`${file}.tmp`, file);
    } catch (e) {
      this.opts.onEvent?.({ kind: 'error', message: `saving progress: ${(e as Error).message}` });
    }
  }

  /** Stops after the step in progress and saves progress (frames a station still holds are not posted). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    this.save();
    await this.runner.close();
  }
}
