import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntegrationCatalog } from '../../../src/core/delivery/integration-catalog.js';
import { ManualClock } from '../../../src/core/ports/clock.js';
import { SatiotError } from '../../../src/errors/satiot-error.js';
import { T0, TENANT, TENANTS, deliveryDb, testVault, type DeliveryDb } from './helpers.js';

async function codeOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SatiotError);
  return (e as SatiotError).code;
}

describe('integration catalogue', () => {
  let d: DeliveryDb;
  let clock: ManualClock;
  let catalog: IntegrationCatalog;

  beforeEach(() => {
    d = deliveryDb();
    clock = new ManualClock(T0);
    catalog = new IntegrationCatalog(d.store, TENANTS, testVault(), clock);
  });
  afterEach(() => d.close());

  it('generates a webhook secret, answers it once, and stores it only sealed', async () => {
    const { webhook, secret } = await catalog.createWebhook({ tenantId: TENANT, url: 'https://app.example/hook' });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(webhook).toMatchObject({
      kind: 'webhook',
      tenantId: TENANT,
      events: ['uplink', 'decoded', 'alarm', 'downlink'],
      disabledAt: null,
      createdAt: T0,
    });
    const row = d.sqlite.prepare('SELECT * FROM integrations').get() as Record<string, unknown>;
    expect(JSON.stringify(row)).not.toContain(secret.slice(6));
    expect(catalog.secretOf(await catalog.get('webhook', webhook.id))).toBe(secret);
    const second = await catalog.createWebhook({ tenantId: TENANT, url: 'https://app.example/hook' });
    expect(second.secret).not.toBe(secret);
  });

  it('stores an MQTT password only sealed, and opens it for the forwarder', async () => {
    const r = await catalog.createMqtt({
      tenantId: TENANT,
      url: 'mqtts://broker.example:8883',
      username: 'u',
      password: 'pa55word',
    });
    expect(JSON.stringify(d.sqlite.prepare('SELECT * FROM integrations').get())).not.toContain('pa55word');
    expect(catalog.secretOf(r)).toBe('pa55word');
    expect(catalog.secretOf(await catalog.createMqtt({ tenantId: TENANT, url: 'mqtt://b.example' }))).toBeUndefined();
  });

  it('refuses URLs that are not http(s) for webhooks or mqtt(s)/ws(s) for brokers, or that carry credentials', async () => {
    for (const url of ['ftp://x.example/', 'not a url', 'https://user:pw@x.example/', 'mqtt://broker.example']) {
      expect(await codeOf(catalog.createWebhook({ tenantId: TENANT, url }))).toBe('INTEGRATION_INVALID');
    }
    for (const url of ['https://broker.example', 'tcp://broker.example:1883', 'mqtt://u:p@broker.example']) {
      expect(await codeOf(catalog.createMqtt({ tenantId: TENANT, url }))).toBe('INTEGRATION_INVALID');
    }
  });

  it('refuses an empty or unknown event list and a topic prefix with wildcards, empty levels or a leading $', async () => {
    expect(await codeOf(catalog.createWebhook({ tenantId: TENANT, url: 'https://x.example/', events: [] }))).toBe(
      'INTEGRATION_INVALID',
    );
    expect(
      await codeOf(catalog.createWebhook({ tenantId: TENANT, url: 'https://x.example/', events: ['telemetry'] })),
    ).toBe('INTEGRATION_INVALID');
    for (const topicPrefix of ['a/+/b', 'a/#', 'a//b', '/a', 'a/', '$SYS', '']) {
      expect(await codeOf(catalog.createMqtt({ tenantId: TENANT, url: 'mqtt://b.example', topicPrefix }))).toBe(
        'INTEGRATION_INVALID',
      );
    }
    expect(
      (await catalog.createMqtt({ tenantId: TENANT, url: 'mqtt://b.example', topicPrefix: 'plant-7/satiot' }))
        .topicPrefix,
    ).toBe('plant-7/satiot');
  });

  it('refuses an unknown tenant with TENANT_NOT_FOUND', async () => {
    expect(await codeOf(catalog.createWebhook({ tenantId: 'nobody', url: 'https://x.example/' }))).toBe(
      'TENANT_NOT_FOUND',
    );
  });

  it('answers WEBHOOK_NOT_FOUND and INTEGRATION_NOT_FOUND for an unknown id or one of the other kind', async () => {
    const m = await catalog.createMqtt({ tenantId: TENANT, url: 'mqtt://b.example' });
    expect(await codeOf(catalog.get('webhook', m.id))).toBe('WEBHOOK_NOT_FOUND');
    expect(await codeOf(catalog.setEnabled('webhook', 'nope', false))).toBe('WEBHOOK_NOT_FOUND');
    expect(await codeOf(catalog.delete('mqtt', 'nope'))).toBe('INTEGRATION_NOT_FOUND');
  });

  it("serves the consumers from a cache that a change on this node clears at once and another node's change after the TTL", async () => {
    const { webhook } = await catalog.createWebhook({ tenantId: TENANT, url: 'https://x.example/' });
    expect((await catalog.activeFor(TENANT, 'webhook')).map((w) => w.id)).toEqual([webhook.id]);
    await catalog.setEnabled('webhook', webhook.id, false);
    expect(await catalog.activeFor(TENANT, 'webhook')).toEqual([]);
    await d.store.setIntegrationEnabled(webhook.id, true, null, T0); // another node
    expect(await catalog.activeFor(TENANT, 'webhook')).toEqual([]);
    clock.advance(5_001);
    expect((await catalog.activeFor(TENANT, 'webhook')).map((w) => w.id)).toEqual([webhook.id]);
  });
});
