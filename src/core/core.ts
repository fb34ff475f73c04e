import { Decisions } from './decisions.js';
import type { ForecastEngine } from '../learn/engine.js';
import { hostname } from 'node:os';
import { Registry } from 'prom-client';
import type { Store } from './ports/store.js';
import { nullAuditLog, type AuditLog } from './ports/audit-log.js';
import { RegistrationService, type RegistrationPolicy } from './registration.js';
import { MasterKeyRotation } from './key-rotation.js';
import type { Bus } from './ports/bus.js';
import { systemClock, type Clock } from './ports/clock.js';
import type { KeyVault } from './key-vault.js';
import { TerminalRegistry } from './terminal-registry.js';
import { Provisioning, type ProvisioningOptions } from './provisioning.js';
import { TerrestrialGateways } from './terrestrial-gateways.js';
import { IngestPipeline, type IngestOptions } from './ingest-pipeline.js';
import { IngestMetrics } from './ingest-metrics.js';
import { CodecCatalog } from './codec-catalog.js';
import { PayloadDecoder } from './payload-decoder.js';
import { RuleRunner } from './rule-runner.js';
import { ContactPlanOracle } from './contact-plan-oracle.js';
import { terminalNextMessage } from './next-message.js';
import type { TerminalRecord } from './model.js';
import type { NextMessageForecast } from '../learn/next-message.js';
import { DownlinkService, type DownlinkServiceOptions } from './downlink-service.js';
import { DownlinkContacts } from './downlink-contacts.js';
import { MovingTerminalContacts } from './moving-terminal-contacts.js';
import { QuotaService } from './quota-service.js';
import { RegistryQueries } from './registry-queries.js';
import { MessageQueries } from './message-queries.js';
import { needsAttention, type Attention } from './attention.js';
import type { IntegrationKind } from './ports/delivery-store.js';
import { SatelliteCatalog } from './satellite-records.js';
import { AccessControl } from './access-control.js';
import { DEFAULT_EMERGENCY_DOWNLINKS_PER_HOUR, EmergencyBudget } from './emergency-budget.js';
import type { SharedLimits } from './shared-limits.js';
import type { AnomalyReader } from './ports/anomaly-store.js';
import type { AuditReader } from './ports/audit-store.js';
import { DeliveryService } from './delivery/delivery-service.js';
import { EventMetrics } from './event-metrics.js';
import type { DeliveryPolicy } from './delivery/delivery-policy.js';
import type { WebhookTransport } from './ports/webhook-transport.js';
import type { IntegrationPublisher } from './ports/integration-publisher.js';
import type { PayloadCodec } from '../codecs/codec.js';
import type { UserCodecLimits } from '../codecs/user/user-codec.js';
import { BUILTIN_CODECS } from '../codecs/builtin-codecs.js';
import { EventWriter } from './event-writer.js';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';
import { LeaseKeeper, type LeaseKeeperOptions } from './lease-keeper.js';
import { Scheduler } from './scheduler.js';
import { RegistrySync } from './registry-sync.js';
import { DeadLetters } from './dead-letters.js';
import { Cluster, type NodeIdentity } from './cluster.js';
import { registerClusterMetrics } from './cluster-metrics.js';
import { UserCodecPool } from './user-codec-pool.js';
import { DECODER_CONSUMER } from './payload-decoder.js';
import { RULES_CONSUMER } from './rule-runner.js';
import { DOWNLINK_ACK_CONSUMER, DOWNLINK_REQUEST_CONSUMER } from './downlink-service.js';
import { WEBHOOK_CONSUMER } from './delivery/webhook-dispatcher.js';
import { MQTT_CONSUMER } from './delivery/mqtt-forwarder.js';
import { StationTokens } from './station-tokens.js';

/** Names of the leases the core's singleton work runs under (docs/cluster.md). */
export const LEASES = {
  relay: 'outbox-relay',
  silence: 'silence-sweep',
  downlinks: 'downlink-sweep',
  retention: 'retention',
} as const;

