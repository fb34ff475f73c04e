import { describe, expect, it } from 'vitest';
import { isInternalHost } from '../../src/api/routes/integration-json.js';
import { FakePublisher, FakeTransport } from '../core/delivery/helpers.js';
import { KEY, useApi } from './api-fixture.js';

describe('delivery targets of tenant keys', () => {
  it('tells loopback, private, link-local and unique-local hosts from public ones', () => {
    for (const h of [
      'localhost',
      'api.localhost',
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::7f00:1',
      '64:ff9b::10.0.0.1',
      '2002:a00:1::1',
      'fec0::1',
      '198.18.0.1',
      '224.0.0.251',
      'ff02::1',
    ]) {
      expect(isInternalHost(h), h).toBe(true);
    }
    for (const h of [
      'receiver.example',
      '8.8.8.8',
      '172.32.0.1',
      '192.169.0.1',
      '2001:db8::1',
      'localhost.example.com',
    ])
      expect(isInternalHost(h), h).toBe(false);
  });

  describe('API', () => {
    const api = useApi({ delivery: { transport: new FakeTransport(), publisher: new FakePublisher() } });
    const as = (key: string, url: string, payload: object) =>
      api.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${key}` }, payload });
    const keyOf = async (role: string, tenantId?: string) =>
      (
        await api.app.inject({
          method: 'POST',
          url: '/api/v1/api-keys',
          headers: { authorization: `Bearer ${KEY}` },
          payload: { role, ...(tenantId ? { tenantId } : {}) },
        })
      ).json().key as string;

    it("refuses a webhook or broker on the service's own network, for tenant and operator keys alike, when internal delivery is not allowed", async () => {
      const admin = await keyOf('tenant-admin', api.f.tenantId);
      for (const [route, url] of [
        ['/api/v1/webhooks', 'http://127.0.0.1:5432/'],
        ['/api/v1/webhooks', 'http://169.254.169.254/latest'],
        ['/api/v1/integrations/mqtt', 'mqtt://localhost:1883'],
        // Shorthand IPv4 that mqtt: URLs keep as typed but the resolver turns into internal addresses.
        ['/api/v1/integrations/mqtt', 'mqtt://127.1:1883'],
        ['/api/v1/integrations/mqtt', 'mqtt://2130706433:1883'],
        ['/api/v1/integrations/mqtt', 'mqtts://10.1:8883'],
        ['/api/v1/integrations/mqtt', 'mqtt://[::1]:1883'],
        ['/api/v1/webhooks', 'http://[::7f00:1]/'],
        ['/api/v1/webhooks', 'http://[64:ff9b::a9fe:a9fe]/latest'],
        ['/api/v1/webhooks', 'http://198.18.0.1/'],
        ['/api/v1/integrations/mqtt', 'mqtt://[fec0::1]:1883'],
      ] as const) {
        for (const key of [admin, KEY]) {
          const res = await as(key, route, { tenantId: api.f.tenantId, url });
          expect([res.statusCode, res.json().error.code], `${url} ${key === KEY ? 'operator' : 'admin'}`).toEqual([
            400,
            'INTEGRATION_INVALID',
          ]);
        }
      }
      expect(
        (await as(admin, '/api/v1/webhooks', { tenantId: api.f.tenantId, url: 'https://receiver.example/hook' }))
          .statusCode,
      ).toBe(201);
    });

    it('infers the tenant of a tenant key that names none, and answers 404 for another tenant', async () => {
      const admin = await keyOf('tenant-admin', api.f.tenantId);
      const hook = await as(admin, '/api/v1/webhooks', { url: 'https://receiver.example/hook' });
      expect(hook.statusCode).toBe(201);
      const got = await api.app.inject({
        method: 'GET',
        url: `/api/v1/webhooks/${hook.json().id}`,
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(got.json().tenantId).toBe(api.f.tenantId);
      const mqtt = await as(admin, '/api/v1/integrations/mqtt', { url: 'mqtt://broker.example:1883' });
      expect([mqtt.statusCode, mqtt.json().tenantId]).toEqual([201, api.f.tenantId]);
      for (const route of ['/api/v1/webhooks', '/api/v1/integrations/mqtt']) {
        const other = await as(admin, route, {
          tenantId: 'someone-else',
          url: route.endsWith('mqtt') ? 'mqtt://broker.example' : 'https://receiver.example/',
        });
        expect([other.statusCode, other.json().error.code]).toEqual([404, 'TENANT_NOT_FOUND']);
        const unnamed = await as(KEY, route, {
          url: route.endsWith('mqtt') ? 'mqtt://broker.example' : 'https://receiver.example/',
        });
        expect([unnamed.statusCode, unnamed.json().error.code]).toEqual([400, 'INVALID_ARGUMENT']);
      }
    });

    it('shows regulators only the scheme and host of a webhook or broker URL, and its tenant and operators the whole URL', async () => {
      const url = 'https://hooks.example:8443/t/0123456789abcdef/ingest?token=s3cret';
      const hook = (await as(KEY, '/api/v1/webhooks', { tenantId: api.f.tenantId, url })).json().id as string;
      const broker = (
        await as(KEY, '/api/v1/integrations/mqtt', {
          tenantId: api.f.tenantId,
          url: 'mqtts://broker.example:8883/acme-s3cret',
        })
      ).json().id as string;
      const read = async (key: string, path: string) =>
        (await api.app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${key}` } })).json();
      const regulator = await keyOf('regulator');
      expect((await read(regulator, `/api/v1/webhooks/${hook}`)).url).toBe('https://hooks.example:8443');
      expect(
        (await read(regulator, `/api/v1/webhooks?tenantId=${api.f.tenantId}`)).items.map((w: { url: string }) => w.url),
      ).toEqual(['https://hooks.example:8443']);
      expect((await read(regulator, `/api/v1/integrations/mqtt/${broker}`)).url).toBe('mqtts://broker.example:8883');
      expect((await read(regulator, '/api/v1/integrations/mqtt')).items.map((w: { url: string }) => w.url)).toEqual([
        'mqtts://broker.example:8883',
      ]);
      for (const key of [KEY, await keyOf('tenant-admin', api.f.tenantId)]) {
        expect((await read(key, `/api/v1/webhooks/${hook}`)).url).toBe(url);
        expect((await read(key, `/api/v1/integrations/mqtt/${broker}`)).url).toBe(
          'mqtts://broker.example:8883/acme-s3cret',
        );
      }
    });
  });

  describe('API of a server started with --allow-internal-delivery', () => {
    const api = useApi({
      delivery: { transport: new FakeTransport(), publisher: new FakePublisher(), allowInternal: true },
    });

    it("lets a tenant admin's webhook or broker point at an on-site receiver", async () => {
      const admin = (
        await api.app.inject({
          method: 'POST',
          url: '/api/v1/api-keys',
          headers: { authorization: `Bearer ${KEY}` },
          payload: { tenantId: api.f.tenantId, role: 'tenant-admin' },
        })
      ).json().key;
      for (const [route, url] of [
        ['/api/v1/webhooks', 'http://10.0.0.5/hook'],
        ['/api/v1/integrations/mqtt', 'mqtt://127.0.0.1:1883'],
      ] as const) {
        const res = await api.app.inject({
          method: 'POST',
          url: route,
          headers: { authorization: `Bearer ${admin}` },
          payload: { tenantId: api.f.tenantId, url },
        });
        expect(res.statusCode, url).toBe(201);
      }
    });
  });
});
