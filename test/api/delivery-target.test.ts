import { describe, expect, it } from 'vitest';
import { isInternalHost } from '../../src/api/routes/integration-json.js';
import { FakePublisher, FakeTransport } from '../core/delivery/helpers.js';
import { KEY, useApi } from './api-fixture.js';

describe('delivery targets of tenant keys', () => {
  it('tells loopback, private, link-local and unique-local hosts from public ones', () => {
    for (const h of ['localhost', 'api.localhost', '127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1']) {
      expect(isInternalHost(h), h).toBe(true);
    }
    for (const h of ['receiver.example', '8.8.8.8', '172.32.0.1', '192.169.0.1', '2001:db8::1', 'localhost.example.com']) expect(isInternalHost(h), h).toBe(false);
  });

  describe('API', () => {
    const api = useApi({ delivery: { transport: new FakeTransport(), publisher: new FakePublisher() } });

    it('refuses a tenant admin\'s webhook or broker on the service\'s own network, and lets an operator set one for an on-site receiver', async () => {
      const admin = (await api.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: { authorization: `Bearer ${KEY}` }, payload: { tenantId: api.f.tenantId, role: 'tenant-admin' } })).json().key;
      const as = (key: string, url: string, payload: object) => api.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${key}` }, payload: { tenantId: api.f.tenantId, ...payload } });
      for (const [route, url] of [['/api/v1/webhooks', 'http://127.0.0.1:5432/'], ['/api/v1/webhooks', 'http://169.254.169.254/latest'], ['/api/v1/integrations/mqtt', 'mqtt://localhost:1883'],
        // Shorthand IPv4 that mqtt: URLs keep as typed but the resolver turns into internal addresses.
        ['/api/v1/integrations/mqtt', 'mqtt://127.1:1883'], ['/api/v1/integrations/mqtt', 'mqtt://2130706433:1883'], ['/api/v1/integrations/mqtt', 'mqtts://10.1:8883'], ['/api/v1/integrations/mqtt', 'mqtt://[::1]:1883']] as const) {
        const res = await as(admin, route, { url });
        expect([res.statusCode, res.json().error.code], url).toEqual([400, 'INTEGRATION_INVALID']);
      }
      expect((await as(admin, '/api/v1/webhooks', { url: 'https://receiver.example/hook' })).statusCode).toBe(201);
      expect((await as(KEY, '/api/v1/webhooks', { url: 'http://10.0.0.5/hook' })).statusCode).toBe(201);
    });
  });
});
