/**
 * The DeliveryStore's behaviour on every backend: SQLite in memory always (migration 7's own SQL on
 * top of the core's), PostgreSQL in a throwaway schema when SATIOT_TEST_POSTGRES_URL is set, e.g.
 * SATIOT_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test npx vitest run test/store/delivery-store.test.ts
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { IntegrationRecord, PendingDelivery } from '../../src/core/ports/delivery-store.js';
import { KyselyDeliveryStore } from '../../src/store/kysely/delivery-store.js';
import { POSTGRES_MIGRATIONS, migratePostgres } from '../../src/store/postgres/migrations.js';
import { SatiotError } from '../../src/errors/satiot-error.js';
import { T0, TENANT, OTHER_TENANT, deliveryDb } from '../core/delivery/helpers.js';
import { POSTGRES_URL, dropSchema } from './helpers.js';

interface Harness {
  readonly store: KyselyDeliveryStore;
  dispose(): Promise<void>;
}

const SQLITE: { name: string; open(): Promise<Harness> } = {
  name: 'SQLite (:memory:)',
  async open() {
    const d = deliveryDb();
    return { store: d.store, dispose: () => d.close() };
  },
};

/** PostgreSQL without satiot's int8 parser: the store must read bigint columns that come back as text. */
function postgres(url: string): { name: string; open(): Promise<Harness> } {
  return {
    name: 'PostgreSQL',
    async open() {
      const schema = `satiot_test_${randomBytes(6).toString('hex')}`;
      const pool = new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 4 });
      await migratePostgres(pool, schema, POSTGRES_MIGRATIONS);
      for (const id of [TENANT, OTHER_TENANT])
        await pool.query('INSERT INTO tenants (id, name, created_at) VALUES ($1, $1, $2)', [id, T0]);
      const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
      return {
        store: new KyselyDeliveryStore(db),
        async dispose() {
          await db.destroy();
          await dropSchema(url, schema);
        },
      };
    },
  };
}

const BACKENDS = [SQLITE, ...(POSTGRES_URL ? [postgres(POSTGRES_URL)] : [])];
if (!POSTGRES_URL) {
  describe('DeliveryStore: PostgreSQL', () => {
    it.skip('set SATIOT_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run on PostgreSQL', () =>
      undefined);
  });
}

