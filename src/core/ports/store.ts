import type { AuditStore } from './audit-store.js';
import type { AnomalyStore } from './anomaly-store.js';
import type { DecisionStore } from './decision-store.js';
import type { ModelStore } from './model-store.js';
import type { DownlinkStore } from './downlink-store.js';
import type { DeliveryStore } from './delivery-store.js';
import type { RegistrationStore } from './registration-store.js';
import type { OutboxEvent, OutboxStore } from './outbox-store.js';
import type { InboxStore } from './inbox-store.js';
import type { DeadLetterStore } from './dead-letter-store.js';
import type { LeaseStore } from './lease-store.js';
import type { NodeStore } from './node-store.js';
import type { LimitStore } from './limit-store.js';
import type { TenantStore } from './tenant-store.js';
import type { QuotaStore } from './quota-store.js';
import type { ApiKeyStore } from './api-key-store.js';
import type { TerminalStore } from './terminal-store.js';
import type { CounterStore } from './counter-store.js';
import type { GroundStationStore } from './ground-station-store.js';
import type { SatelliteStore } from './satellite-store.js';
import type { MessageStore } from './message-store.js';
import type { TrafficStore } from './traffic-store.js';
import type { UserCodecStore } from './user-codec-store.js';
import type { RuleStore } from './rule-store.js';
import type { AlarmStore } from './alarm-store.js';
import type { MessageRecord, Reception, RejectionCode, TerminalCounters } from '../model.js';

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

/**
 * The store port: one repository per aggregate (each port in its own file here), on one database,
 * plus what belongs to the store as a whole (migrating, transactions, the ingest write). Two
 * adapters implement it with the same behaviour (one suite runs against both): SQLite (embedded
 * default) and PostgreSQL (scale-out).
 */
export interface Store {
  readonly backend: 'sqlite' | 'postgres';
  /**
   * Several nodes can share this store (PostgreSQL): limits and lock-outs are kept in it then. SQLite serves one node.
   */
  readonly clusterable: boolean;
  /** Creates or upgrades the schema; safe to call on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** Resolves when the store answers a trivial query (readiness); throws when it does not. */
  ping(): Promise<void>;

  /**
   * Runs `fn` in one transaction over a view of this store bound to it: every write made through
   * `tx` (its repositories and outbox included) commits together when `fn` resolves, or not at all
   * when it throws. Use only `tx` inside `fn` — on SQLite the transaction holds the one connection
   * — and do nothing slow there (a codec, a network call): work first, then write.
   */
  atomically<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;

  /**
   * One ingest batch — new messages, receptions, counters, traffic tallies and outbox events — in
   * one transaction; resolves only once it is durable.
   */
  commitIngest(w: IngestWrite): Promise<void>;
  /**
   * True when commitIngest may be called again before the previous call settled: writes are then
   * committed in call order, and one called while an earlier one was pending fails with
   * PredecessorFailedError, unwritten, when that one fails (it was decided on top of it).
   */
  readonly ingestInOrder?: boolean;

  /** Tenants (tenant-store.ts). */
  readonly tenants: TenantStore;
  /** Each tenant's monthly quota (quota-store.ts). */
  readonly quotas: QuotaStore;
  /** API keys (api-key-store.ts). */
  readonly apiKeys: ApiKeyStore;
  /** Registered terminals (terminal-store.ts). */
  readonly terminals: TerminalStore;
  /** Terminals' frame counters (counter-store.ts). */
  readonly counters: CounterStore;
  /** Ground stations and gateways (ground-station-store.ts). */
  readonly groundStations: GroundStationStore;
  /** The constellation's element sets (satellite-store.ts). */
  readonly satellites: SatelliteStore;
  /** Uplink messages, their decodes and positions, and usage (message-store.ts). */
  readonly messages: MessageStore;
  /** Traffic and rejection tallies (traffic-store.ts). */
  readonly traffic: TrafficStore;
  /** Tenants' own codecs (user-codec-store.ts). */
  readonly userCodecs: UserCodecStore;
  /** Rules and their per-terminal states (rule-store.ts). */
  readonly rules: RuleStore;
  /** Alarms (alarm-store.ts). */
  readonly alarms: AlarmStore;
  /** Downlinks (downlink-store.ts). */
  readonly downlinks: DownlinkStore;
  /** Webhooks, MQTT integrations and their delivery queue and log (delivery-store.ts). */
  readonly deliveries: DeliveryStore;
  /** Terminal registrations and lifecycle states (registration-store.ts). */
  readonly registrations: RegistrationStore;
  /** The hash-chained audit log (audit-store.ts). */
  readonly audit: AuditStore;
  /** Detected anomalies (anomaly-store.ts). */
  readonly anomalies: AnomalyStore;
  /** Automated decisions and the tenants' policies (decision-store.ts). */
  readonly decisions: DecisionStore;
  /** Learned models, versioned, with their parameters and training window (model-store.ts). */
  readonly models: ModelStore;
  /** Events waiting for the bus (outbox-store.ts). */
  readonly outbox: OutboxStore;
  /** What each durable consumer has handled (inbox-store.ts). */
  readonly inbox: InboxStore;
  /** Events consumers gave up on (dead-letter-store.ts). */
  readonly deadLetters: DeadLetterStore;
  /** Singleton work's leases (lease-store.ts). */
  readonly leases: LeaseStore;
  /** The cluster's nodes (node-store.ts). */
  readonly nodes: NodeStore;
  /** Rate limits and lock-outs shared by the nodes (limit-store.ts). */
  readonly limits: LimitStore;
}

/** The store inside `Store.atomically()`: everything but what belongs to the store as a whole. */
export type StoreTx = Omit<
  Store,
  'migrate' | 'close' | 'ping' | 'commitIngest' | 'ingestInOrder' | 'audit' | 'atomically' | 'clusterable'
>;
