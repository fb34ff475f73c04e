import { sql, type Generated, type Kysely, type Selectable } from 'kysely';
import type { EventKind } from '../../core/delivery/delivery-event.js';
import type {
  AttemptOutcome,
  DeliveryAttempt,
  DeliveryStore,
  IntegrationKind,
  IntegrationRecord,
  LoggedAttempt,
  MessageDelivery,
  PendingDelivery,
} from '../../core/ports/delivery-store.js';
import type { Page } from '../../core/ports/store.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { checkLimit, decodeCursor, encodeCursor } from './page-cursor.js';

/** The tables of migration 7 ({sqlite,postgres}/migrations/007-delivery.ts). */
interface IntegrationsTable {
  id: string;
  kind: IntegrationKind;
  tenant_id: string;
  url: string;
  /** Comma-separated event kinds. */
  events: string;
  username: string | null;
  topic_prefix: string | null;
  secret_sealed: string | null;
  disabled_at: number | null;
  disabled_reason: string | null;
  consecutive_failures: number;
  created_at: number;
  updated_at: number;
}

interface PendingDeliveriesTable {
  seq: Generated<number>;
  id: string;
  integration_id: string;
  event_kind: EventKind;
  subject: string;
  message_id: string | null;
  body: string;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
}

interface DeliveryAttemptsTable {
  seq: Generated<number>;
  integration_id: string;
  delivery_id: string;
  event_kind: EventKind;
  message_id: string | null;
  attempt: number;
  outcome: AttemptOutcome;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  at: number;
}

interface MessageDeliveriesTable {
  message_id: string;
  integration_kind: IntegrationKind;
  integration_id: string;
  delivered_at: number;
}

interface DeliveryDatabase {
  integrations: IntegrationsTable;
  pending_deliveries: PendingDeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
  message_deliveries: MessageDeliveriesTable;
}

/** Largest log page. */
/** Ids per `IN (…)` list and rows per multi-row insert: well under both backends' parameter limits. */
const CHUNK = 500;
const ENQUEUE_CHUNK = 100;

/** pg returns bigint columns as strings unless the pool parses them (satiot's does); numbers either way. */
const num = (v: number | string): number => Number(v);
const numOrNull = (v: number | string | null): number | null => (v === null ? null : Number(v));