/** How long published events, consumers' inbox entries and delivery attempts are kept, ms. */
const OUTBOX_RETENTION_MS = 3_600_000;
const INBOX_RETENTION_MS = 8 * 86_400_000; // longer than the bus keeps events (7 days)
const DELIVERY_LOG_RETENTION_MS = 7 * 86_400_000;

export interface CoreDeps {
  readonly store: Store;
  readonly bus: Bus;
  readonly vault: KeyVault;
  readonly clock?: Clock;
  /** Prometheus registry to register on (a fresh one by default). */
  readonly metrics?: Registry;
  readonly ingest?: IngestOptions;
  /** Registration checks (terminals per DevAddr; src/core/provisioning.ts). */
  readonly provisioning?: ProvisioningOptions;
  /** Built-in payload codecs by name (default: all of src/codecs). */
  readonly codecs?: ReadonlyMap<string, PayloadCodec>;
  /** Emergency downlinks a tenant may queue per hour (default 20); false: no budget (src/core/emergency-budget.ts). */
  readonly emergencyDownlinksPerHour?: number | false;
  /** Limits of tenants' user codecs (default 100 ms, 16 MiB). */
  readonly userCodecLimits?: UserCodecLimits;
  readonly downlinks?: DownlinkServiceOptions;
  /**
   * Delivery to applications (webhooks, tenants' MQTT brokers, the live event stream) through these
   * adapters; without it, events stay on the bus.
   */
  readonly delivery?: {
    readonly transport: WebhookTransport;
    readonly publisher: IntegrationPublisher;
    readonly policy?: Partial<DeliveryPolicy>;
    readonly onError?: (e: unknown) => void;
    /** Integrations may point at internal addresses, for every key (DeliveryDeps.allowInternal); default false. */
    readonly allowInternal?: boolean;
    /**
     * Each uplink event queued for an integration, ms after ingest (default: the satiot_delivery_queued_seconds
     * metric).
     */
    readonly onQueued?: (kind: 'webhook' | 'mqtt', sinceIngestMs: number) => void;
  };
  /**
   * The numerical engine of forecast rule conditions (src/learn/engine.ts; the server passes augurs'
   * WebAssembly engine). Without it a forecast condition is unknown.
   */
  readonly forecastEngine?: ForecastEngine;
  /** Where security-relevant actions are recorded (src/supervision's hash-chained log); default: nowhere. */
  readonly audit?: AuditLog;
  /** Registration policy (src/core/registration.ts): tenants' terminals wait for review when set; default off. */
  readonly registration?: Partial<RegistrationPolicy>;
  /** This node (default: host name and process id). */
  readonly node?: Partial<NodeIdentity>;
  /**
   * Run the periodic work (silence and downlink sweeps, retention) on the core's clock, each on the
   * node holding its lease. Default false: tests and tools call the sweeps themselves; a server sets it.
   */
  readonly periodic?: boolean;
  readonly relay?: OutboxRelayOptions;
  readonly leases?: LeaseKeeperOptions;
  /** Background failures (relay, leases, sweeps): logged by the edge. Default: console.error. */
  readonly onError?: (e: unknown, what: string) => void;
}

/**
 * `keys` of a port, bound, in an object of their own: an edge handed it cannot reach the rest of the port, even by a
 * cast.
 */
function only<T extends object, K extends keyof T>(port: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, (port[k] as (...args: unknown[]) => unknown).bind(port)])) as Pick<
    T,
    K
  >;
}

/**
 * The network core assembled from its ports: registry (loaded from the store), provisioning and
 * the ingest pipeline. Edges (API, MQTT, CLI, twin, supervision) hold one Core and nothing else of
 * the domain, and reach storage only through its use cases: services for writes (they write their
 * events in the same transaction), query objects and read-only ports for reads.
 */
