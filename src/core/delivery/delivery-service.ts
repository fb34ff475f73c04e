import type { AttemptObservation } from './delivery-worker.js';
import type { KeyVault } from '../key-vault.js';
import type { Bus } from '../ports/bus.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { DeliveryStore, IntegrationKind, MessageDelivery } from '../ports/delivery-store.js';
import type { Store } from '../ports/store.js';
import type { IntegrationPublisher } from '../ports/integration-publisher.js';
import type { WebhookTransport } from '../ports/webhook-transport.js';
import { deliveryPolicy, type DeliveryPolicy } from './delivery-policy.js';
import { EventStreamHub } from './event-stream-hub.js';
import { IntegrationCatalog, type TenantLookup } from './integration-catalog.js';
import { MqttForwarder } from './mqtt-forwarder.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

export interface DeliveryDeps {
  readonly store: DeliveryStore;
  /** The core store's transactions (see DeliveryChannelDeps.atomically). */
  readonly atomically?: Store['atomically'];
  readonly bus: Bus;
  /** Seals webhook secrets and broker passwords (the core's vault: the same master key). */
  readonly vault: KeyVault;
  /** Integrations are made only for existing tenants (the core's Store). */
  readonly tenants: TenantLookup;
  readonly transport: WebhookTransport;
  readonly publisher: IntegrationPublisher;
  /**
   * Integrations may point at internal addresses (`satiot serve --allow-internal-delivery`, an
   * on-site receiver): the API then registers them for any key. Default false. The adapters
   * enforce it at every connection on their own (their `allowInternal`).
   */
  readonly allowInternal?: boolean;
  readonly clock?: Clock;
  /** Retries, time limits, disabling, concurrency (delivery-policy.ts defaults). */
  readonly policy?: Partial<DeliveryPolicy>;
  /** How long the delivery log keeps an attempt, ms (default 7 days; pruned hourly). */
  readonly logRetentionMs?: number;
  /**
   * Prune the log on this node's own timer (default true); false when the core's retention task does it, once per
   * cluster.
   */
  readonly pruneLog?: boolean;
  /** Failures of the background work (store errors): logged by the edge. Default: console.error. */
  readonly onError?: (e: unknown) => void;
  /** Each delivery attempt's outcome and duration (metrics). */
  readonly onAttempt?: (a: AttemptObservation) => void;
  /** Each uplink event queued for an integration, ms after its message was ingested (metrics, benchmarks). */
  readonly onQueued?: (kind: IntegrationKind, sinceIngestMs: number) => void;
  /** Cache of integrations for the consumers, ms (default 5 s; see IntegrationCatalog). */
  readonly cacheTtlMs?: number;
}

const PRUNE_EVERY_MS = 3_600_000;

/**
 * Delivery of events to applications, assembled: the integration catalogue, signed webhooks, the
 * MQTT forwarder, and the live event stream. Ingest never waits for any of it: the consumers only
 * queue, and each receiver's queue is worked on its own.
 */
export class DeliveryService {
  private pruneTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly store: DeliveryStore,
    private readonly publisher: IntegrationPublisher,
    private readonly transport: WebhookTransport,
    private readonly clock: Clock,
    private readonly onError: (e: unknown) => void,
    readonly catalog: IntegrationCatalog,
    readonly webhooks: WebhookDispatcher,
    readonly mqtt: MqttForwarder,
    readonly stream: EventStreamHub,
    /** Whether integrations may point at internal addresses (DeliveryDeps.allowInternal). */
    readonly allowsInternalTargets: boolean,
  ) {}

  /** Builds the parts without starting them (tests drive the workers with drain()). */
  static create(deps: DeliveryDeps): DeliveryService {
    const clock = deps.clock ?? systemClock;
    const policy = deliveryPolicy(deps.policy);
    const onError = deps.onError ?? ((e: unknown) => console.error('satiot delivery:', e));
    const catalog = new IntegrationCatalog(
      deps.store,
      deps.tenants,
      deps.vault,
      clock,
      deps.cacheTtlMs !== undefined ? { cacheTtlMs: deps.cacheTtlMs } : {},
    );
    const common = {
      bus: deps.bus,
      store: deps.store,
      catalog,
      clock,
      policy,
      onError,
      ...(deps.onAttempt ? { onAttempt: deps.onAttempt } : {}),
      ...(deps.atomically ? { atomically: deps.atomically } : {}),
      ...(deps.onQueued ? { onQueued: deps.onQueued } : {}),
    };
    return new DeliveryService(
      deps.store,
      deps.publisher,
      deps.transport,
      clock,
      onError,
      catalog,
      new WebhookDispatcher({ ...common, transport: deps.transport }),
      new MqttForwarder({ ...common, publisher: deps.publisher }),
      new EventStreamHub(deps.bus),
      deps.allowInternal === true,
    );
  }

  /** Builds and starts: the durable consumers subscribe (resuming where they stopped) and the workers run. */
  static async start(deps: DeliveryDeps): Promise<DeliveryService> {
    const s = DeliveryService.create(deps);
    await s.webhooks.start();
    await s.mqtt.start();
    if (deps.pruneLog !== false) {
      const retention = deps.logRetentionMs ?? 7 * 86_400_000;
      s.pruneTimer = setInterval(() => {
        s.store.pruneAttempts(s.clock.now() - retention).catch(s.onError);
      }, PRUNE_EVERY_MS);
      s.pruneTimer.unref();
    }
    return s;
  }

  /**
   * When each message was delivered, to which integrations: every id asked for is a key (an empty
   * list when nothing delivered it yet), each list in delivery order.
   */
  async deliveriesOf(messageIds: readonly string[]): Promise<Map<string, MessageDelivery[]>> {
    const out = new Map<string, MessageDelivery[]>(messageIds.map((id) => [id, []]));
    for (const d of await this.store.deliveriesOf(messageIds)) out.get(d.messageId)?.push(d);
    for (const list of out.values()) list.sort((a, b) => a.deliveredAt - b.deliveredAt);
    return out;
  }

  /** Stops the consumers and workers (attempts in flight finish), the live stream, and the MQTT connections. */
  async stop(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await Promise.all([this.webhooks.stop(), this.mqtt.stop()]);
    await this.stream.close();
    await this.publisher.close();
    await this.transport.close?.();
  }
}
