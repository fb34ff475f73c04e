import type { EventKind } from '../delivery/delivery-event.js';
import type { Page } from './page.js';

/** Where a tenant's events can go. */
export type IntegrationKind = 'webhook' | 'mqtt';

/**
 * A webhook or a tenant's MQTT broker. One record shape for both (the kind says which fields
 * apply): the delivery machinery — queue, retries, log, disabling — is the same for both.
 */
export interface IntegrationRecord {
  readonly id: string;
  readonly kind: IntegrationKind;
  readonly tenantId: string;
  /** webhook: the http(s) URL posted to; mqtt: the broker URL. */
  readonly url: string;
  /** The event kinds delivered (never empty). */
  readonly events: readonly EventKind[];
  /** mqtt: the broker user name; null otherwise or without one. */
  readonly username: string | null;
  /** mqtt: the first topic level(s) in place of `satiot`; null for the default. */
  readonly topicPrefix: string | null;
  /** webhook: the signing secret; mqtt: the broker password (or null); sealed by the key vault. */
  readonly secretSealed: string | null;
  /** When and why it was disabled (by an operator, or after failing); null while enabled. */
  readonly disabledAt: number | null;
  readonly disabledReason: string | null;
  /** Deliveries that failed in a row (every attempt used up); a delivered one resets it. */
  readonly consecutiveFailures: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * One event queued for one integration (the delivery outbox): kept until delivered or given up,
 * so deliveries survive restarts and a slow receiver only delays its own queue.
 */
export interface PendingDelivery {
  /** Derived from the integration and the event's key: the same event queued twice is one delivery. */
  readonly id: string;
  readonly integrationId: string;
  readonly eventKind: EventKind;
  readonly subject: string;
  readonly messageId: string | null;
  /** The event JSON as published. */
  readonly body: string;
  /** Attempts made so far. */
  readonly attempts: number;
  /** When it is due (ms); while a node attempts it, the end of that node's lease. */
  readonly nextAttemptAt: number;
  readonly createdAt: number;
}

/** delivered: 2xx / PUBACK; retrying: failed, another attempt is scheduled; failed: failed, attempts used up. */
export type AttemptOutcome = 'delivered' | 'retrying' | 'failed';

/** One attempt in an integration's delivery log. */
export interface DeliveryAttempt {
  readonly integrationId: string;
  readonly deliveryId: string;
  readonly eventKind: EventKind;
  readonly messageId: string | null;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly outcome: AttemptOutcome;
  /** The HTTP status a webhook answered; null when there was no answer (and for MQTT). */
  readonly statusCode: number | null;
  /** Why the attempt failed, when it did (network error, timeout, non-2xx status). */
  readonly error: string | null;
  /** Whole milliseconds the attempt took. */
  readonly durationMs: number;
  /** When it was made, ms. */
  readonly at: number;
}

export interface LoggedAttempt extends DeliveryAttempt {
  /** Log order (increasing); listings go newest first. */
  readonly seq: number;
}

/** A message's event reached an application: the `delivered` step of the message's life. */
export interface MessageDelivery {
  readonly messageId: string;
  readonly integrationKind: IntegrationKind;
  readonly integrationId: string;
  /** The first successful delivery of an uplink or decoded event of the message to this integration, ms. */
  readonly deliveredAt: number;
}

/**
 * The delivery store port (src/store/kysely/delivery-store.ts implements it on SQLite and
 * PostgreSQL with the same SQL). Each method is one statement: deliveries are at-least-once, and a
 * crash between two calls at worst repeats an attempt.
 */
export interface DeliveryStore {
  createIntegration(r: IntegrationRecord): Promise<void>;
  getIntegration(id: string): Promise<IntegrationRecord | undefined>;
  /** Oldest first. */
  listIntegrations(q: { readonly kind: IntegrationKind; readonly tenantId?: string }): Promise<IntegrationRecord[]>;
  /** Deletes the integration with its queue and its log; false when there was none. */
  deleteIntegration(id: string): Promise<boolean>;
  /**
   * Enables (clearing the reason and the failure count) or disables (with `reason`) an integration;
   * the updated record, or undefined when there is none.
   */
  setIntegrationEnabled(
    id: string,
    enabled: boolean,
    reason: string | null,
    at: number,
  ): Promise<IntegrationRecord | undefined>;
  /** A delivery ended well: the failure count starts again from 0. */
  resetFailures(integrationId: string, at: number): Promise<void>;
  /**
   * A delivery failed for good: counts it, and disables the integration with `reason` when the count
   * reaches `threshold`. `disabled` is true when this call disabled it.
   */
  countFailedDelivery(
    integrationId: string,
    threshold: number,
    reason: string,
    at: number,
  ): Promise<{ consecutiveFailures: number; disabled: boolean }>;

  /** Queues deliveries; one whose id is already queued is left as it is. Resolves with how many were new. */
  enqueueDeliveries(ds: readonly PendingDelivery[]): Promise<number>;
  /** Enabled integrations of `kind` with a delivery due at `now` (at most `limit`). */
  dueIntegrations(kind: IntegrationKind, now: number, limit: number): Promise<string[]>;
  /**
   * Takes the integration's earliest delivery due at `now`, if the integration is enabled, by moving
   * it to `leaseUntil` (atomic: two nodes never take the same one).
   */
  claimNextDelivery(integrationId: string, now: number, leaseUntil: number): Promise<PendingDelivery | undefined>;
  /**
   * Takes up to `limit` of the integration's earliest deliveries due at `now` at once (as claimNextDelivery), earliest
   * first.
   */
  claimDueDeliveries(integrationId: string, now: number, leaseUntil: number, limit: number): Promise<PendingDelivery[]>;
  rescheduleDelivery(id: string, attempts: number, nextAttemptAt: number): Promise<void>;
  /** Hands claimed deliveries back unattempted: due again at `at`, their attempts unchanged. */
  releaseDeliveries(ids: readonly string[], at: number): Promise<void>;
  /** Removes a delivery from the queue (delivered or given up). */
  completeDelivery(id: string): Promise<void>;
  /** Removes many (one statement per chunk). */
  completeDeliveries(ids: readonly string[]): Promise<void>;

  appendAttempt(a: DeliveryAttempt): Promise<void>;
  /** Logs many attempts in one statement per chunk, in the order given. */
  appendAttempts(as: readonly DeliveryAttempt[]): Promise<void>;
  /** The integration's log, newest first; `limit` 1..1000. */
  listAttempts(
    integrationId: string,
    q: { readonly limit: number; readonly cursor?: string },
  ): Promise<Page<LoggedAttempt>>;
  /** Drops log entries older than `before` (ms); resolves with how many. */
  pruneAttempts(before: number): Promise<number>;

  /** Records a message's delivery to an integration; the first one is kept. */
  recordMessageDelivered(d: MessageDelivery): Promise<void>;
  /** Records many (the first of each message and integration is kept). */
  recordMessagesDelivered(ds: readonly MessageDelivery[]): Promise<void>;
  /** Every recorded delivery of these messages, by message id then time. */
  deliveriesOf(messageIds: readonly string[]): Promise<MessageDelivery[]>;
}
