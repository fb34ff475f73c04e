import { Registry } from 'prom-client';
import type { Store } from './ports/store.js';
import { nullAuditLog, type AuditLog } from './ports/audit-log.js';
import { RegistrationService, type RegistrationPolicy } from './registration.js';
import { MasterKeyRotation } from './key-rotation.js';
import type { Bus } from './ports/bus.js';
import { systemClock, type Clock } from './ports/clock.js';
import type { KeyVault } from './key-vault.js';
import { TerminalRegistry } from './terminal-registry.js';
import { Provisioning } from './provisioning.js';
import { IngestPipeline, type IngestOptions } from './ingest-pipeline.js';
import { IngestMetrics } from './ingest-metrics.js';
import { CodecCatalog } from './codec-catalog.js';
import { PayloadDecoder } from './payload-decoder.js';
import { RuleRunner } from './rule-runner.js';
import { ContactPlanOracle } from './contact-plan-oracle.js';
import { DownlinkService, type DownlinkServiceOptions } from './downlink-service.js';
import { DownlinkContacts } from './downlink-contacts.js';
import { MovingTerminalContacts } from './moving-terminal-contacts.js';
import { quotaStatus } from './quota-status.js';
import { DeliveryService } from './delivery/delivery-service.js';
import { EventMetrics } from './event-metrics.js';
import type { DeliveryPolicy } from './delivery/delivery-policy.js';
import type { WebhookTransport } from './ports/webhook-transport.js';
import type { IntegrationPublisher } from './ports/integration-publisher.js';
import type { PayloadCodec } from '../codecs/codec.js';
import type { UserCodecLimits } from '../codecs/user/user-codec.js';
import { BUILTIN_CODECS } from '../codecs/builtin-codecs.js';

export interface CoreDeps {
  readonly store: Store;
  readonly bus: Bus;
  readonly vault: KeyVault;
  readonly clock?: Clock;
  /** Prometheus registry to register on (a fresh one by default). */
  readonly metrics?: Registry;
  readonly ingest?: IngestOptions;
  /** Built-in payload codecs by name (default: all of src/codecs). */
  readonly codecs?: ReadonlyMap<string, PayloadCodec>;
  /** Limits of tenants' user codecs (default 100 ms, 16 MiB). */
  readonly userCodecLimits?: UserCodecLimits;
  readonly downlinks?: DownlinkServiceOptions;
  /**
   * Delivery to applications (webhooks, tenants' MQTT brokers, the live event stream) through these
   * adapters; without it, events stay on the bus.
   */
  readonly delivery?: { readonly transport: WebhookTransport; readonly publisher: IntegrationPublisher; readonly policy?: Partial<DeliveryPolicy>; readonly onError?: (e: unknown) => void };
  /** Where security-relevant actions are recorded (src/supervision's hash-chained log); default: nowhere. */
  readonly audit?: AuditLog;
  /** Registration policy (src/core/registration.ts): tenants' terminals wait for review when set; default off. */
  readonly registration?: Partial<RegistrationPolicy>;
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
  ) {}

  static async start(deps: CoreDeps): Promise<Core> {
    const clock = deps.clock ?? systemClock;
    const metrics = deps.metrics ?? new Registry();
    const registry = new TerminalRegistry(deps.store, deps.vault);
    await registry.load();
    const codecs = new CodecCatalog(deps.codecs ?? BUILTIN_CODECS, deps.store, deps.userCodecLimits);
    const provisioning = new Provisioning(deps.store, registry, deps.vault, clock, codecs);
    const ingestMetrics = new IngestMetrics(metrics);
    const registration = new RegistrationService(deps.store, registry, provisioning, deps.vault, clock, () => deps.audit ?? nullAuditLog, { reviewTenantRegistrations: deps.registration?.reviewTenantRegistrations ?? false });
    await registration.load();
    const pipeline = new IngestPipeline(deps.store, deps.bus, registry, clock, ingestMetrics, deps.ingest);
    const decoder = new PayloadDecoder(deps.store, deps.bus, registry, codecs, clock, ingestMetrics);
    const contacts = new ContactPlanOracle();
    contacts.setSatellites(await deps.store.listSatellites());
    const rules = new RuleRunner(deps.store, deps.bus, registry, clock, contacts);
    const eventMetrics = new EventMetrics(metrics, deps.bus);
    await eventMetrics.start();
    // Rules' automatic downlinks obey the tenant's quota as customers' do; emergencies always go.
    const admitRequest = async (tenantId: string, priority: 'normal' | 'emergency') => priority === 'emergency' || !(await quotaStatus(deps.store, tenantId, clock.now())).refusesDownlinks;
    const downlinks = new DownlinkService(deps.store.downlinks, deps.bus, registry, clock, new MovingTerminalContacts(new DownlinkContacts(deps.store), deps.store, () => clock.now()), { admitRequest, ...deps.downlinks });
    await decoder.start();
    await rules.start();
    await downlinks.start();
    const delivery = deps.delivery
      ? await DeliveryService.start({ store: deps.store.deliveries, bus: deps.bus, vault: deps.vault, tenants: deps.store, clock, onAttempt: eventMetrics.observeAttempt, ...deps.delivery })
      : undefined;
    const masterKey = new MasterKeyRotation(deps.store, registry, registration, deps.vault, clock, () => deps.audit ?? nullAuditLog);
    return new Core(deps.store, deps.bus, clock, registry, provisioning, pipeline, metrics, codecs, decoder, rules, contacts, downlinks, delivery, eventMetrics, deps.audit ?? nullAuditLog, registration, masterKey);
  }

  /** Loads satellites (TLE text or OMM records) into the catalogue and the contact plan the rules use. */
  async loadSatellites(input: { tle?: string; omm?: unknown }): ReturnType<Provisioning['loadSatellites']> {
    const out = await this.provisioning.loadSatellites(input);
    if (out.loaded.length > 0) this.contacts.setSatellites(await this.store.listSatellites());
    return out;
  }

  /**
   * Stops the decoder, the rules and the downlink service, then closes the bus and the store (in that order: nothing is published
   * after the store closes).
   */
  async close(): Promise<void> {
    await this.decoder.stop();
    await this.rules.stop();
    await this.downlinks.stop();
    await this.delivery?.stop();
    await this.eventMetrics.stop();
    await this.bus.close();
    await this.store.close();
  }
}