function integration(id: string, over: Partial<IntegrationRecord> = {}): IntegrationRecord {
  return {
    id,
    kind: 'webhook',
    tenantId: TENANT,
    url: `https://${id}.example/`,
    events: ['uplink', 'alarm'],
    username: null,
    topicPrefix: null,
    secretSealed: 'v1.sealed',
    disabledAt: null,
    disabledReason: null,
    consecutiveFailures: 0,
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

function pending(id: string, integrationId: string, over: Partial<PendingDelivery> = {}): PendingDelivery {
  return {
    id,
    integrationId,
    eventKind: 'uplink',
    subject: `satiot.up.${TENANT}.70b3d50000000001`,
    messageId: `m.${id}`,
    body: `{"kind":"uplink","n":"${id}"}`,
    attempts: 0,
    nextAttemptAt: T0,
    createdAt: T0,
    ...over,
  };
}

for (const backend of BACKENDS) {
  describe(`DeliveryStore: ${backend.name}`, () => {
    let h: Harness;
    let store: KyselyDeliveryStore;
    beforeEach(async () => {
      h = await backend.open();
      store = h.store;
    });
    afterEach(async () => {
      await h.dispose();
    });

    it('keeps integrations as they were made, lists them by kind and tenant oldest first, and deletes them', async () => {
      await store.createIntegration(integration('w2', { createdAt: T0 + 1 }));
      await store.createIntegration(integration('w1'));
      await store.createIntegration(
        integration('m1', { kind: 'mqtt', username: 'u', topicPrefix: 'p/q', secretSealed: null, events: ['decoded'] }),
      );
      await store.createIntegration(integration('w3', { tenantId: OTHER_TENANT }));
      expect(await store.getIntegration('w1')).toEqual(integration('w1'));
      expect(await store.getIntegration('m1')).toEqual(
        integration('m1', { kind: 'mqtt', username: 'u', topicPrefix: 'p/q', secretSealed: null, events: ['decoded'] }),
      );
      expect((await store.listIntegrations({ kind: 'webhook', tenantId: TENANT })).map((r) => r.id)).toEqual([
        'w1',
        'w2',
      ]);
      expect((await store.listIntegrations({ kind: 'webhook' })).map((r) => r.id)).toEqual(['w1', 'w3', 'w2']); // created_at, then id
      expect((await store.listIntegrations({ kind: 'mqtt' })).map((r) => r.id)).toEqual(['m1']);
      expect(await store.deleteIntegration('w1')).toBe(true);
      expect(await store.deleteIntegration('w1')).toBe(false);
      expect(await store.getIntegration('w1')).toBeUndefined();
    });

    it('refuses an integration of an unknown tenant (foreign key)', async () => {
      await expect(store.createIntegration(integration('x', { tenantId: 'nobody' }))).rejects.toThrow();
    });

    it('disables with a reason, and enabling clears the reason and the failure count', async () => {
      await store.createIntegration(integration('w1', { consecutiveFailures: 4 }));
      expect(await store.setIntegrationEnabled('w1', false, 'by hand', T0 + 5)).toMatchObject({
        disabledAt: T0 + 5,
        disabledReason: 'by hand',
        consecutiveFailures: 4,
        updatedAt: T0 + 5,
      });
      expect(await store.setIntegrationEnabled('w1', true, null, T0 + 6)).toMatchObject({
        disabledAt: null,
        disabledReason: null,
        consecutiveFailures: 0,
      });
      expect(await store.setIntegrationEnabled('nope', true, null, T0)).toBeUndefined();
    });

    it('counts failed deliveries, disables once the threshold is reached and says so only that once, and resets on success', async () => {
      await store.createIntegration(integration('w1'));
      expect(await store.countFailedDelivery('w1', 3, 'r', T0 + 1)).toEqual({
        consecutiveFailures: 1,
        disabled: false,
      });
      await store.resetFailures('w1', T0 + 2);
      expect((await store.getIntegration('w1'))?.consecutiveFailures).toBe(0);
      expect(await store.countFailedDelivery('w1', 2, 'r', T0 + 3)).toEqual({
        consecutiveFailures: 1,
        disabled: false,
      });
      expect(await store.countFailedDelivery('w1', 2, 'too many', T0 + 4)).toEqual({
        consecutiveFailures: 2,
        disabled: true,
      });
      expect(await store.countFailedDelivery('w1', 2, 'again', T0 + 5)).toEqual({
        consecutiveFailures: 3,
        disabled: false,
      });
      expect(await store.getIntegration('w1')).toMatchObject({ disabledAt: T0 + 4, disabledReason: 'too many' });
      expect(await store.countFailedDelivery('nope', 2, 'r', T0)).toEqual({ consecutiveFailures: 0, disabled: false });
    });

    it('queues a delivery once however often it is queued', async () => {
      await store.createIntegration(integration('w1'));
      expect(await store.enqueueDeliveries([pending('d1', 'w1'), pending('d2', 'w1')])).toBe(2);
      expect(await store.enqueueDeliveries([pending('d1', 'w1'), pending('d3', 'w1')])).toBe(1);
      expect(await store.enqueueDeliveries([])).toBe(0);
    });

    it('finds the enabled integrations of a kind with deliveries due', async () => {
      await store.createIntegration(integration('w1'));
      await store.createIntegration(integration('w2'));
      await store.createIntegration(integration('w3', { disabledAt: T0, disabledReason: 'x' }));
      await store.createIntegration(integration('m1', { kind: 'mqtt' }));
      await store.enqueueDeliveries([
        pending('a', 'w1'),
        pending('b', 'w1'),
        pending('c', 'w2', { nextAttemptAt: T0 + 1000 }),
        pending('d', 'w3'),
        pending('e', 'm1'),
      ]);
      expect(await store.dueIntegrations('webhook', T0, 10)).toEqual(['w1']);
      expect((await store.dueIntegrations('webhook', T0 + 1000, 10)).sort()).toEqual(['w1', 'w2']);
      expect(await store.dueIntegrations('mqtt', T0, 10)).toEqual(['m1']);
    });

    it('claims the earliest due delivery in queue order and leases it until the lease ends', async () => {
      await store.createIntegration(integration('w1'));
      await store.enqueueDeliveries([
        pending('late', 'w1', { nextAttemptAt: T0 + 500 }),
        pending('z', 'w1'),
        pending('a', 'w1'),
      ]);
      expect((await store.claimNextDelivery('w1', T0, T0 + 40_000))?.id).toBe('z');
      expect((await store.claimNextDelivery('w1', T0, T0 + 40_000))?.id).toBe('a');
      expect(await store.claimNextDelivery('w1', T0, T0 + 40_000)).toBeUndefined();
      const late = await store.claimNextDelivery('w1', T0 + 500, T0 + 40_500);
      expect(late).toEqual(pending('late', 'w1', { nextAttemptAt: T0 + 40_500 }));
      expect((await store.claimNextDelivery('w1', T0 + 40_000, T0 + 80_000))?.id).toBe('z'); // the lease ran out
    });

    it('claims a batch of the earliest due deliveries in queue order, hands back the unattempted, and completes many', async () => {
      await store.createIntegration(integration('w1'));
      await store.enqueueDeliveries([
        pending('late', 'w1', { nextAttemptAt: T0 + 500 }),
        ...['z', 'a', 'm', 'b'].map((id) => pending(id, 'w1')),
      ]);
      const got = await store.claimDueDeliveries('w1', T0, T0 + 40_000, 3);
      expect(got.map((d) => d.id)).toEqual(['z', 'a', 'm']);
      expect(got[0]).toEqual(pending('z', 'w1', { nextAttemptAt: T0 + 40_000 }));
      expect((await store.claimDueDeliveries('w1', T0, T0 + 40_000, 3)).map((d) => d.id)).toEqual(['b']);
      await store.releaseDeliveries(['a', 'm'], T0 + 1);
      expect(await store.claimDueDeliveries('w1', T0, T0 + 40_000, 10)).toEqual([]);
      expect((await store.claimDueDeliveries('w1', T0 + 500, T0 + 40_000, 10)).map((d) => d.id)).toEqual([
        'a',
        'm',
        'late',
      ]);
      await store.completeDeliveries(['z', 'a', 'm', 'b', 'late', 'never-queued']);
      expect(await store.claimDueDeliveries('w1', T0 + 100_000, T0 + 140_000, 10)).toEqual([]);
      await store.completeDeliveries([]);
    });

    it('never hands one delivery to two claims at once', async () => {
      await store.createIntegration(integration('w1'));
      await store.enqueueDeliveries(['a', 'b', 'c', 'd', 'e'].map((id) => pending(id, 'w1')));
      const got = await Promise.all(Array.from({ length: 12 }, () => store.claimNextDelivery('w1', T0, T0 + 40_000)));
      const ids = got.flatMap((d) => (d ? [d.id] : []));
      expect(new Set(ids).size).toBe(ids.length);
      // PostgreSQL may let a claim that lost a race come back empty-handed; the worker simply claims again.
      const rest = [];
      for (
        let d = await store.claimNextDelivery('w1', T0, T0 + 40_000);
        d;
        d = await store.claimNextDelivery('w1', T0, T0 + 40_000)
      )
        rest.push(d.id);
      expect([...ids, ...rest].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    });

    it('claims nothing for a disabled integration', async () => {
      await store.createIntegration(integration('w1', { disabledAt: T0, disabledReason: 'x' }));
      await store.enqueueDeliveries([pending('a', 'w1')]);
      expect(await store.claimNextDelivery('w1', T0, T0 + 1)).toBeUndefined();
    });

    it('reschedules and completes deliveries, and a deleted integration takes its queue along', async () => {
      await store.createIntegration(integration('w1'));
      await store.createIntegration(integration('w2'));
      await store.enqueueDeliveries([pending('a', 'w1'), pending('b', 'w1'), pending('c', 'w2')]);
      await store.rescheduleDelivery('a', 3, T0 + 4000);
      await store.completeDelivery('b');
      expect(await store.claimNextDelivery('w1', T0 + 3999, T0 + 9999)).toBeUndefined();
      expect(await store.claimNextDelivery('w1', T0 + 4000, T0 + 9999)).toMatchObject({ id: 'a', attempts: 3 });
      await store.deleteIntegration('w2');
      await store.createIntegration(integration('w2'));
      expect(await store.claimNextDelivery('w2', T0, T0 + 1)).toBeUndefined();
    });

    it('pages a delivery log newest first, refuses a cursor of another log, prunes old entries, and deletes it with its integration', async () => {
      await store.createIntegration(integration('w1'));
      await store.createIntegration(integration('w2'));
      for (let n = 1; n <= 5; n++) {
        await store.appendAttempt({
          integrationId: 'w1',
          deliveryId: 'd1',
          eventKind: 'uplink',
          messageId: n === 5 ? null : 'm.1',
          attempt: n,
          outcome: n === 5 ? 'delivered' : 'retrying',
          statusCode: n === 2 ? null : 500 + n,
          error: n === 5 ? null : `e${n}`,
          durationMs: 12.6,
          at: T0 + n,
        });
      }
      const p1 = await store.listAttempts('w1', { limit: 2 });
      expect(p1.items.map((a) => a.attempt)).toEqual([5, 4]);
      expect(p1.items[0]).toMatchObject({
        integrationId: 'w1',
        deliveryId: 'd1',
        messageId: null,
        outcome: 'delivered',
        statusCode: 505,
        error: null,
        durationMs: 13,
        at: T0 + 5,
      });
      const p2 = await store.listAttempts('w1', { limit: 2, cursor: p1.nextCursor! });
      expect(p2.items.map((a) => [a.attempt, a.statusCode])).toEqual([
        [3, 503],
        [2, null],
      ]);
      const p3 = await store.listAttempts('w1', { limit: 2, cursor: p2.nextCursor! });
      expect(p3.items.map((a) => a.attempt)).toEqual([1]);
      expect(p3.nextCursor).toBeUndefined();
      await expect(store.listAttempts('w2', { limit: 2, cursor: p1.nextCursor! })).rejects.toBeInstanceOf(SatiotError);
      await expect(store.listAttempts('w1', { limit: 0 })).rejects.toBeInstanceOf(SatiotError);
      expect(await store.pruneAttempts(T0 + 3)).toBe(2);
      expect((await store.listAttempts('w1', { limit: 10 })).items.map((a) => a.attempt)).toEqual([5, 4, 3]);
      await store.deleteIntegration('w1');
      expect((await store.listAttempts('w1', { limit: 10 })).items).toEqual([]);
    });

    it('logs many attempts and records many deliveries at once', async () => {
      await store.createIntegration(integration('w1'));
      await store.appendAttempts(
        Array.from({ length: 250 }, (_, i) => ({
          integrationId: 'w1',
          deliveryId: `d${i}`,
          eventKind: 'decoded' as const,
          messageId: `m.${i}`,
          attempt: 1,
          outcome: 'delivered' as const,
          statusCode: 204,
          error: null,
          durationMs: 1,
          at: T0 + i,
        })),
      );
      const log = await store.listAttempts('w1', { limit: 1000 });
      expect(log.items).toHaveLength(250);
      expect(log.items[0]).toMatchObject({ deliveryId: 'd249', at: T0 + 249 }); // newest first: the order given
      await store.recordMessagesDelivered([
        ...Array.from({ length: 250 }, (_, i) => ({
          messageId: `m.${i}`,
          integrationKind: 'webhook' as const,
          integrationId: 'w1',
          deliveredAt: T0 + i,
        })),
        { messageId: 'm.0', integrationKind: 'webhook', integrationId: 'w1', deliveredAt: T0 + 999 },
      ]);
      expect(await store.deliveriesOf(['m.0', 'm.249'])).toEqual([
        { messageId: 'm.0', integrationKind: 'webhook', integrationId: 'w1', deliveredAt: T0 },
        { messageId: 'm.249', integrationKind: 'webhook', integrationId: 'w1', deliveredAt: T0 + 249 },
      ]);
    });

    it("keeps each message's first delivery per integration, beyond an integration's deletion, for many ids at once", async () => {
      await store.recordMessageDelivered({
        messageId: 'm.1',
        integrationKind: 'webhook',
        integrationId: 'w1',
        deliveredAt: T0 + 2,
      });
      await store.recordMessageDelivered({
        messageId: 'm.1',
        integrationKind: 'webhook',
        integrationId: 'w1',
        deliveredAt: T0 + 9,
      });
      await store.recordMessageDelivered({
        messageId: 'm.1',
        integrationKind: 'mqtt',
        integrationId: 'q1',
        deliveredAt: T0 + 1,
      });
      await store.recordMessageDelivered({
        messageId: 'm.700',
        integrationKind: 'mqtt',
        integrationId: 'q1',
        deliveredAt: T0 + 3,
      });
      const ids = Array.from({ length: 1200 }, (_, i) => `m.${i}`);
      expect(await store.deliveriesOf(ids)).toEqual([
        { messageId: 'm.1', integrationKind: 'mqtt', integrationId: 'q1', deliveredAt: T0 + 1 },
        { messageId: 'm.1', integrationKind: 'webhook', integrationId: 'w1', deliveredAt: T0 + 2 },
        { messageId: 'm.700', integrationKind: 'mqtt', integrationId: 'q1', deliveredAt: T0 + 3 },
      ]);
      expect(await store.deliveriesOf([])).toEqual([]);
    });
  });
}
