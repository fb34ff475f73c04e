import { describe, expect, it } from 'vitest';
import { usageReport } from '../../src/core/usage-report.js';
import { uplink, T0 } from '../support/core-fixture.js';
import { auth, openApi, useApi } from './api-fixture.js';
import { downlinkRequestSubject } from '../../src/core/events/subjects.js';
import { settled } from '../support/settled.js';

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
      {
        tenantId: 'a',
        devEui: '01',
        period: '2026-01',
        uplinkMessages: 1,
        uplinkBytes: 5,
        downlinkMessages: 0,
        downlinkBytes: 0,
      },
      {
        tenantId: 'a',
        devEui: '02',
        period: '2026-01',
        uplinkMessages: 2,
        uplinkBytes: 20,
        downlinkMessages: 0,
        downlinkBytes: 0,
      },
      {
        tenantId: 'a',
        devEui: null,
        period: '2026-01',
        uplinkMessages: 3,
        uplinkBytes: 25,
        downlinkMessages: 0,
        downlinkBytes: 0,
      },
      {
        tenantId: 'a',
        devEui: '01',
        period: '2026-02',
        uplinkMessages: 4,
        uplinkBytes: 8,
        downlinkMessages: 0,
        downlinkBytes: 0,
      },
      {
        tenantId: 'a',
        devEui: null,
        period: '2026-02',
        uplinkMessages: 4,
        uplinkBytes: 8,
        downlinkMessages: 0,
        downlinkBytes: 0,
      },
    ]);
    expect(usageReport(rows, 'day').map((l) => l.period)).toEqual([
      '2026-01-30',
      '2026-01-30',
      '2026-01-31',
      '2026-01-31',
      '2026-02-01',
      '2026-02-01',
    ]);
  });

  describe('API', () => {
    const api = useApi();

    it("reports a tenant's messages and bytes per day, each copy counted once, and only its own to a tenant key", async () => {
      const t = await api.f.addTerminal();
      await api.f.core.pipeline.ingest(api.f.station, [
        uplink(t, 1, new Uint8Array(12)),
        uplink(t, 2, new Uint8Array(3)),
        uplink(t, 2, new Uint8Array(3), { satelliteId: 'SAT-2' }),
      ]);
      const other = await api.f.core.provisioning.createTenant('other');
      const q = `from=${new Date(T0 - DAY).toISOString()}&to=${new Date(T0 + DAY).toISOString()}`;
      const res = await api.app.inject({
        method: 'GET',
        url: `/api/v1/usage?tenantId=${api.f.tenantId}&${q}`,
        headers: auth,
      });
      expect(res.json().items).toEqual([
        {
          tenantId: api.f.tenantId,
          devEui: t.devEui,
          period: '2026-01-15',
          uplinkMessages: 2,
          uplinkBytes: 15,
          downlinkMessages: 0,
          downlinkBytes: 0,
        },
        {
          tenantId: api.f.tenantId,
          devEui: null,
          period: '2026-01-15',
          uplinkMessages: 2,
          uplinkBytes: 15,
          downlinkMessages: 0,
          downlinkBytes: 0,
        },
      ]);
      await api.f.core.downlinks.enqueue(t.devEui, {
        fPort: 3,
        payload: new Uint8Array(4),
        confirmed: false,
        priority: 'normal',
      });
      const after = await api.app.inject({
        method: 'GET',
        url: `/api/v1/usage?devEui=${t.devEui}&${q}&granularity=month`,
        headers: auth,
      });
      expect(after.json().items).toContainEqual({
        tenantId: api.f.tenantId,
        devEui: t.devEui,
        period: '2026-01',
        uplinkMessages: 2,
        uplinkBytes: 15,
        downlinkMessages: 1,
        downlinkBytes: 4,
      });
      const user = (
        await api.app.inject({
          method: 'POST',
          url: '/api/v1/api-keys',
          headers: auth,
          payload: { tenantId: other.id, role: 'tenant-user' },
        })
      ).json().key;
      expect(
        (
          await api.app.inject({
            method: 'GET',
            url: `/api/v1/usage?${q}`,
            headers: { authorization: `Bearer ${user}` },
          })
        ).json().items,
      ).toEqual([]);
      expect(
        (
          await api.app.inject({
            method: 'GET',
            url: `/api/v1/usage?devEui=${t.devEui}&${q}`,
            headers: { authorization: `Bearer ${user}` },
          })
        ).statusCode,
      ).toBe(404);
      const bad = await api.app.inject({
        method: 'GET',
        url: `/api/v1/usage?from=${new Date(T0).toISOString()}&to=${new Date(T0 - 1).toISOString()}`,
        headers: auth,
      });
      expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'INVALID_TIME']);
    });
  });
});

