import { describe, expect, it } from 'vitest';
import { auth, keyFor, useApi } from './api-fixture.js';
import { uplink } from '../support/core-fixture.js';

const P = (s: string) => new Uint8Array(Buffer.from(s));
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });

describe('POST /api/v1/terminals/{devEui}/counters/reset', () => {
  const api = useApi();

  it('lets an operator hear a terminal that counts from 0 again; a tenant admin gets 403, another tenant 404', async () => {
    const { f, app } = api;
    const t = await f.addTerminal();
    const send = async (fCnt: number) =>
      (
        await app.inject({
          method: 'POST',
          url: '/api/v1/gateway/uplinks',
          headers: bearer(f.token),
          payload: { frames: [uplink(t, fCnt, P(`m${fCnt}`))] },
        })
      ).json().results[0] as { status: string };
    expect((await send(7)).status).toBe('accepted');
    const admin = await keyFor(app, 'tenant-admin', f.tenantId);
    const denied = await app.inject({
      method: 'POST',
      url: `/api/v1/terminals/${t.devEui}/counters/reset`,
      headers: bearer(admin),
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('FORBIDDEN');
    const other = await f.core.provisioning.createTenant('other');
    const stranger = await keyFor(app, 'tenant-admin', other.id);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/api/v1/terminals/${t.devEui}/counters/reset`,
          headers: bearer(stranger),
        })
      ).statusCode,
    ).toBe(404);
    // Below the window once 2000 is accepted: refused until the reset.
    expect((await send(2000)).status).toBe('accepted');
    expect((await send(0)).status).toBe('rejected');
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/terminals/${t.devEui}/counters/reset`,
      headers: auth,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ devEui: t.devEui, epoch: 1, previousTop: 2000 });
    expect((await send(0)).status).toBe('accepted');
    expect(
      (await app.inject({ method: 'POST', url: '/api/v1/terminals/00000000000000ff/counters/reset', headers: auth }))
        .statusCode,
    ).toBe(404);
  });
});
