import { describe, expect, it } from 'vitest';
import { auth, keyFor, useApi } from './api-fixture.js';

/** Who may register, see and delete terrestrial gateways (the Semtech UDP server's registry). */
describe('Terrestrial gateway routes', () => {
  const api = useApi();
  const as = (key: string) => ({ authorization: `Bearer ${key}` });
  const body = (eui: string, over: Record<string, unknown> = {}) => ({ gatewayEui: eui, lat: 30, lon: 114, ...over });

  it("lets a tenant's admin register its own gateways, shows them to its members beside the operator's, and hides them from other tenants", async () => {
    const other = await api.f.core.provisioning.createTenant('other');
    const [admin, member, stranger] = [
      await keyFor(api.app, 'tenant-admin', api.f.tenantId),
      await keyFor(api.app, 'tenant-user', api.f.tenantId),
      await keyFor(api.app, 'tenant-admin', other.id),
    ];
    const own = await api.app.inject({
      method: 'POST',
      url: '/api/v1/gateways',
      headers: as(admin),
      payload: body('00000000000000a1'),
    });
    expect(own.statusCode).toBe(201);
    expect(own.json().tenantId).toBe(api.f.tenantId);
    const shared = await api.app.inject({
      method: 'POST',
      url: '/api/v1/gateways',
      headers: auth,
      payload: body('00000000000000a2'),
    });
    expect(shared.json().tenantId).toBeUndefined();
    expect(
      (
        await api.app.inject({
          method: 'POST',
          url: '/api/v1/gateways',
          headers: as(member),
          payload: body('00000000000000a3'),
        })
      ).json().error.code,
    ).toBe('FORBIDDEN');
    expect(
      (
        await api.app.inject({
          method: 'POST',
          url: '/api/v1/gateways',
          headers: as(admin),
          payload: body('00000000000000a4', { tenantId: other.id }),
        })
      ).json().error.code,
    ).toBe('TENANT_NOT_FOUND');
    const listed = async (key: string) =>
      (await api.app.inject({ method: 'GET', url: '/api/v1/gateways', headers: as(key) }))
        .json()
        .items.map((g: { gatewayEui: string }) => g.gatewayEui)
        .sort();
    expect(await listed(member)).toEqual(['00000000000000a1', '00000000000000a2']);
    expect(await listed(stranger)).toEqual(['00000000000000a2']);
    expect(
      (await api.app.inject({ method: 'GET', url: `/api/v1/gateways/${own.json().id}`, headers: as(stranger) })).json()
        .error.code,
    ).toBe('GATEWAY_NOT_FOUND');
    expect(
      (await api.app.inject({ method: 'DELETE', url: `/api/v1/gateways/${own.json().id}`, headers: as(stranger) }))
        .statusCode,
    ).toBe(404);
    expect(
      (
        await api.app.inject({ method: 'DELETE', url: `/api/v1/gateways/${shared.json().id}`, headers: as(admin) })
      ).json().error.code,
    ).toBe('FORBIDDEN');
    expect(
      (await api.app.inject({ method: 'DELETE', url: `/api/v1/gateways/${own.json().id}`, headers: as(admin) }))
        .statusCode,
    ).toBe(204);
  });

  it("refuses an operator's gateway for a tenant that does not exist", async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/gateways',
      headers: auth,
      payload: body('00000000000000b1', { tenantId: 'nope' }),
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('TENANT_NOT_FOUND');
  });
});
