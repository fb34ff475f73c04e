import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { sha256Hex } from '../../src/core/provisioning.js';
import { usageReport } from '../../src/core/usage-report.js';
import { coreFixture, uplink, T0, type CoreFixture } from '../core/helpers.js';

const KEY = 'sat_operator_test_key';
const auth = { authorization: `Bearer ${KEY}` };
const DAY = 86_400_000;

describe('usage', () => {
  it('rolls days up to months with a tenant total per period', () => {
    const d = (iso: string) => Date.parse(iso) / DAY;
    const rows = [
      { tenantId: 'a', devEui: '02', day: d('2026-01-30'), messages: 2, bytes: 20 },
      { tenantId: 'a', devEui: '01', day: d('2026-01-31'), messages: 1, bytes: 5 },
      { tenantId: 'a', devEui: '01', day: d('2026-02-01'), messages: 4, bytes: 8 },
    ];
    expect(usageReport(rows, 'month')).toEqual([
      { tenantId: 'a', devEui: '01', period: '2026-01', uplinkMessages: 1, uplinkBytes: 5 },
      { tenantId: 'a', devEui: '02', period: '2026-01', uplinkMessages: 2, uplinkBytes: 20 },
      { tenantId: 'a', devEui: null, period: '2026-01', uplinkMessages: 3, uplinkBytes: 25 },
      { tenantId: 'a', devEui: '01', period: '2026-02', uplinkMessages: 4, uplinkBytes: 8 },
      { tenantId: 'a', devEui: null, period: '2026-02', uplinkMessages: 4, uplinkBytes: 8 },
    ]);
    expect(usageReport(rows, 'day').map((l) => l.period)).toEqual(['2026-01-30', '2026-01-30', '2026-01-31', '2026-01-31', '2026-02-01', '2026-02-01']);
  });

  describe('API', () => {
    let f: CoreFixture;
    let app: FastifyInstance;
    beforeEach(async () => {
      f = await coreFixture();
      app = await buildApp({ core: f.core, adminKeyHash: sha256Hex(KEY) });
    });
    afterEach(async () => { await app.close(); await f.close(); });

    it('reports a tenant\'s messages and bytes per day, each copy counted once, and only its own to a tenant key', async () => {
      const t = await f.addTerminal();
      await f.core.pipeline.ingest(f.station, [uplink(t, 1, new Uint8Array(12)), uplink(t, 2, new Uint8Array(3)), uplink(t, 2, new Uint8Array(3), { satelliteId: 'SAT-2' })]);
      const other = await f.core.provisioning.createTenant('other');
      const q = `from=${new Date(T0 - DAY).toISOString()}&to=${new Date(T0 + DAY).toISOString()}`;
      const res = await app.inject({ method: 'GET', url: `/api/v1/usage?tenantId=${f.tenantId}&${q}`, headers: auth });
      expect(res.json().items).toEqual([
        { tenantId: f.tenantId, devEui: t.devEui, period: '2026-01-15', uplinkMessages: 2, uplinkBytes: 15 },
        { tenantId: f.tenantId, devEui: null, period: '2026-01-15', uplinkMessages: 2, uplinkBytes: 15 },
      ]);
      const user = (await app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: auth, payload: { tenantId: other.id, role: 'tenant-user' } })).json().key;
      expect((await app.inject({ method: 'GET', url: `/api/v1/usage?${q}`, headers: { authorization: `Bearer ${user}` } })).json().items).toEqual([]);
      expect((await app.inject({ method: 'GET', url: `/api/v1/usage?devEui=${t.devEui}&${q}`, headers: { authorization: `Bearer ${user}` } })).statusCode).toBe(404);
      const bad = await app.inject({ method: 'GET', url: `/api/v1/usage?from=${new Date(T0).toISOString()}&to=${new Date(T0 - 1).toISOString()}`, headers: auth });
      expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'INVALID_TIME']);
    });
  });
});
