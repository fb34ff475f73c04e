import type { Alarm, AlarmState, Rule, RuleState } from '../../rules/index.js';
import type { AuditStore } from './audit-store.js';
import type { AnomalyStore } from './anomaly-store.js';
import type { DecisionStore } from './decision-store.js';
import type { ModelStore } from './model-store.js';
import type { DownlinkStore } from './downlink-store.js';
import type { DeliveryStore } from './delivery-store.js';
import type { RegistrationStore } from './registration-store.js';
import type { Page, UsageRow } from './page.js';
import type { OutboxEvent, OutboxStore } from './outbox-store.js';
import type { InboxStore } from './inbox-store.js';
import type { DeadLetterStore } from './dead-letter-store.js';
import type { LeaseStore } from './lease-store.js';
import type { NodeStore } from './node-store.js';
import type { LimitStore } from './limit-store.js';
import type {
  ApiKeyRecord,
  GatewayStatus,
  GeoPoint,
  TerminalProfile,
  TenantQuota,
  GroundStationRecord,
  MessageDecode,
  MessageRecord,
  MessageWithReceptions,
  Reception,
  RejectionCode,
  SatelliteRecord,
  Tenant,
  TerminalCounters,
  TerminalRecord,
  UserCodecRecord,
  ReportedPosition,
} from '../model.js';

/** What one ingest batch writes, in one transaction. */
export interface IngestWrite {
  /** First copies: inserted; a message whose id already exists is left as it is (idempotent). */
  readonly newMessages: readonly MessageRecord[];
  /** Every accepted copy (new and duplicate); an identical reception already stored is ignored. */
  readonly receptions: readonly Reception[];
  /** Duplicates that carry an earlier capture or downlink time: the message keeps the minimum. */
  readonly earlierTimes: ReadonlyArray<{
    readonly messageId: string;
    readonly capturedAt: number;
    readonly downlinkedAt: number;
  }>;
  /**
   * New counter states, each with the version it was derived from (`expectedVersion`; −1 when no
   * row existed). A row whose stored version differs makes the whole write fail with
   * CounterConflictError and change nothing.
   */
  readonly counters: ReadonlyArray<{ readonly state: TerminalCounters; readonly expectedVersion: number }>;
  /** Rejections to add to the per-station, per-code tallies (and to those of the hour of `at`). */
  readonly rejections: ReadonlyArray<{
    readonly stationId: string;
    readonly code: RejectionCode;
    readonly count: number;
  }>;
  /** The core's clock when the batch was decided: the hour its rejections are counted in (default: now). */
  readonly at?: number;
  /**
   * With `uplinkEvents`, each new message's `uplink` event (core/events/uplink-event.ts:
   * uplinkOutboxEvent) is written to the outbox too, in message order, ahead of `events` — built
   * where the write runs (on SQLite, the writer thread) instead of by the caller, and only for the
   * messages this write stores (one already stored, by a retry or another node, has its event): the
   * outbox does not index uplink event ids a second time (store/outbox-unique-ids.ts).
   */
  readonly uplinkEvents?: boolean;
  /** Other events of the batch (rejections, reception summaries), written to the outbox in the same transaction. */
  readonly events?: readonly OutboxEvent[];
  /** `created_at` of those events (default: the newest ingestedAt, else now). */
  readonly eventsAt?: number;
}

/**
 * A terminal named by an ingest write is gone from the store (deleted, or deleted and registered
 * again under a new id, through another node): the write changed nothing, and the caller reloads
 * those terminals and decides the batch again.
 */
export class StaleTerminalError extends Error {
  override readonly name = 'StaleTerminalError';
  constructor(readonly terminalIds: readonly string[]) {
    super(`${terminalIds.length} terminal(s) of the batch are no longer in the store`);
  }
}

/**
 * An ingest write was handed over while an earlier one was still being committed, and that one
 * failed: this one, decided on top of it, was not written (Store.ingestInOrder).
 */
export class PredecessorFailedError extends Error {
  override readonly name = 'PredecessorFailedError';
  constructor() {
    super('an earlier ingest write this one was handed over behind failed; it was not written');
  }
}

export class CounterConflictError extends Error {
  override readonly name = 'CounterConflictError';
  constructor(readonly terminalIds: readonly string[]) {
    super(`counter state changed concurrently for ${terminalIds.length} terminal(s)`);
  }
}