export class Core {
  private constructor(
    /**
     * The core's own wiring (and tests that built the store themselves). Edges never use it: a write
     * made here would skip the outbox and the registry-change events other nodes apply.
     */
    readonly store: Store,
    readonly bus: Bus,
    readonly clock: Clock,
    readonly registry: TerminalRegistry,
    readonly provisioning: Provisioning,
    readonly pipeline: IngestPipeline,
    readonly metrics: Registry,
    readonly codecs: CodecCatalog,
    readonly decoder: PayloadDecoder,
    readonly rules: RuleRunner,
    readonly contacts: ContactPlanOracle,
    readonly downlinks: DownlinkService,
    readonly delivery: DeliveryService | undefined,
    private readonly eventMetrics: EventMetrics,
    readonly audit: AuditLog = nullAuditLog,
    /** Terminal registration and lifecycle (src/core/registration.ts). */
    readonly registration: RegistrationService,
    /** Re-wraps sealed values under the current master key (src/core/key-rotation.ts). */
    readonly masterKey: MasterKeyRotation,
    /** State changes with their events in one transaction (the outbox). */
    readonly events: EventWriter,
    /** Publishes the outbox while this node holds its lease. */
    readonly relay: OutboxRelay,
    /** Singleton work's leases held by this node. */
    readonly leases: LeaseKeeper,
    /** Periodic work on the core's clock. */
    readonly scheduler: Scheduler,
    /** Other nodes' registry changes applied here. */
    readonly registrySync: RegistrySync,
    /** Events consumers gave up on; replays. */
    readonly deadLetters: DeadLetters,
    /** This node among the others. */
    readonly cluster: Cluster,
    /** Tenants, terminals, stations, satellites, user codecs and counters as stored. */
    readonly registryQueries: RegistryQueries,
    /** Stored messages, rejection tallies, usage and tracks. */
    readonly messageQueries: MessageQueries,
    /** Tenants' monthly quotas and what is used of them. */
    readonly quotas: QuotaService,
    /** Detected anomalies, read-only (the anomaly monitor saves them with their events). */
    readonly anomalies: AnomalyReader,
    /** The audit chain, read-only (listing, exports, verification); `audit` appends. */
    readonly auditRecords: AuditReader,
    /** Limits and lock-outs shared by the nodes; undefined when the store serves one node (SQLite). */
    readonly sharedLimits: SharedLimits | undefined,
    /** Terrestrial LoRa gateways, registered by EUI (src/core/terrestrial-gateways.ts). */
    readonly gateways: TerrestrialGateways,
    /** Automated decisions: rule actions under each tenant's policy (docs/intelligence.md). */
    readonly decisions: Decisions,
  ) {}

