/**
 * The "needs attention" list (GET /api/v1/attention): one of each thing an operator on duty must
 * decide — an alarm nobody acknowledged, a decision waiting for approval, a registration waiting for
 * review, a disabled webhook, a downlink about to expire — most severe first, each with its link.
 */
import { describe, expect, it } from 'vitest';
import { auth, keyFor, useApi } from './api-fixture.js';
import { collect, uplink, T0 } from '../support/core-fixture.js';
import { MemoryAudit, newRegistration } from '../supervision/registration-fixture.js';
import { FakePublisher, FakeTransport } from '../core/delivery/helpers.js';

const bearer = (k: string) => ({ authorization: `Bearer ${k}` });

describe('API: what needs attention', () => {
  const api = useApi(() => ({
    audit: new MemoryAudit(),
    registration: { reviewTenantRegistrations: true },
    delivery: { transport: new FakeTransport(), publisher: new FakePublisher() },
  }));

  it('lists each kind once, most severe first, each with where it is resolved; tenants see their own, and only operators the review queue', async () => {
    const { f, app } = api;
    const get = async (headers: Record<string, string>, q = '') => {
      const r = await app.inject({ method: 'GET', url: `/api/v1/attention${q}`, headers });
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as {
        at: string;
        items: Array<{ kind: string; severity: string; title: string; link: string; devEui?: string; detail: string }>;
        counts: Record<string, number>;
      };
    };
    const empty = await get(auth, `?tenantId=${f.tenantId}`);
    expect(empty.items).toEqual([]);
    expect(empty.at).toBe(new Date(T0).toISOString());

    // An alarm (critical) with a proposed decision.
    await app.inject({
      method: 'PUT',
      url: '/api/v1/decisions/policy',
      headers: auth,
      payload: { tenantId: f.tenantId, policy: 'suggest' },
    });
    const rule = await app.inject({
      method: 'POST',
      url: '/api/v1/rules',
      headers: auth,
      payload: {
        tenantId: f.tenantId,
        name: 'Port 9 seen',
        severity: 'critical',
        condition: { kind: 'threshold', field: 'meta.fPort', op: '==', value: 9 },
        action: { downlink: { fPort: 5, payloadHex: '01' } },
      },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const t = await f.addTerminal();
    await collect(f.bus, 'satiot.alarm.>', 1, () =>
      f.core.pipeline.ingest(f.station, [uplink(t, 1, new Uint8Array([1]), { fPort: 9, capturedAt: T0 - 60_000 })]),
    );
    // A registration waiting for review.
    const admin = await keyFor(app, 'tenant-admin', f.tenantId);
    const { keys: _k, ...reg } = newRegistration(f.tenantId);
    expect(
      (await app.inject({ method: 'POST', url: '/api/v1/registrations', headers: bearer(admin), payload: reg }))
        .statusCode,
    ).toBe(201);
    // A webhook an operator disabled.
    const hook = await app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: auth,
      payload: { tenantId: f.tenantId, url: 'https://receiver.example/hook?token=secret', events: ['uplink'] },
    });
    await app.inject({
      method: 'PATCH',
      url: `/api/v1/webhooks/${hook.json().id}`,
      headers: auth,
      payload: { enabled: false },
    });
    // A downlink that expires in 30 minutes.
    const dl = await app.inject({
      method: 'POST',
      url: `/api/v1/terminals/${t.devEui}/downlinks`,
      headers: auth,
      payload: { fPort: 3, payload: 'AQ==', expiresAt: new Date(T0 + 30 * 60_000).toISOString() },
    });
    expect(dl.statusCode, dl.body).toBe(201);

    const all = await get(auth, `?tenantId=${f.tenantId}`);
    expect(all.items.map((i) => [i.kind, i.severity, i.link])).toEqual([
      ['alarm', 'critical', '/alarms'],
      ['integration-disabled', 'critical', `/integrations#${hook.json().id}`],
      ['decision', 'warning', '/decisions'],
      ['downlink-expiring', 'warning', `/terminals/${t.devEui}`],
      ['registration', 'info', '/supervision'],
    ]);
    expect(all.items[0]).toMatchObject({ title: 'Port 9 seen', devEui: t.devEui });
    expect(all.items[1]!.title).not.toContain('secret'); // a webhook URL's query may hold a secret
    expect(all.items[3]!.title).toBe('Downlink expires in 30 min');
    expect(all.counts).toEqual({
      alarm: 1,
      decision: 1,
      registration: 1,
      'integration-disabled': 1,
      'integration-failing': 0,
      'downlink-expiring': 1,
    });

    // The tenant's admin sees the same but the review queue, which is the operators' to work.
    const own = await get(bearer(admin));
    expect(own.items.map((i) => i.kind)).toEqual(['alarm', 'integration-disabled', 'decision', 'downlink-expiring']);
    // A tenant user, who may not read integrations, is not told of the webhook.
    const user = await keyFor(app, 'tenant-user', f.tenantId);
    expect((await get(bearer(user))).items.map((i) => i.kind)).toEqual(['alarm', 'decision', 'downlink-expiring']);
    // Another tenant sees nothing of it, and cannot ask for it.
    const other = await f.core.provisioning.createTenant('other');
    const stranger = await keyFor(app, 'tenant-user', other.id);
    expect((await get(bearer(stranger))).items).toEqual([]);
    expect(
      (await app.inject({ method: 'GET', url: `/api/v1/attention?tenantId=${f.tenantId}`, headers: bearer(stranger) }))
        .statusCode,
    ).toBe(404);
    // Acknowledged, the alarm leaves the list.
    const [alarm] = (await app.inject({ method: 'GET', url: '/api/v1/alarms', headers: auth })).json().items;
    await app.inject({ method: 'POST', url: `/api/v1/alarms/${alarm.id}/acknowledge`, headers: auth });
    expect((await get(auth, `?tenantId=${f.tenantId}`)).counts.alarm).toBe(0);
  });
});