function toIntegration(r: Selectable<IntegrationsTable>): IntegrationRecord {
  return {
    id: r.id,
    kind: r.kind,
    tenantId: r.tenant_id,
    url: r.url,
    events: r.events.split(',') as EventKind[],
    username: r.username,
    topicPrefix: r.topic_prefix,
    secretSealed: r.secret_sealed,
    disabledAt: numOrNull(r.disabled_at),
    disabledReason: r.disabled_reason,
    consecutiveFailures: num(r.consecutive_failures),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

function toPending(r: Selectable<PendingDeliveriesTable>): PendingDelivery {
  return {
    id: r.id,
    integrationId: r.integration_id,
    eventKind: r.event_kind,
    subject: r.subject,
    messageId: r.message_id,
    body: r.body,
    attempts: num(r.attempts),
    nextAttemptAt: num(r.next_attempt_at),
    createdAt: num(r.created_at),
  };
}

function toAttempt(r: Selectable<DeliveryAttemptsTable>): LoggedAttempt {
  return {
    seq: num(r.seq),
    integrationId: r.integration_id,
    deliveryId: r.delivery_id,
    eventKind: r.event_kind,
    messageId: r.message_id,
    attempt: num(r.attempt),
    outcome: r.outcome,
    statusCode: numOrNull(r.status_code),
    error: r.error,
    durationMs: num(r.duration_ms),
    at: num(r.at),
  };
}

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/**
 * The DeliveryStore on SQLite and PostgreSQL with the same queries. Give it the Kysely instance the
 * main store uses: on SQLite that is the one connection shared with ingest, which is why every method
 * is one statement and never a transaction left open across an await.
 */
export class KyselyDeliveryStore implements DeliveryStore {
  private readonly db: Kysely<DeliveryDatabase>;

  // Kysely<any>: the main store's instance, typed with its own tables.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  constructor(db: Kysely<any>) {
    this.db = db as Kysely<DeliveryDatabase>;
  }

  async createIntegration(r: IntegrationRecord): Promise<void> {
    await this.db
      .insertInto('integrations')
      .values({
        id: r.id,
        kind: r.kind,
        tenant_id: r.tenantId,
        url: r.url,
        events: r.events.join(','),
        username: r.username,
        topic_prefix: r.topicPrefix,
        secret_sealed: r.secretSealed,
        disabled_at: r.disabledAt,
        disabled_reason: r.disabledReason,
        consecutive_failures: r.consecutiveFailures,
        created_at: r.createdAt,
        updated_at: r.updatedAt,
      })
      .execute();
  }

  async getIntegration(id: string): Promise<IntegrationRecord | undefined> {
    const r = await this.db.selectFrom('integrations').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toIntegration(r);
  }

  async listIntegrations(q: { kind: IntegrationKind; tenantId?: string }): Promise<IntegrationRecord[]> {
    let query = this.db.selectFrom('integrations').selectAll().where('kind', '=', q.kind);
    if (q.tenantId !== undefined) query = query.where('tenant_id', '=', q.tenantId);
    return (await query.orderBy('created_at').orderBy('id').execute()).map(toIntegration);
  }

  async deleteIntegration(id: string): Promise<boolean> {
    // ON DELETE CASCADE takes the queue and the log along.
    const r = await this.db.deleteFrom('integrations').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async setIntegrationEnabled(
    id: string,
    enabled: boolean,
    reason: string | null,
    at: number,
  ): Promise<IntegrationRecord | undefined> {
    const set = enabled
      ? { disabled_at: null, disabled_reason: null, consecutive_failures: 0, updated_at: at }
      : { disabled_at: at, disabled_reason: reason, updated_at: at };
    const r = await this.db.updateTable('integrations').set(set).where('id', '=', id).returningAll().executeTakeFirst();
    return r && toIntegration(r);
  }

  async resetFailures(integrationId: string, at: number): Promise<void> {
    await this.db
      .updateTable('integrations')
      .set({ consecutive_failures: 0, updated_at: at })
      .where('id', '=', integrationId)
      .where('consecutive_failures', '>', 0)
      .execute();
  }

  async countFailedDelivery(
    integrationId: string,
    threshold: number,
    reason: string,
    at: number,
  ): Promise<{ consecutiveFailures: number; disabled: boolean }> {
    // Every right-hand side sees the row as it was: the CASEs test the count after this failure.
    const reaches = sql<boolean>`disabled_at IS NULL AND consecutive_failures + 1 >= ${threshold}`;
    const r = await this.db
      .updateTable('integrations')
      .set({
        consecutive_failures: sql<number>`consecutive_failures + 1`,
        disabled_at: sql<number | null>`CASE WHEN ${reaches} THEN ${at} ELSE disabled_at END`,
        disabled_reason: sql<string | null>`CASE WHEN ${reaches} THEN ${reason} ELSE disabled_reason END`,
        updated_at: at,
      })
      .where('id', '=', integrationId)
      .returning(['consecutive_failures', 'disabled_at', 'disabled_reason'])
      .executeTakeFirst();
    if (!r) return { consecutiveFailures: 0, disabled: false };
    return {
      consecutiveFailures: num(r.consecutive_failures),
      disabled: numOrNull(r.disabled_at) === at && r.disabled_reason === reason,
    };
  }

  async enqueueDeliveries(ds: readonly PendingDelivery[]): Promise<number> {
    let added = 0;
    for (const part of chunks(ds, ENQUEUE_CHUNK)) {
      const r = await this.db
        .insertInto('pending_deliveries')
        .values(
          part.map((d) => ({
            id: d.id,
            integration_id: d.integrationId,
            event_kind: d.eventKind,
            subject: d.subject,
            message_id: d.messageId,
            body: d.body,
            attempts: d.attempts,
            next_attempt_at: d.nextAttemptAt,
            created_at: d.createdAt,
          })),
        )
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      added += Number(r.numInsertedOrUpdatedRows ?? 0);
    }
    return added;
  }

  async dueIntegrations(kind: IntegrationKind, now: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('pending_deliveries as d')
      .innerJoin('integrations as i', 'i.id', 'd.integration_id')
      .select('d.integration_id')
      .distinct()
      .where('i.kind', '=', kind)
      .where('i.disabled_at', 'is', null)
      .where('d.next_attempt_at', '<=', now)
      .limit(limit)
      .execute();
    return rows.map((r) => r.integration_id);
  }

  async claimNextDelivery(
    integrationId: string,
    now: number,
    leaseUntil: number,
  ): Promise<PendingDelivery | undefined> {
    return (await this.claimDueDeliveries(integrationId, now, leaseUntil, 1))[0];
  }

  async claimDueDeliveries(
    integrationId: string,
    now: number,
    leaseUntil: number,
    limit: number,
  ): Promise<PendingDelivery[]> {
    const due = await this.db
      .selectFrom('pending_deliveries')
      .select('id')
      .where('integration_id', '=', integrationId)
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .orderBy('seq')
      .limit(limit)
      .execute();
    if (due.length === 0) return [];
    // The update re-checks next_attempt_at on the locked rows (PostgreSQL) or under the write lock
    // (SQLite): a row another node leased since the select is not taken again.
    const rows = await this.db
      .updateTable('pending_deliveries')
      .set({ next_attempt_at: leaseUntil })
      .where(
        'id',
        'in',
        due.map((r) => r.id),
      )
      .where('next_attempt_at', '<=', now)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('integrations')
            .select('integrations.id')
            .where('integrations.id', '=', integrationId)
            .where('integrations.disabled_at', 'is', null),
        ),
      )
      .returningAll()
      .execute();
    // RETURNING says nothing of order: the select's (earliest due first, queue order among equals).
    const byId = new Map(rows.map((r) => [r.id, r]));
    return due.flatMap((d) => {
      const r = byId.get(d.id);
      return r ? [toPending(r)] : [];
    });
  }

  async rescheduleDelivery(id: string, attempts: number, nextAttemptAt: number): Promise<void> {
    await this.db
      .updateTable('pending_deliveries')
      .set({ attempts, next_attempt_at: nextAttemptAt })
      .where('id', '=', id)
      .execute();
  }

  async releaseDeliveries(ids: readonly string[], at: number): Promise<void> {
    for (const part of chunks([...ids], CHUNK))
      await this.db.updateTable('pending_deliveries').set({ next_attempt_at: at }).where('id', 'in', part).execute();
  }

  async completeDelivery(id: string): Promise<void> {
    await this.completeDeliveries([id]);
  }

  async completeDeliveries(ids: readonly string[]): Promise<void> {
    for (const part of chunks([...ids], CHUNK))
      await this.db.deleteFrom('pending_deliveries').where('id', 'in', part).execute();
  }

  async appendAttempt(a: DeliveryAttempt): Promise<void> {
    await this.appendAttempts([a]);
  }

  async appendAttempts(as: readonly DeliveryAttempt[]): Promise<void> {
    for (const part of chunks([...as], ENQUEUE_CHUNK)) {
      await this.db
        .insertInto('delivery_attempts')
        .values(
          part.map((a) => ({
            integration_id: a.integrationId,
            delivery_id: a.deliveryId,
            event_kind: a.eventKind,
            message_id: a.messageId,
            attempt: a.attempt,
            outcome: a.outcome,
            status_code: a.statusCode,
            error: a.error,
            duration_ms: Math.round(a.durationMs),
            at: a.at,
          })),
        )
        .execute();
    }
  }

  async listAttempts(integrationId: string, q: { limit: number; cursor?: string }): Promise<Page<LoggedAttempt>> {
    checkLimit(q.limit);
    let query = this.db.selectFrom('delivery_attempts').selectAll().where('integration_id', '=', integrationId);
    if (q.cursor !== undefined) {
      const c = decodeCursor('delivery-attempts', q.cursor);
      if (c.id !== integrationId)
        throw new SatiotError('INVALID_ARGUMENT', 'The cursor is not valid for this listing.', { cursor: q.cursor });
      query = query.where('seq', '<', c.at);
    }
    const rows = await query
      .orderBy('seq', 'desc')
      .limit(q.limit + 1)
      .execute();
    const items = rows.slice(0, q.limit).map(toAttempt);
    const last = items[items.length - 1];
    return rows.length > q.limit && last
      ? { items, nextCursor: encodeCursor('delivery-attempts', { at: last.seq, id: integrationId }) }
      : { items };
  }

  async pruneAttempts(before: number): Promise<number> {
    const r = await this.db.deleteFrom('delivery_attempts').where('at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async recordMessageDelivered(d: MessageDelivery): Promise<void> {
    await this.recordMessagesDelivered([d]);
  }

  async recordMessagesDelivered(ds: readonly MessageDelivery[]): Promise<void> {
    for (const part of chunks([...ds], ENQUEUE_CHUNK)) {
      await this.db
        .insertInto('message_deliveries')
        .values(
          part.map((d) => ({
            message_id: d.messageId,
            integration_kind: d.integrationKind,
            integration_id: d.integrationId,
            delivered_at: d.deliveredAt,
          })),
        )
        .onConflict((oc) => oc.columns(['message_id', 'integration_kind', 'integration_id']).doNothing())
        .execute();
    }
  }

  async deliveriesOf(messageIds: readonly string[]): Promise<MessageDelivery[]> {
    const out: MessageDelivery[] = [];
    for (const part of chunks([...new Set(messageIds)], CHUNK)) {
      const rows = await this.db
        .selectFrom('message_deliveries')
        .selectAll()
        .where('message_id', 'in', part)
        .orderBy('message_id')
        .orderBy('delivered_at')
        .orderBy('integration_id')
        .execute();
      for (const r of rows) {
        out.push({
          messageId: r.message_id,
          integrationKind: r.integration_kind,
          integrationId: r.integration_id,
          deliveredAt: num(r.delivered_at),
        });
      }
    }
    return out;
  }
}
