/**
 * Fakes and fixtures for the delivery tests: a migrated in-memory SQLite delivery store (the
 * migration's own SQL), a scripted webhook transport, a scripted MQTT publisher, and bus events as
 * the core publishes them.
 */
import { randomBytes } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KeyVault } from '../../../src/core/key-vault.js';
import type { BusMessage } from '../../../src/core/ports/bus.js';
import type { BrokerTarget, IntegrationPublisher } from '../../../src/core/ports/integration-publisher.js';
import type { WebhookResponse, WebhookTransport } from '../../../src/core/ports/webhook-transport.js';
import type { MessageRecord } from '../../../src/core/model.js';
import { uplinkEvent } from '../../../src/core/events/uplink-event.js';
import { terminalSubject, uplinkSubject } from '../../../src/core/events/subjects.js';
import { KyselyDeliveryStore } from '../../../src/store/kysely/delivery-store.js';
import { SQLITE_MIGRATIONS, migrateSqlite } from '../../../src/store/sqlite/migrations.js';

export const T0 = Date.parse('2026-01-15T12:00:00Z');
export const TENANT = 'tenant-a';
export const OTHER_TENANT = 'tenant-b';
export const DEV_EUI = '70b3d50000000001';

export interface DeliveryDb {
  readonly db: Kysely<unknown>;
  readonly store: KyselyDeliveryStore;
  readonly sqlite: BetterSqlite3.Database;
  close(): Promise<void>;
}

/** A fresh in-memory SQLite with the core's migrations and migration 7, and two tenants. */
export function deliveryDb(): DeliveryDb {
  const sqlite = new BetterSqlite3(':memory:');
  sqlite.pragma('foreign_keys = ON');
  migrateSqlite(sqlite, SQLITE_MIGRATIONS);
  const insert = sqlite.prepare('INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)');
  for (const id of [TENANT, OTHER_TENANT]) insert.run(id, id, T0);
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, store: new KyselyDeliveryStore(db), sqlite, close: () => db.destroy() };
}

/** Tenants as the catalogue sees them: the two of deliveryDb(). */
export const TENANTS = { get: async (id: string) => ([TENANT, OTHER_TENANT].includes(id) ? { id } : undefined) };

export function testVault(): KeyVault {
  return new KeyVault(randomBytes(32));
}

export interface PostCall {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
}

/**
 * A webhook transport answering from a script per URL: a status, an Error to throw, or a promise
 * (a receiver that answers when the test says so). Without a script entry: 200.
 */
export class FakeTransport implements WebhookTransport {
  readonly calls: PostCall[] = [];
  private readonly scripts = new Map<string, Array<number | Error | Promise<number>>>();

  script(url: string, ...answers: Array<number | Error | Promise<number>>): void {
    this.scripts.set(url, [...(this.scripts.get(url) ?? []), ...answers]);
  }

  async post(
    url: string,
    headers: Readonly<Record<string, string>>,
    body: Uint8Array,
    timeoutMs: number,
  ): Promise<WebhookResponse> {
    this.calls.push({ url, headers, body: Buffer.from(body).toString('utf8'), timeoutMs });
    const next = this.scripts.get(url)?.shift() ?? 200;
    if (next instanceof Error) throw next;
    return { status: await next };
  }

  to(url: string): PostCall[] {
    return this.calls.filter((c) => c.url === url);
  }
}

export interface PublishCall {
  readonly broker: BrokerTarget;
  readonly topic: string;
  readonly payload: string;
}

/** An MQTT publisher that records publishes and fails the next `failures` ones. */
export class FakePublisher implements IntegrationPublisher {
  readonly calls: PublishCall[] = [];
  failures = 0;
  closed = false;

  async publish(broker: BrokerTarget, topic: string, payload: Uint8Array): Promise<void> {
    this.calls.push({ broker, topic, payload: Buffer.from(payload).toString('utf8') });
    if (this.failures > 0) {
      this.failures--;
      throw Object.assign(new Error('broker mqtt://broker.invalid not reachable within 10000 ms'), {
        code: 'ETIMEDOUT',
      });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A stored message as the ingest pipeline makes it. */
export function messageRecord(fCnt: number, over: Partial<MessageRecord> = {}): MessageRecord {
  return {
    id: `term-1.${fCnt}`,
    tenantId: TENANT,
    terminalId: 'term-1',
    devEui: DEV_EUI,
    fCnt,
    fPort: 7,
    payload: Uint8Array.from([1, 2, fCnt & 0xff]),
    confirmed: false,
    ack: false,
    capturedAt: T0 - 600_000,
    downlinkedAt: T0 - 60_000,
    ingestedAt: T0,
    ...over,
  };
}

/** The uplink event of a message, as the bus hands it to a consumer. */
export function uplinkMessage(fCnt: number, over: Partial<MessageRecord> = {}): BusMessage {
  const m = messageRecord(fCnt, over);
  return { subject: uplinkSubject(m), data: uplinkEvent(m), msgId: m.id };
}

/** An event of another kind (`decoded`, `alarm`, `downlink`) on its subject. */
export function eventMessage(
  kind: 'decoded' | 'alarm' | 'downlink',
  body: Record<string, unknown>,
  tenantId = TENANT,
  devEui = DEV_EUI,
): BusMessage {
  return { subject: terminalSubject(kind, tenantId, devEui), data: Buffer.from(JSON.stringify({ kind, ...body })) };
}