  static async start(deps: CoreDeps): Promise<Core> {
    const clock = deps.clock ?? systemClock;
    const metrics = deps.metrics ?? new Registry();
    const onError = deps.onError ?? ((e: unknown, what: string) => console.error(`satiot ${what}:`, e));
    const identity: NodeIdentity = {
      nodeId: deps.node?.nodeId ?? `${hostname()}:${process.pid}`,
      host: deps.node?.host ?? hostname(),
      pid: deps.node?.pid ?? process.pid,
      version: deps.node?.version ?? '0.1.0',
      startedAt: deps.node?.startedAt ?? Date.now(),
    };
    // What has started so far, undone in reverse when a later step fails (the store and the bus stay
    // the caller's to close then).
    const undo: Array<() => Promise<unknown> | unknown> = [];
    try {
      // Group commits, one at a time on SQLite (one writer), several side by side on PostgreSQL.
      const events = new EventWriter(deps.store, identity.nodeId, { concurrency: deps.store.clusterable ? 4 : 1 });
      const registry = new TerminalRegistry(deps.store, deps.vault, undefined, (e, devEui) =>
        onError(e, `loading terminal ${devEui}`),
      );
      await registry.load();
      const codecs = new CodecCatalog(deps.codecs ?? BUILTIN_CODECS, deps.store, deps.userCodecLimits);
      const provisioning = new Provisioning(deps.store, events, registry, deps.vault, clock, codecs, deps.provisioning);
      const ingestMetrics = new IngestMetrics(metrics);
      const registration = new RegistrationService(
        deps.store,
        events,
        registry,
        provisioning,
        deps.vault,
        clock,
        () => deps.audit ?? nullAuditLog,
        { reviewTenantRegistrations: deps.registration?.reviewTenantRegistrations ?? false },
      );
      await registration.load();
      const pipeline = new IngestPipeline(deps.store, registry, clock, ingestMetrics, deps.ingest, () =>
        events.written(),
      );
      // Tenants' codecs in worker threads, a tenant at a time per thread: a slow script never holds up the node or the
      // other tenants.
      const userCodecs = new UserCodecPool({ ...(deps.userCodecLimits ? { limits: deps.userCodecLimits } : {}) });
      undo.push(() => userCodecs.close());
      const decoder = new PayloadDecoder(events, deps.bus, registry, codecs, clock, ingestMetrics, userCodecs);
      const contacts = new ContactPlanOracle();
      contacts.setSatellites(await deps.store.satellites.list());
      const rules = new RuleRunner(deps.store, events, deps.bus, registry, clock, contacts);
      rules.nextMessage = (t) =>
        terminalNextMessage(deps.store, contacts, t, clock.now(), 0.8, () => recordsOf(registry));
      const eventMetrics = new EventMetrics(metrics, deps.bus);
      await eventMetrics.start();
      undo.push(() => eventMetrics.stop());
      // Rules' automatic downlinks obey the tenant's quota as customers' do; emergencies always go.
      const emergencies = new EmergencyBudget(
        deps.store.limits,
        events,
        () => deps.audit ?? nullAuditLog,
        deps.emergencyDownlinksPerHour ?? DEFAULT_EMERGENCY_DOWNLINKS_PER_HOUR,
        systemClock,
      );
      const quotas = new QuotaService(deps.store, clock, emergencies);
      const admitRequest = (tenantId: string, devEui: string, priority: 'normal' | 'emergency') =>
        quotas.admitDownlink({ tenantId, devEui, priority, actor: { kind: 'system', id: 'rules', tenantId } });
      const downlinks = new DownlinkService(
        deps.store,
        events,
        deps.bus,
        registry,
        clock,
        new MovingTerminalContacts(new DownlinkContacts(deps.store), deps.store, () => clock.now()),
        { admitRequest, ...deps.downlinks },
      );

      // Other nodes' registry changes, applied to what this node keeps in memory.
      const registrySync = new RegistrySync(deps.bus, identity.nodeId, (e) => onError(e, 'registry sync'));
      registrySync.on('terminal', async (e) => {
        // Re-read (a deleted terminal is forgotten by reload), then its declaration.
        const entry = await registry.reload(e.key!);
        if (entry) await registration.reload(entry.record.id);
      });
      const gateways = new TerrestrialGateways(deps.store, events, clock);
      registrySync.on('station', () => {
        gateways.forget();
      });
      registrySync.on('satellites', async () => contacts.setSatellites(await deps.store.satellites.list()));
      registrySync.on('rules', (e) => rules.invalidate(e.key!));
      await registrySync.start();
      undo.push(() => registrySync.stop());

      // Durable consumers subscribe before the relay starts: on a fresh bus nothing is published before they exist.
      await decoder.start();
      undo.push(() => decoder.dispose());
      await rules.start();
      undo.push(() => rules.stop());
      await downlinks.start();
      undo.push(() => downlinks.stop());
      const delivery = deps.delivery
        ? await DeliveryService.start({
            store: deps.store.deliveries,
            atomically: (fn) => events.run((tx) => fn(tx)),
            bus: deps.bus,
            vault: deps.vault,
            tenants: deps.store.tenants,
            clock,
            onAttempt: eventMetrics.observeAttempt,
            onQueued: eventMetrics.observeQueued,
            pruneLog: false,
            onError: (e: unknown) => onError(e, 'delivery'),
            ...deps.delivery,
          })
        : undefined;
      if (delivery) undo.push(() => delivery.stop());
      const deadLetters = new DeadLetters(deps.store.deadLetters);
      deadLetters.register(DECODER_CONSUMER, (m) => decoder.handle(m));
      deadLetters.register(RULES_CONSUMER, (m) => rules.handle(m));
      deadLetters.register(DOWNLINK_ACK_CONSUMER, (m) => downlinks.handleUplink(m));
      deadLetters.register(DOWNLINK_REQUEST_CONSUMER, (m) => downlinks.handleRequest(m));
      if (delivery) {
        deadLetters.register(WEBHOOK_CONSUMER, (m) => delivery.webhooks.fanout.handle(m));
        deadLetters.register(MQTT_CONSUMER, (m) => delivery.mqtt.fanout.handle(m));
      }

      // With several writers (PostgreSQL) a transaction may commit after a later one's events were
      // relayed: the relay looks again from the oldest unpublished event four times a second. One
      // writer (SQLite) commits in order, and a rare look suffices.
      const relay = new OutboxRelay(deps.store.outbox, deps.bus, {
        rescanMs: deps.store.clusterable ? 250 : 5_000,
        onError: (e) => onError(e, 'outbox relay'),
        ...deps.relay,
        onPublished: ingestMetrics.observeRelayed,
        mayPublish: () => leases.holds(LEASES.relay),
      });
      events.onEvents(() => relay.wake());
      const leases = new LeaseKeeper(deps.store.leases, identity.nodeId, { onError, ...deps.leases });
      leases.hold(LEASES.relay, { start: () => relay.start(), stop: () => relay.stop() });
      const scheduler = new Scheduler(clock, { onError: (e, task) => onError(e, task) });
      if (deps.periodic) {
        leases.hold(LEASES.silence);
        leases.hold(LEASES.downlinks);
        leases.hold(LEASES.retention);
        scheduler.every(LEASES.silence, 5 * 60_000, () => rules.sweepSilence(), {
          when: () => leases.holds(LEASES.silence),
        });
        scheduler.every(LEASES.downlinks, 60_000, () => downlinks.sweep(), {
          when: () => leases.holds(LEASES.downlinks),
        });
        scheduler.every(
          LEASES.retention,
          3_600_000,
          async () => {
            const now = Date.now();
            await deps.store.outbox.prune(now - OUTBOX_RETENTION_MS);
            await deps.store.inbox.prune(now - INBOX_RETENTION_MS);
            await deps.store.limits.prune(now);
            if (delivery) await deps.store.deliveries.pruneAttempts(clock.now() - DELIVERY_LOG_RETENTION_MS);
          },
          { when: () => leases.holds(LEASES.retention), firstAfterMs: 60_000 },
        );
      }
      await leases.start();
      undo.push(() => leases.stop());
      scheduler.start();
      undo.push(() => scheduler.stop());
      const cluster = new Cluster(identity, deps.store, deps.bus, leases, relay, {
        onError: (e) => onError(e, 'heartbeat'),
      });
      await cluster.start();
      undo.push(() => cluster.stop());
      registerClusterMetrics(metrics, cluster);

      const decisions = new Decisions(deps.store, events, downlinks, clock, () => deps.audit ?? nullAuditLog);
      downlinks.onRequestRefused = (id, code, message) => decisions.refused(id, code, message);
      rules.decisions = decisions;
      rules.engine = deps.forecastEngine;
      const masterKey = new MasterKeyRotation(
        deps.store,
        registry,
        registration,
        deps.vault,
        clock,
        () => deps.audit ?? nullAuditLog,
      );
      return new Core(
        deps.store,
        deps.bus,
        clock,
        registry,
        provisioning,
        pipeline,
        metrics,
        codecs,
        decoder,
        rules,
        contacts,
        downlinks,
        delivery,
        eventMetrics,
        deps.audit ?? nullAuditLog,
        registration,
        masterKey,
        events,
        relay,
        leases,
        scheduler,
        registrySync,
        deadLetters,
        cluster,
        new RegistryQueries(deps.store),
        new MessageQueries(
          deps.store,
          new SatelliteCatalog(
            () => deps.store.satellites.list(),
            () => clock.now(),
          ),
        ),
        quotas,
        only(deps.store.anomalies, ['list']),
        only(deps.store.audit, ['head', 'range', 'seqRange', 'checkpoints', 'list']),
        deps.store.clusterable ? only(deps.store.limits, ['hit', 'lock', 'lockedUntil']) : undefined,
        gateways,
        decisions,
      );
    } catch (e) {
      for (const u of undo.reverse())
        await Promise.resolve()
          .then(u)
          .catch(() => undefined);
      throw e;
    }
  }

