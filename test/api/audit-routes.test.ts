import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { ChainedAuditLog } from '../../src/supervision/audit-log.js';
import { AuditSigner } from '../../src/supervision/audit-signer.js';
import { exportSource } from '../../src/supervision/audit-export.js';
import { verifyAuditChain } from '../../src/supervision/audit-verifier.js';
import { auth, keyFor, openApi, type ApiFixture } from './api-fixture.js';
import { T0, uplink } from '../support/core-fixture.js';

const signer = AuditSigner.generate();
let log: ChainedAuditLog;

describe('audit over the API', () => {
  const api = {} as ApiFixture;
  beforeEach(async () => {
    const store = await openStore('sqlite::memory:', { dataDir: '/nonexistent' });
    log = new ChainedAuditLog(store.audit, { clock: new ManualClock(T0), signer, checkpointEvery: 3 });
    Object.assign(api, await openApi({ store, audit: log }));
  });
  afterEach(() => api.close());
  const settle = async () => {
    await api.app.auditIdle?.();
    await log.flush();
  };
  const records = async () => {
    await settle();
    return api.f.store.audit.range(0, 1000);
  };

  it('records a state-changing call with its actor, route, status and source, never its body', async () => {
    const t = await api.f.addTerminal();
    const res = await api.app.inject({
      method: 'PATCH',
      url: `/api/v1/terminals/${t.devEui}`,
      headers: auth,
      payload: { enabled: false },
    });
    expect(res.statusCode).toBe(200);
    const r = (await records()).find((x) => x.action === 'api.patch');
    expect(r).toMatchObject({
      actor: { kind: 'operator', id: 'bootstrap', role: 'operator' },
      outcome: 'ok',
      sourceIp: '127.0.0.1',
      target: { kind: 'terminal', id: t.devEui, tenantId: api.f.tenantId },
      tenantId: api.f.tenantId,
      details: { method: 'PATCH', route: '/api/v1/terminals/:devEui', status: 200, params: { devEui: t.devEui } },
    });
  });

  it('never stores a key or a token that went through a request', async () => {
    const nwk = 'a1'.repeat(16),
      app = 'b2'.repeat(16);
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/terminals',
      headers: auth,
      payload: {
        tenantId: api.f.tenantId,
        devEui: '70b3d5ffff000001',
        devAddr: '0a0b0c0d',
        nwkSKey: nwk,
        appSKey: app,
      },
    });
    expect(res.statusCode).toBe(201);
    const key = await keyFor(api.app, 'tenant-admin', api.f.tenantId);
    await api.app.inject({
      method: 'POST',
      url: '/api/v1/gateway/uplinks',
      headers: { authorization: 'Bearer not-a-station-token' },
      payload: {
        frames: [
          uplink(
            {
              devEui: '',
              devAddr: '0a0b0c0d',
              id: '',
              keys: { suite: 'aes128', nwkSKey: Buffer.alloc(16), appSKey: Buffer.alloc(16) },
            },
            1,
            new Uint8Array([1]),
          ),
        ],
      },
    });
    const all = JSON.stringify(await records());
    for (const secret of [nwk, app, key, 'sat_operator_test_key', 'not-a-station-token', api.f.token])
      expect(all).not.toContain(secret);
  });

  it('records 401s and 403s as denied, with the station attempt under a token hash', async () => {
    await api.app.inject({ method: 'GET', url: '/api/v1/terminals', headers: { authorization: 'Bearer sk_wrong' } });
    const user = await keyFor(api.app, 'tenant-user', api.f.tenantId);
    await api.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      headers: { authorization: `Bearer ${user}` },
      payload: { name: 'x' },
    });
    await api.app.inject({
      method: 'POST',
      url: '/api/v1/gateway/uplinks',
      headers: { authorization: 'Bearer forged' },
      payload: {
        frames: [
          {
            phyPayload: 'AA==',
            satelliteId: 'S',
            capturedAt: '2026-01-01T00:00:00Z',
            downlinkedAt: '2026-01-01T00:00:00Z',
          },
        ],
      },
    });
    const rs = await records();
    expect(rs.find((r) => r.action === 'auth.failure' && r.details?.route === '/api/v1/terminals')).toMatchObject({
      outcome: 'denied',
      details: { status: 401, code: 'UNAUTHORIZED' },
    });
    expect(rs.find((r) => r.action === 'auth.forbidden')).toMatchObject({
      outcome: 'denied',
      actor: { kind: 'api-key', role: 'tenant-user', tenantId: api.f.tenantId },
      details: { status: 403, code: 'FORBIDDEN' },
    });
    expect(rs.find((r) => r.action === 'auth.failure' && r.details?.route === '/api/v1/gateway/uplinks')).toMatchObject(
      {
        actor: { kind: 'station', id: expect.stringMatching(/^unknown:[0-9a-f]{12}$/) },
        details: { code: 'UNAUTHORIZED_STATION' },
      },
    );
  });

  it("shows a tenant another tenant's probe of its terminal without naming the prober (key, tenant, address)", async () => {
    const t = await api.f.addTerminal();
    const other = (
      await api.app.inject({ method: 'POST', url: '/api/v1/tenants', headers: auth, payload: { name: 'prober' } })
    ).json().id as string;
    const prober = await keyFor(api.app, 'tenant-admin', other);
    expect(
      (
        await api.app.inject({
          method: 'GET',
          url: `/api/v1/terminals/${t.devEui}/messages`,
          headers: { authorization: `Bearer ${prober}` },
        })
      ).statusCode,
    ).toBe(404);
    await settle();
    const stored = (await api.f.store.audit.range(0, 1000)).find(
      (r) => r.actor.tenantId === other && r.target?.id === t.devEui,
    );
    expect(stored).toMatchObject({ tenantId: api.f.tenantId, sourceIp: '127.0.0.1' });
    const owner = await keyFor(api.app, 'tenant-admin', api.f.tenantId);
    const seen = (
      await api.app.inject({
        method: 'GET',
        url: '/api/v1/audit?limit=1000',
        headers: { authorization: `Bearer ${owner}` },
      })
    ).json().items as Array<{ seq: number; actor: Record<string, unknown>; sourceIp?: string }>;
    const probe = seen.find((r) => r.seq === stored!.seq)!;
    expect(probe.actor).toEqual({ kind: 'api-key', role: 'tenant-admin' });
    expect(probe.sourceIp).toBeUndefined();
    // The operator sees who it was.
    const all = (await api.app.inject({ method: 'GET', url: '/api/v1/audit?limit=1000', headers: auth })).json()
      .items as Array<{ seq: number; actor: Record<string, unknown> }>;
    expect(all.find((r) => r.seq === stored!.seq)!.actor).toMatchObject({ tenantId: other });
  });

  it("shows a tenant administrator an operator's action on its terminal without the operator's key id or address", async () => {
    const t = await api.f.addTerminal();
    const operatorKey = await keyFor(api.app, 'operator');
    expect(
      (
        await api.app.inject({
          method: 'PATCH',
          url: `/api/v1/terminals/${t.devEui}`,
          headers: { authorization: `Bearer ${operatorKey}` },
          payload: { enabled: false },
        })
      ).statusCode,
    ).toBe(200);
    await settle();
    const stored = (await api.f.store.audit.range(0, 1000)).find(
      (r) => r.action === 'api.patch' && r.actor.role === 'operator' && r.actor.id !== 'bootstrap',
    )!;
    expect(stored).toMatchObject({
      actor: { kind: 'api-key', id: expect.any(String) },
      sourceIp: '127.0.0.1',
      tenantId: api.f.tenantId,
    });
    const owner = await keyFor(api.app, 'tenant-admin', api.f.tenantId);
    const seen = (
      await api.app.inject({
        method: 'GET',
        url: '/api/v1/audit?limit=1000',
        headers: { authorization: `Bearer ${owner}` },
      })
    ).json().items as Array<{ seq: number; actor: Record<string, unknown>; sourceIp?: string }>;
    const mine = seen.find((r) => r.seq === stored.seq)!;
    expect(mine.actor).toEqual({ kind: 'api-key', role: 'operator' });
    expect(mine.sourceIp).toBeUndefined();
    const bootstrap = seen.find((r) => r.actor['role'] === 'operator' && r.actor['kind'] === 'operator');
    if (bootstrap) expect(bootstrap.actor).not.toHaveProperty('id');
  });

  it('records sensitive reads (payloads, positions) but not ordinary listings', async () => {
    const t = await api.f.addTerminal();
    await api.app.inject({ method: 'GET', url: '/api/v1/terminals', headers: auth });
    await api.app.inject({ method: 'GET', url: `/api/v1/terminals/${t.devEui}/messages`, headers: auth });
    await api.app.inject({ method: 'GET', url: `/api/v1/terminals/${t.devEui}/track`, headers: auth });
    const reads = (await records()).filter((r) => r.action === 'api.read').map((r) => r.details?.route);
    expect(reads).toEqual(['/api/v1/terminals/:devEui/messages', '/api/v1/terminals/:devEui/track']);
  });

  it('records an ingest batch under the station that posted it', async () => {
    const t = await api.f.addTerminal();
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/gateway/uplinks',
      headers: { authorization: `Bearer ${api.f.token}` },
      payload: { frames: [uplink(t, 1, new Uint8Array([1]))] },
    });
    expect(res.statusCode).toBe(200);
    expect((await records()).find((r) => r.details?.route === '/api/v1/gateway/uplinks')).toMatchObject({
      actor: { kind: 'station', id: api.f.station.id },
      outcome: 'ok',
      action: 'api.post',
    });
  });

  it("lists a tenant administrator's own tenant only; regulators see all with tenant details redacted", async () => {
    const other = await api.f.core.provisioning.createTenant('t2');
    await api.app.inject({
      method: 'PUT',
      url: `/api/v1/tenants/${api.f.tenantId}/quota`,
      headers: auth,
      payload: { monthlyUplinkMessages: 10, action: 'warn' },
    });
    await api.app.inject({
      method: 'PUT',
      url: `/api/v1/tenants/${other.id}/quota`,
      headers: auth,
      payload: { monthlyUplinkMessages: 10, action: 'warn' },
    });
    await settle();
    const admin = await keyFor(api.app, 'tenant-admin', api.f.tenantId);
    const mine = await api.app.inject({
      method: 'GET',
      url: '/api/v1/audit?limit=1000',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(mine.statusCode).toBe(200);
    const items = mine.json().items as Array<{ tenantId?: string; details?: unknown }>;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((r) => r.tenantId === api.f.tenantId)).toBe(true);
    expect(
      (
        await api.app.inject({
          method: 'GET',
          url: `/api/v1/audit?tenantId=${other.id}`,
          headers: { authorization: `Bearer ${admin}` },
        })
      ).statusCode,
    ).toBe(404);
    const user = await keyFor(api.app, 'tenant-user', api.f.tenantId);
    expect(
      (await api.app.inject({ method: 'GET', url: '/api/v1/audit', headers: { authorization: `Bearer ${user}` } }))
        .statusCode,
    ).toBe(403);
    const reg = await keyFor(api.app, 'regulator');
    const all = (
      await api.app.inject({
        method: 'GET',
        url: '/api/v1/audit?limit=1000',
        headers: { authorization: `Bearer ${reg}` },
      })
    ).json().items as Array<{ tenantId?: string; details?: unknown; redacted?: boolean; hash: string }>;
    const tenants = new Set(all.map((r) => r.tenantId));
    expect(tenants.has(api.f.tenantId) && tenants.has(other.id)).toBe(true);
    for (const r of all.filter((x) => x.tenantId !== undefined)) {
      expect(r.redacted).toBe(true);
      expect(r.details).toBeUndefined();
    }
    // The operator's view of the same records carries the same hashes, with details.
    const op = (await api.app.inject({ method: 'GET', url: '/api/v1/audit?limit=1000', headers: auth })).json()
      .items as Array<{ hash: string; details?: unknown }>;
    expect(op.map((r) => r.hash)).toEqual(expect.arrayContaining(all.map((r) => r.hash)));
    expect(op.every((r) => r.details !== undefined)).toBe(true);
  });

  it('filters by action prefix and outcome, and pages with a cursor', async () => {
    for (let i = 0; i < 5; i++)
      await api.app.inject({ method: 'GET', url: '/api/v1/terminals', headers: { authorization: `Bearer bad${i}` } });
    await settle();
    const page1 = (
      await api.app.inject({ method: 'GET', url: '/api/v1/audit?action=auth.&outcome=denied&limit=3', headers: auth })
    ).json();
    expect(page1.items).toHaveLength(3);
    const page2 = (
      await api.app.inject({
        method: 'GET',
        url: `/api/v1/audit?action=auth.&outcome=denied&limit=3&cursor=${page1.nextCursor}`,
        headers: auth,
      })
    ).json();
    expect(page2.items).toHaveLength(2);
    const seqs = [...page1.items, ...page2.items].map((r: { seq: number }) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(new Set(seqs).size).toBe(5);
  });

  it('exports a range an inspector verifies on its own, and verifies the whole chain', async () => {
    for (let i = 0; i < 7; i++)
      await api.app.inject({ method: 'POST', url: '/api/v1/tenants', headers: auth, payload: { name: `t${i}` } });
    await settle();
    const res = await api.app.inject({
      method: 'GET',
      url: `/api/v1/audit/export?from=${new Date(T0 - 1000).toISOString()}&to=${new Date(T0 + 1000).toISOString()}`,
      headers: auth,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/x-ndjson/);
    const src = exportSource(res.body.split('\n'));
    expect(src.header).toMatchObject({ format: 'satiot-audit-export/1', keyId: signer.keyId });
    const v = await verifyAuditChain(src, signer);
    expect(v).toMatchObject({ ok: true, records: 7 });
    expect(v.checkpointsVerified).toBeGreaterThan(0);
    // One byte changed in the extract is caught.
    const edited = res.body.replace('"name"', '"nome"').replace('"status":201', '"status":200');
    expect((await verifyAuditChain(exportSource(edited.split('\n')), signer)).ok).toBe(false);
    const verify = await api.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: auth });
    expect(verify.json()).toMatchObject({ ok: true });
  });
});
