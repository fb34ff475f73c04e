import { Registry } from 'prom-client';
import type { Store } from './ports/store.js';
import type { Bus } from './ports/bus.js';
import { systemClock, type Clock } from './ports/clock.js';
import type { KeyVault } from './key-vault.js';
import { TerminalRegistry } from './terminal-registry.js';
import { Provisioning } from './provisioning.js';
import { IngestPipeline, type IngestOptions } from './ingest-pipeline.js';
import { IngestMetrics } from './ingest-metrics.js';

export interface CoreDeps {
  readonly store: Store;
  readonly bus: Bus;
  readonly vault: KeyVault;
  readonly clock?: Clock;
  /** Prometheus registry to register on (a fresh one by default). */
  readonly metrics?: Registry;
  readonly ingest?: IngestOptions;
}

/**
 * The network core assembled from its ports: registry (loaded from the store), provisioning and
 * the ingest pipeline. Edges (API, MQTT, CLI) hold one Core and nothing else of the domain.
 */
export class Core {
  private constructor(
    readonly store: Store,
    readonly bus: Bus,
    readonly clock: Clock,
    readonly registry: TerminalRegistry,
    readonly provisioning: Provisioning,
    readonly pipeline: IngestPipeline,
    readonly metrics: Registry,
  ) {}

  static async start(deps: CoreDeps): Promise<Core> {
    const clock = deps.clock ?? systemClock;
    const metrics = deps.metrics ?? new Registry();
    const registry = new TerminalRegistry(deps.store, deps.vault);
    await registry.load();
    const provisioning = new Provisioning(deps.store, registry, deps.vault, clock);
    const pipeline = new IngestPipeline(deps.store, deps.bus, registry, clock, new IngestMetrics(metrics), deps.ingest);
    return new Core(deps.store, deps.bus, clock, registry, provisioning, pipeline, metrics);
  }

  /** Closes the bus and the store (in that order: nothing is published after the store closes). */
  async close(): Promise<void> {
    await this.bus.close();
    await this.store.close();
  }
}
