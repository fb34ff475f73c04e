import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openBus } from '../../../src/bus/open-bus.js';
import { DeliveryService } from '../../../src/core/delivery/delivery-service.js';
import type { DeliveryPolicy } from '../../../src/core/delivery/delivery-policy.js';
import { verifySignature } from '../../../src/core/delivery/signature.js';
import type { Bus } from '../../../src/core/ports/bus.js';
import { ManualClock } from '../../../src/core/ports/clock.js';
import {
  FakePublisher,
  FakeTransport,
  OTHER_TENANT,
  T0,
  TENANT,
  TENANTS,
  deliveryDb,
  eventMessage,
  testVault,
  uplinkMessage,
  type DeliveryDb,
} from './helpers.js';

const HOOK = 'https://app.example/hook';

describe('webhook dispatcher (fake transport, manual clock)', () => {
  let d: DeliveryDb;
  let bus: Bus;
  let clock: ManualClock;
  let transport: FakeTransport;
  let svc: DeliveryService;

  /** One delivery at a time per webhook, so the calls come in queue order. */
  async function setUp(policy: Partial<DeliveryPolicy> = {}): Promise<void> {
    svc = DeliveryService.create({
      store: d.store,
      bus,
      vault: testVault(),
      tenants: TENANTS,
      transport,
      publisher: new FakePublisher(),
      clock,
      policy: { concurrencyPerIntegration: 1, ...policy },
      onError: (e) => {
        throw e;
      },
    });
  }

  beforeEach(async () => {
    d = deliveryDb();
    bus = await openBus('memory');
    clock = new ManualClock(T0);
    transport = new FakeTransport();
    await setUp();
  });
  afterEach(async () => {
    await svc.stop();
    await bus.close();
    await d.close();
  });

  const queue = (m: Parameters<DeliveryService['webhooks']['fanout']['handle']>[0]) => svc.webhooks.fanout.handle(m);
  const drain = () => svc.webhooks.worker.drain();
  const log = async (id: string) => (await svc.catalog.attempts('webhook', id, { limit: 100 })).items;
  const pending = () => d.sqlite.prepare('SELECT count(*) FROM pending_deliveries').pluck().get() as number;

  it("posts an event to each of its tenant's webhooks that want its kind, signed, with its kind and delivery id", async () => {
    const all = await svc.catalog.createWebhook({ tenantId: TENANT, url: HOOK });
    const alarms = await svc.catalog.createWebhook({
      tenantId: TENANT,
      url: 'https://alarms.example/',
      events: ['alarm'],
    });
    await svc.catalog.createWebhook({ tenantId: OTHER_TENANT, url: 'https://other.example/' });
    const up = uplinkMessage(1);
    await queue(up);
    await queue(eventMessage('alarm', { action: 'raised' }));
    expect(await drain()).toBe(3);

    const [u, a1] = transport.to(HOOK);
    expect(u!.body).toBe(Buffer.from(up.data).toString('utf8'));
    expect(u!.headers).toMatchObject({
      'content-type': 'application/json',
      'X-Satiot-Timestamp': String(T0 / 1000),
      'X-Satiot-Event': 'uplink',
    });
    expect(u!.headers['X-Satiot-Delivery']).toMatch(/^[0-9a-f]{32}$/);
    expect(
      verifySignature(
        all.secret,
        u!.headers['X-Satiot-Signature'],
        u!.headers['X-Satiot-Timestamp'],
        u!.body,
        T0 / 1000,
      ),
    ).toBe(true);
    expect(
      verifySignature(
        alarms.secret,
        u!.headers['X-Satiot-Signature'],
        u!.headers['X-Satiot-Timestamp'],
        u!.body,
        T0 / 1000,
      ),
    ).toBe(false);
    expect(u!.timeoutMs).toBe(10_000);
    expect(a1!.headers['X-Satiot-Event']).toBe('alarm');
    expect(transport.to('https://alarms.example/').map((c) => c.headers['X-Satiot-Event'])).toEqual(['alarm']);
    expect(transport.to('https://other.example/')).toEqual([]);

    expect(await log(all.webhook.id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          eventKind: 'uplink',
          messageId: 'term-1.1',
          attempt: 1,
          outcome: 'delivered',
          statusCode: 200,
          error: null,
          at: T0,
        }),
      ]),
    );
    expect((await svc.deliveriesOf(['term-1.1'])).get('term-1.1')).toEqual([
      { messageId: 'term-1.1', integrationKind: 'webhook', integrationId: all.webhook.id, deliveredAt: T0 },
    ]);
    expect(pending()).toBe(0);
  });

  it('retries after 1 s, 2 s and 4 s, signing each attempt afresh, and logs each status or the class of error (never its raw text)', async () => {
    const w = await svc.catalog.createWebhook({ tenantId: TENANT, url: HOOK });
    transport.script(
      HOOK,
      500,
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:8080'), { code: 'ECONNREFUSED' }),
      503,
      200,
    );
    await queue(uplinkMessage(1));
    const callsAfter = async (advanceMs: number) => {
      clock.advance(advanceMs);
      await drain();
      return transport.calls.length;
    };
    expect(await callsAfter(0)).toBe(1);
    expect(await callsAfter(999)).toBe(1);
    expect(await callsAfter(1)).toBe(2);
    expect(await callsAfter(1999)).toBe(2);
    expect(await callsAfter(1)).toBe(3);
    expect(await callsAfter(4000)).toBe(4);
    expect(await callsAfter(60_000)).toBe(4);

    expect(transport.calls.map((c) => Number(c.headers['X-Satiot-Timestamp']) - T0 / 1000)).toEqual([0, 1, 3, 7]);
    expect(new Set(transport.calls.map((c) => c.headers['X-Satiot-Delivery'])).size).toBe(1);
    expect((await log(w.webhook.id)).map((a) => [a.attempt, a.outcome, a.statusCode, a.error])).toEqual([
      [4, 'delivered', 200, null],
      [3, 'retrying', 503, 'HTTP 503'],
      [2, 'retrying', null, 'connection refused'],
      [1, 'retrying', 500, 'HTTP 500'],
    ]);
    expect((await svc.deliveriesOf(['term-1.1'])).get('term-1.1')?.[0]?.deliveredAt).toBe(T0 + 7000);
  });

  it('attempts a claimed batch in queue order, stops it at the first failure and hands the rest back unattempted', async () => {
    const w = await svc.catalog.createWebhook({ tenantId: TENANT, url: HOOK });
    transport.script(HOOK, 200, 200, 500, 200, 200, 200);
    for (const n of [1, 2, 3, 4, 5]) await queue(uplinkMessage(n));
    expect(await drain()).toBe(5);
    const fCnts = transport.calls.map((c) => (JSON.parse(c.body) as { fCnt: number }).fCnt);
    expect(fCnts).toEqual([1, 2, 3, 4, 5]); // 4 and 5 were handed back when 3 failed, then claimed again
    const attempts = await log(w.webhook.id);
    expect(attempts.filter((a) => a.outcome === 'delivered').map((a) => a.attempt)).toEqual([1, 1, 1, 1]); // none counted twice
    expect(attempts.find((a) => a.messageId === 'term-1.3')).toMatchObject({
      attempt: 1,
      outcome: 'retrying',
      statusCode: 500,
    });
    expect(pending()).toBe(1);
    clock.advance(1000);
    expect(await drain()).toBe(1);
    expect(pending()).toBe(0);
  });

  it('claims one delivery at a time with claimBatch 1', async () => {
    await svc.stop();
    await setUp({ claimBatch: 1 });
    await svc.catalog.createWebhook({ tenantId: TENANT, url: HOOK });
    for (const n of [1, 2, 3]) await queue(uplinkMessage(n));
    const claims = vi.spyOn(d.store, 'claimDueDeliveries');
    expect(await drain()).toBe(3);
    expect(claims.mock.calls.map((c) => c[3])).toEqual([1, 1, 1, 1]); // the last one finds nothing
  });

  it('gives a delivery up after its last attempt and disables a webhook whose deliveries keep failing, with the reason', async () => {
    await svc.stop();
    await setUp({ maxAttempts: 2, disableAfterFailures: 3 });
    const w = await svc.catalog.createWebhook({ tenantId: TENANT, url: HOOK });
    transport.script(HOOK, ...Array<number>(6).fill(500));
    for (const n of [1, 2, 3]) await queue(uplinkMessage(n));
    await drain();
    clock.advance(1000);
    await drain();
    expect(transport.calls).toHaveLength(6);
    const off = await svc.catalog.get('webhook', w.webhook.id);
    expect(off).toMatchObject({ disabledAt: T0 + 1000, consecutiveFailures: 3 });
    expect(off.disabledReason).toMatch(/3 deliveries in a row failed .*HTTP 500/);
    expect((await log(w.webhook.id)).filter((a) => a.outcome === 'failed')).toHaveLength(3);
    expect(pending()).toBe(0);
    expect((await svc.deliveriesOf(['term-1.1'])).get('term-1.1')).toEqual([]);

    await queue(uplinkMessage(4)); // a disabled webhook is not queued for
    await drain();
    expect(transport.calls).toHaveLength(6);

    const on = await svc.catalog.setEnabled('webhook', w.webhook.id, true);
    expect(on).toMatchObject({ disabledAt: null, disabledReason: null, consecutiveFailures: 0 });
    await queue(uplinkMessage(5));
    await drain();
    expect(transport.calls.at(-1)!.body).toContain('"term-1.5"');
  });

  it('counts failed deliveries only in a row: one delivered resets the count', async () => {
    await svc.stop();
    await setUp({ maxAttempts: 1, disableAfterFailures: 2 });
    const w = await svc.catalog.createWebhook({ tenantId: TENANT, url: HOOK });
    transport.script(HOOK, 500, 200, 500);
    for (const n of [1, 2, 3]) {
      await queue(uplinkMessage(n));
      await drain();
    }
    expect(await svc.catalog.get('webhook', w.webhook.id)).toMatchObject({ disabledAt: null, consecutiveFailures: 1 });
  });

  it("keeps a manually disabled webhook's queue until it is enabled again", async () => {
    const w = await svc.catalog.createWebhook({ tenantId: TENANT, url: HOOK });
    transport.script(HOOK, 500);
    await queue(uplinkMessage(1));
    await drain();
    await svc.catalog.setEnabled('webhook', w.webhook.id, false);
    clock.advance(60_000);
    await drain();
    expect(transport.calls).toHaveLength(1);
    expect((await svc.catalog.get('webhook', w.webhook.id)).disabledReason).toBe('disabled by an operator');
    await svc.catalog.setEnabled('webhook', w.webhook.id, true);
    await drain();
    expect(transport.calls).toHaveLength(2);
    expect(pending()).toBe(0);
  });

  it('drops the queue and the log of a deleted webhook', async () => {
    const w = await svc.catalog.createWebhook({ tenantId: TENANT, url: HOOK });
    transport.script(HOOK, 500);
    await queue(uplinkMessage(1));
    await drain();
    await svc.catalog.delete('webhook', w.webhook.id);
    expect(pending()).toBe(0);
    expect(d.sqlite.prepare('SELECT count(*) FROM delivery_attempts').pluck().get()).toBe(0);
    clock.advance(60_000);
    await drain();
    expect(transport.calls).toHaveLength(1);
  });

  it('queues a redelivered bus event once', async () => {
    await svc.catalog.createWebhook({ tenantId: TENANT, url: HOOK });
    await queue(uplinkMessage(1));
    await queue(uplinkMessage(1));
    await queue(eventMessage('alarm', { action: 'raised' }));
    await queue(eventMessage('alarm', { action: 'raised' }));
    await drain();
    expect(transport.calls.map((c) => c.headers['X-Satiot-Event'])).toEqual(['uplink', 'alarm']);
  });

  it('takes over a delivery whose node died mid-attempt once the lease (time limit + 30 s) has run out', async () => {
    const w = await svc.catalog.createWebhook({ tenantId: TENANT, url: HOOK });
    await queue(uplinkMessage(1));
    const other = await d.store.claimNextDelivery(w.webhook.id, T0, T0 + 40_000); // another node took it, then died
    expect(other?.messageId).toBe('term-1.1');
    await drain();
    expect(transport.calls).toHaveLength(0);
    clock.advance(40_000);
    await drain();
    expect(transport.calls).toHaveLength(1);
    expect((await log(w.webhook.id))[0]).toMatchObject({ attempt: 1, outcome: 'delivered' });
  });

  it('keeps delivering to other webhooks, and queuing from the bus, while one receiver does not answer', async () => {
    const slow = 'https://slow.example/';
    let answer!: (status: number) => void;
    transport.script(
      slow,
      new Promise<number>((r) => {
        answer = r;
      }),
    );
    await svc.catalog.createWebhook({ tenantId: TENANT, url: slow });
    await svc.catalog.createWebhook({ tenantId: TENANT, url: HOOK });
    await svc.webhooks.start();
    for (const n of [1, 2, 3]) {
      const m = uplinkMessage(n);
      await bus.publish(m.subject, m.data, { msgId: m.msgId! });
    }
    await vi.waitFor(() => expect(transport.to(HOOK)).toHaveLength(3), { timeout: 5000 });
    expect(transport.to(slow)).toHaveLength(1); // in flight; the next ones wait behind it (one at a time here)
    answer(204);
    await vi.waitFor(() => expect(pending()).toBe(0), { timeout: 5000 });
    expect(transport.to(slow)).toHaveLength(3);
  });
});