describe('quotas', () => {
  const api = useApi();

  it('refuses normal downlinks once a refuse-downlinks quota is used up, never emergencies, and only reports a warn quota', async () => {
    const t = await api.f.addTerminal();
    await api.f.core.pipeline.ingest(api.f.station, [uplink(t, 1, new Uint8Array(2)), uplink(t, 2, new Uint8Array(2))]);
    const send = (priority: string) =>
      api.app.inject({
        method: 'POST',
        url: `/api/v1/terminals/${t.devEui}/downlinks`,
        headers: auth,
        payload: { fPort: 2, payload: 'AQ==', priority },
      });
    const set = (body: object) =>
      api.app.inject({ method: 'PUT', url: `/api/v1/tenants/${api.f.tenantId}/quota`, headers: auth, payload: body });

    const warn = await set({ monthlyUplinkMessages: 2, action: 'warn' });
    expect(warn.json()).toMatchObject({
      month: '2026-01',
      used: { uplinkMessages: 2, downlinks: 0 },
      exceeded: { uplinkMessages: true, downlinks: false },
      refusesDownlinks: false,
    });
    expect((await send('normal')).statusCode).toBe(201);

    await set({ monthlyDownlinks: 2, action: 'refuse-downlinks' });
    expect((await send('normal')).statusCode).toBe(201); // the second of two
    const refused = await send('normal');
    expect([refused.statusCode, refused.json().error.code]).toEqual([429, 'QUOTA_EXCEEDED']);
    expect((await send('emergency')).statusCode).toBe(201);
    const status = (
      await api.app.inject({ method: 'GET', url: `/api/v1/tenants/${api.f.tenantId}/quota`, headers: auth })
    ).json();
    expect(status).toMatchObject({
      used: { downlinks: 3 },
      exceeded: { downlinks: true },
      refusesDownlinks: true,
      quota: { monthlyDownlinks: 2, monthlyUplinkMessages: null, action: 'refuse-downlinks' },
    });
  });

  it("drops a rule's normal automatic downlink once the quota refuses downlinks, but not an emergency one", async () => {
    const t = await api.f.addTerminal();
    await api.app.inject({
      method: 'PUT',
      url: `/api/v1/tenants/${api.f.tenantId}/quota`,
      headers: auth,
      payload: { monthlyDownlinks: 0, action: 'refuse-downlinks' },
    });
    const request = (alarmId: string, priority: string) =>
      api.f.bus.publish(
        downlinkRequestSubject(api.f.tenantId, t.devEui),
        Buffer.from(
          JSON.stringify({
            kind: 'downlink-request',
            alarmId,
            ruleId: 'r',
            tenantId: api.f.tenantId,
            devEui: t.devEui,
            fPort: 2,
            payloadHex: '01',
            confirmed: false,
            priority,
          }),
        ),
      );
    await request('a-normal', 'normal');
    await request('a-emergency', 'emergency');
    await settled(api.f);
    const items = (
      await api.app.inject({ method: 'GET', url: `/api/v1/terminals/${t.devEui}/downlinks`, headers: auth })
    ).json().items;
    expect(items.map((d: { priority: string; alarmId: string }) => [d.alarmId, d.priority])).toEqual([
      ['a-emergency', 'emergency'],
    ]);
  });

  it('lets only operators set a quota, and the tenant read its own', async () => {
    const admin = (
      await api.app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: auth,
        payload: { tenantId: api.f.tenantId, role: 'tenant-admin' },
      })
    ).json().key;
    const put = await api.app.inject({
      method: 'PUT',
      url: `/api/v1/tenants/${api.f.tenantId}/quota`,
      headers: { authorization: `Bearer ${admin}` },
      payload: { action: 'warn' },
    });
    expect(put.statusCode).toBe(403);
    const get = await api.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${api.f.tenantId}/quota`,
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(get.json()).toMatchObject({ quota: null, refusesDownlinks: false });
  });
});

describe('times in queries', () => {
  it('answers a leap second or an impossible date with 400, not a 500 or an empty page', async () => {
    const { app, f, close } = await openApi();
    try {
      const t = await f.addTerminal();
      for (const url of [
        '/api/v1/satellites?at=2016-12-31T23:59:60Z',
        `/api/v1/terminals/${t.devEui}/messages?from=2026-02-30T00:00:00Z`,
        '/api/v1/usage?from=2026-13-01T00:00:00Z',
      ]) {
        const res = await app.inject({ method: 'GET', url, headers: auth });
        expect(res.statusCode, url).toBe(400);
      }
      expect(
        (await app.inject({ method: 'GET', url: '/api/v1/satellites?at=2026-01-15T12:00:00.5%2B08:00', headers: auth }))
          .statusCode,
      ).toBe(200);
    } finally {
      await close();
    }
  });
});