export type { Page, UsageRow } from './page.js';

export interface MessageQuery {
  readonly terminalId: string;
  /** Page size, 1..1000. */
  readonly limit: number;
  readonly cursor?: string;
  /** Inclusive capturedAt range, ms. */
  readonly from?: number;
  readonly to?: number;
  readonly fPort?: number;
}

/**
 * The store port. Two adapters implement it with the same behaviour (one suite runs against
 * both): SQLite (embedded default) and PostgreSQL (scale-out). A duplicate DevEUI is SatiotError
 * TERMINAL_EXISTS; other duplicate keys INVALID_ARGUMENT; an unknown tenant TENANT_NOT_FOUND.
 */
export interface Store {
  readonly backend: 'sqlite' | 'postgres';
  /** Several nodes can share this store (PostgreSQL): limits and lock-outs are kept in it then. SQLite serves one node. */
  readonly clusterable: boolean;
  /** Creates or upgrades the schema; safe to call on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** Resolves when the store answers a trivial query (readiness); throws when it does not. */
  ping(): Promise<void>;

  /**
   * Runs `fn` in one transaction over a view of this store bound to it: every write made through
   * `tx` (its sub-stores and outbox included) commits together when `fn` resolves, or not at all
   * when it throws. Use only `tx` inside `fn` — on SQLite the transaction holds the one connection
   * — and do nothing slow there (a codec, a network call): work first, then write.
   */
  atomically<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;

  createTenant(t: Tenant): Promise<void>;
  getTenant(id: string): Promise<Tenant | undefined>;
  listTenants(): Promise<Tenant[]>;

  /** Fails with TERMINAL_EXISTS when the devEui is taken. */
  createTerminal(t: TerminalRecord): Promise<void>;
  /**
   * Inserts many terminals with multi-row statements (bulk provisioning); all or nothing within the
   * caller's transaction. Fails with TERMINAL_EXISTS when a devEui is taken, without saying which.
   */
  createTerminals(ts: readonly TerminalRecord[]): Promise<void>;
  getTerminalByDevEui(devEui: string): Promise<TerminalRecord | undefined>;
  /** Every terminal (the core keeps the registry in memory). */
  listAllTerminals(): Promise<TerminalRecord[]>;
  /** The terminals that have one of these DevAddrs (lower-case hex). */
  terminalsByDevAddr(devAddrs: readonly string[]): Promise<TerminalRecord[]>;
  /** The Iridium terminal with this IMEI, if one is registered. */
  terminalByImei(imei: string): Promise<TerminalRecord | undefined>;
  listTerminals(q: { tenantId?: string; limit: number; cursor?: string }): Promise<Page<TerminalRecord>>;
  setTerminalEnabled(devEui: string, enabled: boolean): Promise<boolean>;
  /**
   * Deletes a terminal that never sent a message (a registration made by mistake), with its counters
   * and downlinks: 'deleted', 'not-found', or 'has-messages' (its data is kept: disable it instead).
   */
  deleteTerminal(devEui: string): Promise<'deleted' | 'not-found' | 'has-messages'>;
  /** Changes a terminal's descriptive fields (not its keys nor addresses); false when there is none. */
  updateTerminal(devEui: string, changes: TerminalChanges): Promise<boolean>;

  getCounters(terminalId: string): Promise<TerminalCounters | undefined>;
  listAllCounters(): Promise<TerminalCounters[]>;
  /**
   * Forgets a terminal's uplink counters (an ABP terminal that counts from 0 again): no counter
   * accepted, upEpoch one higher, version one higher (an ingest decided on the old state conflicts
   * and is decided again); the downlink counter stays. The new state (version −1: the terminal has
   * no counters yet, nothing to reset); undefined when there is no such terminal.
   */
  resetUplinkCounters(terminalId: string): Promise<TerminalCounters | undefined>;

