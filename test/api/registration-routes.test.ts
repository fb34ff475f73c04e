import { describe, expect, it } from 'vitest';
import { auth, keyFor, useApi } from './api-fixture.js';
import { uplink, type TestTerminal } from '../support/core-fixture.js';
import {
  MemoryAudit,
  newRegistration,
  registrationBody,
  residentId,
  imei,
} from '../supervision/registration-fixture.js';

const P = (s: string) => new Uint8Array(Buffer.from(s));
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });

describe('registration API: the review workflow end to end', () => {
  const audit = new MemoryAudit();
  const api = useApi(() => ({ audit, registration: { reviewTenantRegistrations: true } }));

  const send = async (t: TestTerminal, fCnt: number) => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/gateway/uplinks',
      headers: bearer(api.f.token),
      payload: { frames: [uplink(t, fCnt, P(`m${fCnt}`))] },
    });
    return res.json().results[0] as { status: string; code?: string };
  };
  const lifecycle = (devEui: string, key: string, action: string, reason?: string) =>
    api.app.inject({
      method: 'POST',
      url: `/api/v1/terminals/${devEui}/lifecycle`,
      headers: bearer(key),
      payload: { action, ...(reason ? { reason } : {}) },
    });

  it('tenant registers (pending, frames refused) → cannot approve itself → operator approves from the queue (frames accepted) → suspends → regulator report → retire is final', async () => {
    const { f, app } = api;
    const admin = await keyFor(app, 'tenant-admin', f.tenantId),
      regulator = await keyFor(app, 'regulator');
    const n = newRegistration(f.tenantId);
    const { keys, ...body } = n;
    const t: TestTerminal = {
      devEui: n.devEui,
      devAddr: n.devAddr,
      id: '',
      keys: { suite: 'aes128', nwkSKey: keys.nwk, appSKey: keys.app },
    };

    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/registrations',
      headers: bearer(admin),
      payload: body,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      devEui: n.devEui,
      status: 'pending',
      declared: true,
      owner: {
        kind: 'person',
        idType: 'resident-id',
        idNumberMasked: `${n.owner.idNumber.slice(0, 4)}**********${n.owner.idNumber.slice(-4)}`,
      },
      scenario: n.scenario,
      binding: { hardwareId: n.binding.imei, imei: n.binding.imei },
    });
    expect(created.body).not.toContain(n.owner.idNumber);
    expect(await send(t, 1)).toEqual({ status: 'rejected', code: 'TERMINAL_NOT_APPROVED' });

    const self = await lifecycle(n.devEui, admin, 'approve');
    expect(self.statusCode).toBe(403);
    expect(self.json().error.code).toBe('FORBIDDEN');
    expect((await lifecycle(n.devEui, regulator, 'approve')).statusCode).toBe(403);
    expect(await send(t, 2)).toMatchObject({ status: 'rejected', code: 'TERMINAL_NOT_APPROVED' });

    const queue = await app.inject({ method: 'GET', url: '/api/v1/registrations/review-queue', headers: auth });
    expect(queue.json().items.map((r: { devEui: string }) => r.devEui)).toEqual([n.devEui]);
    const review = await app.inject({
      method: 'POST',
      url: '/api/v1/registrations/review',
      headers: auth,
      payload: { action: 'approve', devEuis: [n.devEui, 'ffffffffffffffff'], reason: 'documents checked' },
    });
    expect(review.json()).toEqual({
      done: 1,
      failed: 1,
      results: [
        { devEui: n.devEui, status: 'approved' },
        { devEui: 'ffffffffffffffff', status: 'failed', code: 'TERMINAL_NOT_FOUND', message: expect.any(String) },
      ],
    });
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/registrations/review-queue', headers: auth })).json().items,
    ).toEqual([]);
    expect(await send(t, 3)).toMatchObject({ status: 'accepted' });

    const suspended = await lifecycle(n.devEui, 'sat_operator_test_key', 'suspend', 'SIM reported stolen');
    expect(suspended.json()).toMatchObject({
      status: 'suspended',
      statusReason: 'SIM reported stolen',
      statusBy: 'operator:operator',
      statusAt: expect.any(String),
    });
    expect(await send(t, 4)).toEqual({ status: 'rejected', code: 'TERMINAL_NOT_APPROVED' });

    const report = await app.inject({
      method: 'GET',
      url: '/api/v1/supervision/registrations',
      headers: bearer(regulator),
    });
    expect(report.statusCode).toBe(200);
    expect(report.json()).toMatchObject({
      total: 1,
      byState: { pending: 0, approved: 0, suspended: 1, retired: 0 },
      bySector: [{ sector: 'water', total: 1, byState: { suspended: 1 } }],
    });
    expect(report.json().suspended).toEqual([
      {
        devEui: n.devEui,
        tenantId: f.tenantId,
        sector: 'water',
        mobility: 'fixed',
        reason: 'SIM reported stolen',
        by: 'operator:operator',
        at: expect.any(String),
      },
    ]);
    for (const secret of [n.owner.idNumber, n.owner.idNumber.slice(-4), n.owner.name, n.nwkSKey, n.appSKey])
      expect(report.body).not.toContain(secret);

    expect((await lifecycle(n.devEui, 'sat_operator_test_key', 'retire', 'decommissioned')).json().status).toBe(
      'retired',
    );
    for (const action of ['approve', 'reinstate', 'suspend', 'retire']) {
      const r = await lifecycle(n.devEui, 'sat_operator_test_key', action, 'again');
      expect(r.statusCode, action).toBe(409);
      expect(r.json().error).toMatchObject({ code: 'INVALID_TRANSITION', details: { status: 'retired' } });
    }
    expect(await send(t, 5)).toEqual({ status: 'rejected', code: 'TERMINAL_NOT_APPROVED' });
    expect(audit.actions()).toEqual(
      expect.arrayContaining([
        'terminal.register:ok',
        'terminal.declare:ok',
        'terminal.approve:denied',
        'terminal.approve:ok',
        'terminal.suspend:ok',
        'terminal.retire:ok',
        'terminal.approve:failed',
        'supervision.report:ok',
      ]),
    );
    expect(JSON.stringify(audit.entries)).not.toContain(n.owner.idNumber);
  });

  it("a tenant's plain POST /terminals also waits for review; an operator's is approved at once", async () => {
    const { f, app } = api;
    const admin = await keyFor(app, 'tenant-admin', f.tenantId);
    const hex = (k: number) => Buffer.from(Array.from({ length: k }, (_, i) => (i * 37 + k) & 0xff)).toString('hex');
    const mine = await app.inject({
      method: 'POST',
      url: '/api/v1/terminals',
      headers: bearer(admin),
      payload: { tenantId: f.tenantId, devEui: `a1${hex(7)}`, devAddr: hex(4), nwkSKey: hex(16), appSKey: hex(16) },
    });
    expect(mine.json()).toMatchObject({ status: 'pending' });
    const ops = await app.inject({
      method: 'POST',
      url: '/api/v1/terminals',
      headers: auth,
      payload: { tenantId: f.tenantId, devEui: `b2${hex(7)}`, devAddr: hex(4), nwkSKey: hex(16), appSKey: hex(16) },
    });
    expect(ops.json()).toMatchObject({ status: 'approved' });
  });

  it('refuses forged bodies: a status field, another tenant, a bad check digit, a bound IMEI', async () => {
    const { f, app } = api;
    const admin = await keyFor(app, 'tenant-admin', f.tenantId);
    const other = (
      await app.inject({ method: 'POST', url: '/api/v1/tenants', headers: auth, payload: { name: 'other' } })
    ).json().id as string;
    const post = (payload: unknown, key = admin) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/registrations',
        headers: bearer(key),
        payload: payload as Record<string, unknown>,
      });
    const code = async (payload: unknown) => {
      const r = await post(payload);
      return [r.statusCode, r.json().error?.code];
    };
    expect(await code({ ...registrationBody(f.tenantId), status: 'approved' })).toEqual([400, 'INVALID_ARGUMENT']);
    expect(await code(registrationBody(other))).toEqual([404, 'TENANT_NOT_FOUND']);
    const id = residentId(7);
    const flipped = `${id.slice(0, 16)}${(Number(id[16]) + 1) % 10}${id[17]}`;
    expect(
      await code(
        registrationBody(f.tenantId, {
          owner: { kind: 'person', name: 'A', idType: 'resident-id', idNumber: flipped },
        }),
      ),
    ).toEqual([400, 'INVALID_ARGUMENT']);
    const bad = await post(
      registrationBody(f.tenantId, { owner: { kind: 'person', name: 'A', idType: 'resident-id', idNumber: flipped } }),
    );
    expect(bad.body).not.toContain(flipped);
    const im = imei();
    expect((await post(registrationBody(f.tenantId, { binding: { imei: im } }))).statusCode).toBe(201);
    expect(await code(registrationBody(f.tenantId, { binding: { imei: im } }))).toEqual([409, 'HARDWARE_ID_BOUND']);
    expect(
      await code(registrationBody(f.tenantId, { binding: { imei: `${im.slice(0, 14)}${(Number(im[14]) + 1) % 10}` } })),
    ).toEqual([400, 'INVALID_ARGUMENT']);
    expect(
      await code(
        registrationBody(f.tenantId, {
          scenario: {
            sector: 'water',
            mobility: 'fixed',
            expectedMessagesPerDay: 1,
            region: {
              type: 'Polygon',
              coordinates: [
                [
                  [0, 0],
                  [1, 0],
                  [1, 1],
                  [0, 1],
                ],
              ],
            },
          },
        }),
      ),
    ).toEqual([400, 'INVALID_ARGUMENT']);
  });

  it("shows the masked identity number to operators and the tenant's admins only", async () => {
    const { f, app } = api;
    const body = registrationBody(f.tenantId);
    await app.inject({ method: 'POST', url: '/api/v1/registrations', headers: auth, payload: body });
    const get = async (key: string) =>
      (
        await app.inject({ method: 'GET', url: `/api/v1/terminals/${body.devEui}/registration`, headers: bearer(key) })
      ).json().owner;
    const masked = `${body.owner.idNumber.slice(0, 4)}**********${body.owner.idNumber.slice(-4)}`;
    expect((await get('sat_operator_test_key')).idNumberMasked).toBe(masked);
    expect((await get(await keyFor(app, 'tenant-admin', f.tenantId))).idNumberMasked).toBe(masked);
    expect(await get(await keyFor(app, 'tenant-user', f.tenantId))).toEqual({
      kind: 'person',
      name: 'Li Lei',
      idType: 'resident-id',
    });
    expect(await get(await keyFor(app, 'regulator'))).toEqual({
      kind: 'person',
      name: 'Li Lei',
      idType: 'resident-id',
    });
  });

  it('imports registrations from CSV, one result per row (malformed rows rejected, the rest registered)', async () => {
    const { f, app } = api;
    const admin = await keyFor(app, 'tenant-admin', f.tenantId);
    const ok = registrationBody(f.tenantId),
      dupImei = registrationBody(f.tenantId, { binding: { imei: ok.binding.imei! } }),
      badIdRow = registrationBody(f.tenantId);
    const row = (b: ReturnType<typeof registrationBody>, over: Record<string, string> = {}) => {
      const v: Record<string, string> = {
        devEui: b.devEui,
        devAddr: b.devAddr,
        nwkSKey: b.nwkSKey,
        appSKey: b.appSKey,
        ownerKind: b.owner.kind,
        ownerName: b.owner.name,
        idType: b.owner.idType,
        idNumber: b.owner.idNumber,
        sector: 'power',
        mobility: 'mobile',
        expectedMessagesPerDay: '48',
        imei: b.binding.imei!,
        region: '"bbox:100,20,110,30"',
        ...over,
      };
      return [
        'devEui',
        'devAddr',
        'nwkSKey',
        'appSKey',
        'ownerKind',
        'ownerName',
        'idType',
        'idNumber',
        'sector',
        'mobility',
        'expectedMessagesPerDay',
        'imei',
        'region',
      ]
        .map((k) => v[k])
        .join(',');
    };
    const csv = [
      'devEui,devAddr,nwkSKey,appSKey,ownerKind,ownerName,idType,idNumber,sector,mobility,expectedMessagesPerDay,imei,region',
      row(ok),
      row(dupImei),
      row(badIdRow, { idNumber: '11010119900517123X' }),
      row(registrationBody(f.tenantId), { mobility: 'flying' }),
      row(registrationBody(f.tenantId), { region: '"bbox:110,20,100,30"' }),
      row(registrationBody(f.tenantId), { expectedMessagesPerDay: 'lots' }),
      row(ok, { imei: imei() }),
    ].join('\n');
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/registrations/import?tenantId=${f.tenantId}`,
      headers: { ...bearer(admin), 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(res.statusCode, res.body).toBe(200);
    const j = res.json();
    expect(j.created).toBe(1);
    expect(j.results.map((r: { line: number; status: string; code?: string }) => [r.line, r.status, r.code])).toEqual([
      [2, 'pending', undefined],
      [3, 'rejected', 'HARDWARE_ID_BOUND'],
      [4, 'rejected', 'INVALID_ARGUMENT'],
      [5, 'rejected', 'INVALID_ARGUMENT'],
      [6, 'rejected', 'INVALID_ARGUMENT'],
      [7, 'rejected', 'INVALID_ARGUMENT'],
      [8, 'rejected', 'TERMINAL_EXISTS'],
    ]);
    expect(res.body).not.toContain(badIdRow.owner.idNumber.slice(6, 14));
    expect((await api.f.core.registration.get(ok.devEui))!.scenario).toMatchObject({
      sector: 'power',
      mobility: 'mobile',
      expectedMessagesPerDay: 48,
      region: { type: 'Polygon' },
    });
    const bad = async (payload: string) =>
      (
        await app.inject({
          method: 'POST',
          url: `/api/v1/registrations/import?tenantId=${f.tenantId}`,
          headers: { ...bearer(admin), 'content-type': 'text/csv' },
          payload,
        })
      ).json().error.code;
    expect(await bad('devEui,colour\n0011223344556677,red\n')).toBe('INVALID_ARGUMENT');
    expect(await bad('devEui,devAddr\n"unterminated,00000001\n')).toBe('INVALID_ARGUMENT');
  });
});
