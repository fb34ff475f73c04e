import { sql, type Kysely } from 'kysely';
import type { IngestWrite, Store, StoreTx } from '../../core/ports/store.js';
import type { AuditStore } from '../../core/ports/audit-store.js';
import type { ConstraintViolation, StoreCapabilities } from '../store-capabilities.js';
import type { StoreDatabase } from '../store-schema.js';
import { SurrogateKeys, type StoreContext } from './store-context.js';
import { KyselyTenantStore } from './tenant-store.js';
import { KyselyQuotaStore } from './quota-store.js';
import { KyselyApiKeyStore } from './api-key-store.js';
import { KyselyTerminalStore } from './terminal-store.js';
import { KyselyCounterStore } from './counter-store.js';
import { KyselyGroundStationStore } from './ground-station-store.js';
import { KyselySatelliteStore } from './satellite-store.js';
import { KyselyMessageStore } from './message-store.js';
import { KyselyTrafficStore } from './traffic-store.js';
import { KyselyUserCodecStore } from './user-codec-store.js';
import { KyselyRuleStore } from './rule-store.js';
import { KyselyAlarmStore } from './alarm-store.js';
import { KyselyDownlinkStore } from './downlink-store.js';
import { KyselyDeliveryStore } from './delivery-store.js';
import { KyselyRegistrationStore } from './registration-store.js';
import { KyselyAnomalyStore } from './anomaly-store.js';
import { KyselyDecisionStore } from './decision-store.js';
import { KyselyModelStore } from './model-store.js';
import { KyselyOutboxStore } from './outbox-store.js';
import { KyselyInboxStore } from './inbox-store.js';
import { KyselyDeadLetterStore } from './dead-letter-store.js';
import { KyselyLeaseStore } from './lease-store.js';
import { KyselyNodeStore } from './node-store.js';
import { KyselyLimitStore } from './limit-store.js';

/**
 * The Store both backends share: one Kysely repository per aggregate (a file each in this folder),
 * over the Kysely instance, capabilities and constraint-error reader a backend supplies. A backend
 * (sqlite/store.ts, postgres/store.ts) adds what differs: migrations, the ingest transaction, the
 * audit log's appends, closing.
 *
 * Every repository method is one statement (or reads only). Writes that must commit together go
 * through `atomically()`, which runs them on repositories bound to one transaction
 * (transaction-store.ts); on SQLite that transaction holds the one connection, and the synchronous
 * raw transactions (ingest, audit) wait for it like any other query.
 */
export abstract class KyselyStore implements Store {
  abstract readonly backend: 'sqlite' | 'postgres';

  get clusterable(): boolean {
    return this.caps.serverClock;
  }

  /** The surrogate keys this store (or this transaction) has seen (store-context.ts). */
  protected readonly keys: SurrogateKeys;

  readonly tenants: KyselyTenantStore;
  readonly quotas: KyselyQuotaStore;
  readonly apiKeys: KyselyApiKeyStore;
  readonly terminals: KyselyTerminalStore;
  readonly counters: KyselyCounterStore;
  readonly groundStations: KyselyGroundStationStore;
  readonly satellites: KyselySatelliteStore;
  readonly messages: KyselyMessageStore;
  readonly traffic: KyselyTrafficStore;
  readonly userCodecs: KyselyUserCodecStore;
  readonly rules: KyselyRuleStore;
  readonly alarms: KyselyAlarmStore;
  readonly downlinks: KyselyDownlinkStore;
  readonly deliveries: KyselyDeliveryStore;
  readonly registrations: KyselyRegistrationStore;
  /** Backend-specific: each backend serialises appends its own way. */
  abstract readonly audit: AuditStore;
  readonly anomalies: KyselyAnomalyStore;
  readonly decisions: KyselyDecisionStore;
  readonly models: KyselyModelStore;
  readonly outbox: KyselyOutboxStore;
  readonly inbox: KyselyInboxStore;
  readonly deadLetters: KyselyDeadLetterStore;
  readonly leases: KyselyLeaseStore;
  readonly nodes: KyselyNodeStore;
  readonly limits: KyselyLimitStore;

  protected constructor(
    protected readonly db: Kysely<StoreDatabase>,
    protected readonly caps: StoreCapabilities,
  ) {
    this.keys = new SurrogateKeys(db);
    const ctx: StoreContext = { db, caps, violation: (e) => this.constraintViolation(e), keys: this.keys };
    this.tenants = new KyselyTenantStore(ctx);
    this.quotas = new KyselyQuotaStore(ctx);
    this.apiKeys = new KyselyApiKeyStore(ctx);
    this.terminals = new KyselyTerminalStore(ctx);
    this.counters = new KyselyCounterStore(ctx);
    this.groundStations = new KyselyGroundStationStore(ctx);
    this.satellites = new KyselySatelliteStore(ctx);
    this.messages = new KyselyMessageStore(ctx);
    this.traffic = new KyselyTrafficStore(ctx);
    this.userCodecs = new KyselyUserCodecStore(ctx);
    this.rules = new KyselyRuleStore(ctx);
    this.alarms = new KyselyAlarmStore(ctx);
    this.downlinks = new KyselyDownlinkStore(db);
    this.deliveries = new KyselyDeliveryStore(db);
    this.registrations = new KyselyRegistrationStore(db);
    this.anomalies = new KyselyAnomalyStore(db);
    this.decisions = new KyselyDecisionStore(db);
    this.models = new KyselyModelStore(db);
    this.outbox = new KyselyOutboxStore(db);
    this.inbox = new KyselyInboxStore(db);
    this.deadLetters = new KyselyDeadLetterStore(db);
    this.leases = new KyselyLeaseStore(db, caps);
    this.nodes = new KyselyNodeStore(db, caps);
    this.limits = new KyselyLimitStore(db);
  }

  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db);
  }

  async atomically<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    let bound: KyselyStore | undefined;
    const out = await this.transaction((trx) => fn((bound = this.bind(trx))));
    // Surrogate keys the transaction looked up or created are known once it committed.
    if (bound) this.keys.adopt(bound.keys);
    return out;
  }

  /** Runs `fn` in one transaction of this backend on `trx`, a Kysely bound to it. */
  protected abstract transaction<T>(fn: (trx: Kysely<StoreDatabase>) => Promise<T>): Promise<T>;
  /** A view of this store whose queries run on `trx` (transaction-store.ts). */
  protected abstract bind(trx: Kysely<StoreDatabase>): KyselyStore;

  abstract migrate(): Promise<void>;
  abstract close(): Promise<void>;
  abstract commitIngest(w: IngestWrite): Promise<void>;
  /** Reads a driver error as a constraint violation of the schema, or undefined for anything else. */
  protected abstract constraintViolation(e: unknown): ConstraintViolation | undefined;
}