  createGroundStation(g: GroundStationRecord): Promise<void>;
  getGroundStationByTokenHash(tokenHash: string): Promise<GroundStationRecord | undefined>;
  /**
   * Replaces a satellite ground station's token hash (rotation, or a revocation's marker no SHA-256
   * matches); false when no such station (terrestrial and Iridium gateways are never changed here).
   */
  setGroundStationTokenHash(id: string, tokenHash: string): Promise<boolean>;
  /** The satellite ground stations (terrestrial gateways are listed by listGateways). */
  listGroundStations(): Promise<GroundStationRecord[]>;
  /** Terrestrial LoRa gateways: ground-station records with a `gatewayEui` (created by createGroundStation). */
  listGateways(): Promise<GroundStationRecord[]>;
  /** Records a gateway's last datagram and, when it sent one, its latest `stat` report. */
  recordGatewaySeen(id: string, at: number, stat?: GatewayStatus): Promise<void>;
  /** Deletes a gateway that heard nothing; one whose receptions are stored stays ('has-receptions'). */
  deleteGateway(id: string): Promise<'deleted' | 'not-found' | 'has-receptions'>;

  /** Inserts or replaces satellites by catalog number (a newer element set supersedes the old). */
  upsertSatellites(sats: readonly SatelliteRecord[]): Promise<void>;
  /** All satellites, by catalog number. */
  listSatellites(): Promise<SatelliteRecord[]>;

  /** One transaction; resolves only once it is durable. */
  commitIngest(w: IngestWrite): Promise<void>;
  /**
   * True when commitIngest may be called again before the previous call settled: writes are then
   * committed in call order, and one called while an earlier one was pending fails with
   * PredecessorFailedError, unwritten, when that one fails (it was decided on top of it).
   */
  readonly ingestInOrder?: boolean;
  /** `ingestedAt` of stored messages among `ids` (the dedup window's look-back). */
  messageIngestedAt(ids: readonly string[]): Promise<Map<string, number>>;
  getMessage(id: string): Promise<MessageWithReceptions | undefined>;
  /** Newest first (by capturedAt, then counter, highest first). */
  listMessages(q: MessageQuery): Promise<Page<MessageWithReceptions>>;
  rejectionTallies(): Promise<Array<{ stationId: string; code: RejectionCode; count: number }>>;
  /**
   * The network's traffic by UTC hour in [fromHour, toHour] (hours since 1970): copies received per
   * ground station and satellite, and frames rejected per station and code (migration 19).
   */
  trafficByHour(fromHour: number, toHour: number): Promise<TrafficHours>;

  /** Records (or replaces: a redelivered decode writes the same outcome again) a message's decode. */
  saveDecode(d: MessageDecode): Promise<void>;
  /**
   * Records many decodes in a few statements (a decoder's batch); returns the ids of the messages
   * that are not stored (deleted with their terminal), whose decodes were not written.
   */
  saveDecodes(ds: readonly MessageDecode[]): Promise<string[]>;
  /**
   * Stores where another network placed the terminal for each message (one per message: a second
   * write replaces the first); the ids of messages that do not exist.
   */
  saveReportedPositions(
    ps: ReadonlyArray<{ readonly messageId: string; readonly position: ReportedPosition }>,
  ): Promise<string[]>;

  createUserCodec(c: UserCodecRecord): Promise<void>;
  getUserCodec(id: string): Promise<UserCodecRecord | undefined>;
  listUserCodecs(tenantId: string): Promise<UserCodecRecord[]>;

  /** Creates or replaces a rule (validated by the rules engine's parser before it gets here). */
  saveRule(r: Rule, at: number): Promise<void>;
  getRule(id: string): Promise<Rule | undefined>;
  listRules(tenantId: string): Promise<Rule[]>;
  /** Deletes a rule and its per-terminal states (its alarms stay, as history); false when there was none. */
  deleteRule(id: string): Promise<boolean>;
  getRuleState(ruleId: string, terminalId: string): Promise<RuleState | undefined>;
  saveRuleState(ruleId: string, terminalId: string, state: RuleState): Promise<void>;
  /** The states of many (rule, terminal) pairs in a few queries, by ruleStateKey; pairs without one are absent. */
  getRuleStates(pairs: ReadonlyArray<{ ruleId: string; terminalId: string }>): Promise<Map<string, RuleState>>;
  /** Creates or replaces many states in a few statements (for a pair given twice, the last wins). */
  saveRuleStates(states: ReadonlyArray<{ ruleId: string; terminalId: string; state: RuleState }>): Promise<void>;

