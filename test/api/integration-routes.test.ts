import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TENANT } from '../core/delivery/helpers.js';
import { auth, deliveryApp, type DeliveryApp } from './delivery-app.js';

describe('API: MQTT integrations', () => {
  let h: DeliveryApp;
  beforeEach(async () => {
    h = await deliveryApp();
  });
  afterEach(() => h.close());

  const create = (payload: Record<string, unknown>) =>
    h.app.inject({ method: 'POST', url: '/api/v1/integrations/mqtt', headers: auth, payload });

  it('configures a broker and never answers its password, only that there is one', async () => {
    const res = await create({
      tenantId: TENANT,
      url: 'mqtts://broker.example:8883',
      username: 'satiot',
      password: 'pa55word',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      id: expect.any(String),
      tenantId: TENANT,
      url: 'mqtts://broker.example:8883',
      events: ['uplink', 'decoded', 'alarm', 'downlink'],
      username: 'satiot',
      hasPassword: true,
      topicPrefix: 'satiot',
      enabled: true,
      consecutiveFailures: 0,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const list = await h.app.inject({
      method: 'GET',
      url: `/api/v1/integrations/mqtt?tenantId=${TENANT}`,
      headers: auth,
    });
    expect(list.json().items).toHaveLength(1);
    expect(list.body).not.toContain('pa55word');
    const bare = await create({
      tenantId: TENANT,
      url: 'mqtt://broker.example:1883',
      topicPrefix: 'acme/field',
      events: ['alarm'],
    });
    expect(bare.json()).toMatchObject({ hasPassword: false, topicPrefix: 'acme/field', events: ['alarm'] });
    expect(bare.json().username).toBeUndefined();
  });

  it('disables, enables, shows the delivery log of and deletes an integration', async () => {
    const { id } = (await create({ tenantId: TENANT, url: 'mqtt://broker.example' })).json();
    const off = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/integrations/mqtt/${id}`,
      headers: auth,
      payload: { enabled: false },
    });
    expect(off.json()).toMatchObject({ enabled: false, disabledReason: 'disabled by an operator' });
    expect(
      (
        await h.app.inject({
          method: 'PATCH',
          url: `/api/v1/integrations/mqtt/${id}`,
          headers: auth,
          payload: { enabled: true },
        })
      ).json().enabled,
    ).toBe(true);
    expect(
      (
        await h.app.inject({ method: 'GET', url: `/api/v1/integrations/mqtt/${id}/deliveries?limit=5`, headers: auth })
      ).json(),
    ).toEqual({ items: [] });
    expect(
      (await h.app.inject({ method: 'GET', url: `/api/v1/integrations/mqtt/${id}`, headers: auth })).json().id,
    ).toBe(id);
    expect(
      (await h.app.inject({ method: 'DELETE', url: `/api/v1/integrations/mqtt/${id}`, headers: auth })).statusCode,
    ).toBe(204);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/integrations/mqtt', headers: auth })).json()).toEqual({
      items: [],
    });
  });

  it('asks for the operator key and refuses unknown fields', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/integrations/mqtt',
      payload: { tenantId: TENANT, url: 'mqtt://b.example' },
    });
    expect([res.statusCode, res.json().error.code]).toEqual([401, 'UNAUTHORIZED']);
    const extra = await create({ tenantId: TENANT, url: 'mqtt://b.example', qos: 2 });
    expect([extra.statusCode, extra.json().error.code]).toEqual([400, 'INVALID_ARGUMENT']);
  });

  it('answers 404 INTEGRATION_NOT_FOUND, also for a webhook id, and 400 INTEGRATION_INVALID for a bad URL or topic prefix', async () => {
    const hook = await h.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: auth,
      payload: { tenantId: TENANT, url: 'https://x.example/' },
    });
    for (const id of ['nope', hook.json().id as string]) {
      const res = await h.app.inject({ method: 'GET', url: `/api/v1/integrations/mqtt/${id}`, headers: auth });
      expect([res.statusCode, res.json().error.code]).toEqual([404, 'INTEGRATION_NOT_FOUND']);
    }
    for (const body of [{ url: 'http://b.example' }, { url: 'mqtt://b.example', topicPrefix: 'a/#' }]) {
      const res = await create({ tenantId: TENANT, ...body });
      expect([res.statusCode, res.json().error.code]).toEqual([400, 'INTEGRATION_INVALID']);
    }
  });
});