  private tokens: StationTokens | undefined;

  /** Ground stations' tokens: rotation and revocation, audited, refused on every node from the commit on. */
  get stationTokens(): StationTokens {
    return (this.tokens ??= new StationTokens(this.store, this.events, this.clock, () => this.audit));
  }

  /**
   * API keys and what they may do, on this core's store, clock and events (a key's revocation
   * reaches the other nodes). Built per application: the bootstrap key and the regulator policy are
   * the deployment's, not the core's.
   */
  accessControl(bootstrapKeyHash: string, regulatorSeesPayloads = false): AccessControl {
    return new AccessControl(this.store, this.clock, bootstrapKeyHash, regulatorSeesPayloads, this.events);
  }

  /** Resolves when the store answers a trivial query (readiness); throws when it does not. */
  ping(): Promise<void> {
    return this.store.ping();
  }

  /** Resolves once every event written so far has been published (tests, benchmarks). */
  async flush(timeoutMs?: number): Promise<void> {
    await this.relay.drained(timeoutMs);
  }

  /** Loads satellites (TLE text or OMM records) into the catalogue and the contact plan the rules use. */
  async loadSatellites(input: { tle?: string; omm?: unknown }): ReturnType<Provisioning['loadSatellites']> {
    const out = await this.provisioning.loadSatellites(input);
    if (out.loaded.length > 0) this.contacts.setSatellites(await this.store.satellites.list());
    return out;
  }