  /** The alarm of (rule, terminal) that is raised or acknowledged, if any (at most one exists). */
  getOpenAlarm(ruleId: string, terminalId: string): Promise<Alarm | undefined>;
  /** Creates or replaces an alarm by id. */
  saveAlarm(a: Alarm): Promise<void>;
  getAlarm(id: string): Promise<Alarm | undefined>;
  /** Newest raised first. */
  listAlarms(q: AlarmQuery): Promise<Page<Alarm>>;

  /**
   * Uplink usage per terminal and UTC day of ingest, in [from, to): messages and payload bytes.
   * One tenant's terminals, or one terminal, or all.
   */
  uplinkUsage(q: { tenantId?: string; terminalId?: string; from: number; to: number }): Promise<UsageRow[]>;

  /** Downlinks (their own port: src/core/ports/downlink-store.ts), on the same database. */
  readonly downlinks: DownlinkStore;
  /** Webhooks, MQTT integrations and their delivery queue and log (src/core/ports/delivery-store.ts). */
  readonly deliveries: DeliveryStore;
  /** Terminal registrations and lifecycle states (src/core/ports/registration-store.ts). */
  readonly registrations: RegistrationStore;
  /** The hash-chained audit log (src/core/ports/audit-store.ts). */
  readonly audit: AuditStore;
  /** Detected anomalies (src/core/ports/anomaly-store.ts). */
  readonly anomalies: AnomalyStore;
  /** Automated decisions and the tenants' policies (src/core/ports/decision-store.ts). */
  readonly decisions: DecisionStore;
  /** Learned models, versioned, with their parameters and training window (src/core/ports/model-store.ts). */
  readonly models: ModelStore;
  /** Events waiting for the bus (src/core/ports/outbox-store.ts). */
  readonly outbox: OutboxStore;
  /** What each durable consumer has handled (src/core/ports/inbox-store.ts). */
  readonly inbox: InboxStore;
  /** Events consumers gave up on (src/core/ports/dead-letter-store.ts). */
  readonly deadLetters: DeadLetterStore;
  /** Singleton work's leases (src/core/ports/lease-store.ts). */
  readonly leases: LeaseStore;
  /** The cluster's nodes (src/core/ports/node-store.ts). */
  readonly nodes: NodeStore;
  /** Rate limits and lock-outs shared by the nodes (src/core/ports/limit-store.ts). */
  readonly limits: LimitStore;

  getQuota(tenantId: string): Promise<TenantQuota | undefined>;
  /** Creates or replaces a tenant's quota. */
  saveQuota(q: TenantQuota): Promise<void>;

  createApiKey(k: ApiKeyRecord): Promise<void>;
  getApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  getApiKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** Oldest first; one tenant's keys, or every key. */
  listApiKeys(tenantId?: string): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked at `at`; false when there is no such key or it was already revoked. */
  revokeApiKey(id: string, at: number): Promise<boolean>;
}

/** The store inside `Store.atomically()`: everything but what belongs to the store as a whole. */
export type StoreTx = Omit<
  Store,
  'migrate' | 'close' | 'ping' | 'commitIngest' | 'ingestInOrder' | 'audit' | 'atomically' | 'clusterable'
>;

/** What may change about a registered terminal: null clears the codec or the location. */
export interface TerminalChanges {
  readonly profile?: TerminalProfile;
  readonly expectedMessagesPerDay?: number;
  readonly codec?: string | null;
  readonly location?: GeoPoint | null;
  /** null clears it. */
  readonly name?: string | null;
}

export interface AlarmQuery {
  readonly tenantId?: string;
  readonly devEui?: string;
  /** `open`: raised or acknowledged. */
  readonly state?: AlarmState | 'open';
  readonly severity?: string;
  readonly limit: number;
  readonly cursor?: string;
}

/** The key of a (rule, terminal) pair in Store.getRuleStates' answer. */
export function ruleStateKey(ruleId: string, terminalId: string): string {
  return `${ruleId}\n${terminalId}`;
}

/** Hourly tallies of the network's traffic (Store.trafficByHour). */
export interface TrafficHours {
  readonly receptions: ReadonlyArray<{
    readonly hour: number;
    readonly stationId: string;
    readonly satelliteId: string;
    readonly count: number;
  }>;
  readonly rejections: ReadonlyArray<{
    readonly hour: number;
    readonly stationId: string;
    readonly code: RejectionCode;
    readonly count: number;
  }>;
}
