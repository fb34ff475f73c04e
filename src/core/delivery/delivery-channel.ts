import type { Bus } from '../ports/bus.js';
import type { Clock } from '../ports/clock.js';
import type { DeliveryStore, IntegrationKind, IntegrationRecord, PendingDelivery } from '../ports/delivery-store.js';
import type { Store } from '../ports/store.js';
import { DeliveryFanout } from './delivery-fanout.js';
import type { DeliveryPolicy } from './delivery-policy.js';
import { DeliveryWorker, type AttemptObservation, type AttemptResult } from './delivery-worker.js';
import type { IntegrationCatalog } from './integration-catalog.js';

/** What every delivery channel needs besides its own adapter. */
export interface DeliveryChannelDeps {
  readonly bus: Bus;
  readonly store: DeliveryStore;
  /**
   * Transactions over the whole store (the core's): queuing an event and recording it in the
   * consumer's inbox commit together. Without it (a delivery store alone, in tests) queuing relies
   * on the delivery ids alone, which a completed delivery no longer holds.
   */
  readonly atomically?: Store['atomically'];
  readonly catalog: IntegrationCatalog;
  readonly clock: Clock;
  readonly policy: DeliveryPolicy;
  readonly onError: (e: unknown) => void;
  /** Each attempt's outcome and duration, for metrics. */
  readonly onAttempt?: (a: AttemptObservation) => void;
  /**
   * An uplink event queued for an integration of this kind, ms after its message was ingested (metrics, benchmarks).
   */
  readonly onQueued?: (kind: IntegrationKind, sinceIngestMs: number) => void;
}

/**
 * One kind of integration (webhooks, MQTT brokers): a durable consumer that queues each event for
 * the integrations that want it (DeliveryFanout), and a worker that delivers the queue with retries
 * (DeliveryWorker). A channel only says how one delivery is sent.
 */
export abstract class DeliveryChannel {
  readonly worker: DeliveryWorker;
  readonly fanout: DeliveryFanout;

  protected constructor(kind: IntegrationKind, consumer: string, deps: DeliveryChannelDeps) {
    this.worker = new DeliveryWorker(
      kind,
      (i, d) => this.send(i, d),
      deps.store,
      deps.catalog,
      deps.clock,
      deps.policy,
      deps.onError,
      deps.onAttempt,
      deps.atomically,
    );
    this.fanout = new DeliveryFanout(
      kind,
      consumer,
      deps.bus,
      deps.store,
      deps.catalog,
      deps.clock,
      () => this.worker.wake(),
      deps.atomically,
      deps.onQueued ? (ms) => deps.onQueued!(kind, ms) : undefined,
    );
  }

  async start(): Promise<void> {
    await this.fanout.start();
    this.worker.start();
  }

  /** Stops queuing, then waits for the attempts in flight. */
  async stop(): Promise<void> {
    await this.fanout.stop();
    await this.worker.stop();
  }

  /** One attempt at one delivery. */
  abstract send(i: IntegrationRecord, d: PendingDelivery): Promise<AttemptResult>;
}
