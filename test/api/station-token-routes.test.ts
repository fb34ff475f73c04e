import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { sha256Hex } from '../../src/core/provisioning.js';
import { coreFixture, uplink } from '../support/core-fixture.js';
import { MemoryAudit } from '../supervision/registration-fixture.js';
import { KEY, auth, keyFor } from './api-fixture.js';

const bearer = (k: string) => ({ authorization: `Bearer ${k}` });

async function open() {
  const audit = new MemoryAudit();
  const f = await coreFixture({ audit });
  const app = await buildApp({
    core: f.core,
    adminKeyHash: sha256Hex(KEY),
    limits: { api: false, station: false, lockout: false },
  });
  const t = await f.addTerminal();
  let fCnt = 0;
  const batch = (token: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/gateway/uplinks',
      headers: bearer(token),
      payload: { frames: [uplink(t, ++fCnt, new Uint8Array([fCnt]))] },
    });
  return {
    f,
    app,
    audit,
    batch,
    close: async () => {
      await app.close();
      await f.close();
    },
  };
}

describe('ground-station tokens: rotate and revoke', () => {
  it('rotates a token: the new one is shown once and works, the old one is refused at once; audited without the token', async () => {
    const { f, app, audit, batch, close } = await open();
    try {
      expect((await batch(f.token)).statusCode).toBe(200); // the old token is cached now
      const r = await app.inject({
        method: 'POST',
        url: `/api/v1/ground-stations/${f.station.id}/token`,
        headers: auth,
      });
      expect(r.statusCode, r.body).toBe(200);
      const { id, token } = r.json() as { id: string; token: string };
      expect(id).toBe(f.station.id);
      expect(token).toMatch(/^gst_/);
      const old = await batch(f.token);
      expect([old.statusCode, old.json().error.code]).toEqual([401, 'UNAUTHORIZED_STATION']);
      const fresh = await batch(token);
      expect(fresh.statusCode, fresh.body).toBe(200);
      expect(fresh.json().results[0].status).toBe('accepted');
      await app.auditIdle?.();
      const entry = audit.entries.find((e) => e.action === 'ground-station.token-rotate');
      expect(entry).toMatchObject({
        outcome: 'ok',
        actor: { kind: 'operator' },
        target: { kind: 'station', id: f.station.id },
      });
      expect(JSON.stringify(audit.entries)).not.toContain(token);
    } finally {
      await close();
    }
  });

  it('revokes a token: batches are refused at once, the list shows it revoked, a rotation issues a working one again', async () => {
    const { f, app, audit, batch, close } = await open();
    try {
      expect((await batch(f.token)).statusCode).toBe(200);
      const r = await app.inject({
        method: 'DELETE',
        url: `/api/v1/ground-stations/${f.station.id}/token`,
        headers: auth,
      });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ id: f.station.id, tokenRevoked: true });
      expect((await batch(f.token)).json().error.code).toBe('UNAUTHORIZED_STATION');
      const schedule = await app.inject({ method: 'GET', url: '/api/v1/gateway/schedule', headers: bearer(f.token) });
      expect(schedule.statusCode).toBe(401);
      const list = (await app.inject({ method: 'GET', url: '/api/v1/ground-stations', headers: auth })).json() as {
        items: Array<{ id: string; tokenRevoked: boolean }>;
      };
      expect(Object.fromEntries(list.items.map((s) => [s.id, s.tokenRevoked]))).toEqual({
        [f.station.id]: true,
        [f.station2.id]: false,
      });
      const again = await app.inject({
        method: 'DELETE',
        url: `/api/v1/ground-stations/${f.station.id}/token`,
        headers: auth,
      });
      expect([again.statusCode, again.json().error.code]).toEqual([409, 'STATION_TOKEN_REVOKED']);
      await app.auditIdle?.();
      expect(audit.entries.find((e) => e.action === 'ground-station.token-revoke')).toMatchObject({
        outcome: 'ok',
        target: { kind: 'station', id: f.station.id },
      });
      const { token } = (
        await app.inject({ method: 'POST', url: `/api/v1/ground-stations/${f.station.id}/token`, headers: auth })
      ).json() as { token: string };
      expect((await batch(token)).statusCode).toBe(200);
    } finally {
      await close();
    }
  });

  it('lets only operators rotate or revoke, and answers 404 for an unknown station', async () => {
    const { f, app, batch, close } = await open();
    try {
      const admin = await keyFor(app, 'tenant-admin', f.tenantId);
      for (const method of ['POST', 'DELETE'] as const) {
        const denied = await app.inject({
          method,
          url: `/api/v1/ground-stations/${f.station.id}/token`,
          headers: bearer(admin),
        });
        expect([denied.statusCode, denied.json().error.code]).toEqual([403, 'FORBIDDEN']);
        const unknown = await app.inject({
          method,
          url: '/api/v1/ground-stations/00000000-0000-4000-8000-000000000000/token',
          headers: auth,
        });
        expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'GROUND_STATION_NOT_FOUND']);
      }
      expect((await batch(f.token)).statusCode).toBe(200);
    } finally {
      await close();
    }
  });
});