  /**
   * What needs a person now (core/attention.ts), for one tenant or all; `reviews`: the key may
   * review registrations (operators), so pending ones are listed; `integrations`: it may read the
   * tenant's integrations, so disabled and failing ones are.
   */
  attention(tenantId: string | undefined, o: { reviews: boolean; integrations: boolean }): Promise<Attention> {
    const delivery = this.delivery;
    return needsAttention(
      {
        alarms: (q) => this.rules.alarms(q),
        rule: (id) => this.rules.get(id),
        decisions: (q) => this.decisions.list(q),
        ...(o.reviews
          ? { reviewQueue: (q: { tenantId?: string; limit: number }) => this.registration.reviewQueue(q) }
          : {}),
        ...(delivery && o.integrations
          ? { integrations: (kind: IntegrationKind, t?: string) => delivery.catalog.list(kind, t) }
          : {}),
        expiringDownlinks: (q) => this.store.downlinks.listExpiring(q),
        now: () => this.clock.now(),
        terminalName: (devEui) => this.registry.byDevEui(devEui)?.record.name,
      },
      tenantId,
    );
  }

  /**
   * The stored satellites by the ids receptions name them with (one cache for every reader: the series, the anomaly
   * monitor).
   */
  get satellites(): SatelliteCatalog {
    return this.messageQueries.satellites;
  }

  /**
   * When the terminal's next message should reach the core (src/core/next-message.ts), as of now on the core's clock.
   */
  nextMessage(t: TerminalRecord, level?: number): Promise<NextMessageForecast> {
    return terminalNextMessage(this.store, this.contacts, t, this.clock.now(), level, () => recordsOf(this.registry));
  }

  /**
   * Stops cleanly: the periodic work, then the leased work (the relay publishes what is in flight
   * and gives its lease up, so another node takes over at once), the consumers, the registry sync,
   * and closes the bus and the store (in that order: nothing is published after the store closes).
   * Events not yet published stay in the outbox for the next relay.
   */
  async close(): Promise<void> {
    await this.scheduler.stop();
    await this.leases.stop();
    await this.decoder.dispose();
    await this.rules.stop();
    await this.downlinks.stop();
    await this.delivery?.stop();
    await this.eventMetrics.stop();
    await this.registrySync.stop();
    await this.cluster.stop();
    await this.bus.close();
    await this.store.close();
  }
}

/** The registry's terminal records, lazily (the pooled prior's peers). */
function* recordsOf(registry: TerminalRegistry): Iterable<TerminalRecord> {
  for (const e of registry.all()) yield e.record;
}
