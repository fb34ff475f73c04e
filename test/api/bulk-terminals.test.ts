import { describe, expect, it } from 'vitest';
import { auth, keyFor, useApi } from './api-fixture.js';

const K = '00112233445566778899aabbccddeeff';
const eui = (i: number) => (0x70b3d5aa00000000n + BigInt(i)).toString(16).padStart(16, '0');

describe('API: POST /api/v1/terminals/bulk', () => {
  const api = useApi();
  const post = (terminals: unknown[], headers: Record<string, string> = auth) =>
    api.app.inject({ method: 'POST', url: '/api/v1/terminals/bulk', headers, payload: { terminals } });

  it('creates every good terminal and answers each bad one with its index and stable code, in order', async () => {
    const t = (i: number, over: Record<string, unknown> = {}) => ({
      tenantId: api.f.tenantId,
      devEui: eui(i),
      devAddr: (0x26100000 + i).toString(16),
      nwkSKey: K,
      appSKey: K,
      ...over,
    });
    const res = await post([
      t(1, { codec: 'sl651', location: { lat: 30.5, lon: 114.3 } }),
      t(2, { devAddr: 'xyz' }), // fails the schema of POST /api/v1/terminals
      t(3, { tenantId: 'no-such-tenant' }),
      t(1), // DevEUI twice
      t(4, { colour: 'red' }), // unknown field
      t(5, { profile: 'vehicle', expectedMessagesPerDay: 48 }),
      'not an object',
      null,
    ]);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ created: 2, rejected: 6 });
    expect(
      body.results.map((r: { index: number; status: string; code?: string }) => [r.index, r.code ?? r.status]),
    ).toEqual([
      [0, 'created'],
      [1, 'INVALID_ARGUMENT'],
      [2, 'TENANT_NOT_FOUND'],
      [3, 'TERMINAL_EXISTS'],
      [4, 'INVALID_ARGUMENT'],
      [5, 'created'],
      [6, 'INVALID_ARGUMENT'],
      [7, 'INVALID_ARGUMENT'],
    ]);
    expect(body.results[0].id).toEqual(expect.any(String));
    const made = (await api.app.inject({ method: 'GET', url: `/api/v1/terminals/${eui(5)}`, headers: auth })).json();
    expect(made).toMatchObject({ profile: 'vehicle', expectedMessagesPerDay: 48, status: 'approved' });
    expect(made).not.toHaveProperty('nwkSKeySealed');
  });

  it("lets a tenant admin create only its own tenant's terminals, and no tenant user at all", async () => {
    const other = await api.f.core.provisioning.createTenant('other');
    const admin = await keyFor(api.app, 'tenant-admin', api.f.tenantId);
    const user = await keyFor(api.app, 'tenant-user', api.f.tenantId);
    const row = (i: number, tenantId: string) => ({
      tenantId,
      devEui: eui(100 + i),
      devAddr: (0x26200000 + i).toString(16),
      nwkSKey: K,
      appSKey: K,
    });
    const res = await post([row(1, api.f.tenantId), row(2, other.id)], { authorization: `Bearer ${admin}` });
    expect(res.json().results.map((r: { code?: string; status: string }) => r.code ?? r.status)).toEqual([
      'created',
      'TENANT_NOT_FOUND',
    ]);
    expect((await post([row(3, api.f.tenantId)], { authorization: `Bearer ${user}` })).statusCode).toBe(403);
    expect(api.f.core.registry.byDevEui(eui(103))).toBeUndefined();
  });

  it('refuses an empty list and a body without the list', async () => {
    expect((await post([])).json().error.code).toBe('INVALID_ARGUMENT');
    expect(
      (
        await api.app.inject({ method: 'POST', url: '/api/v1/terminals/bulk', headers: auth, payload: { items: [] } })
      ).json().error.code,
    ).toBe('INVALID_ARGUMENT');
  });
});
