import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { sha256Hex } from '../../src/core/provisioning.js';
import { AuthLockout, proxyMatcher, type AccessLimits } from '../../src/api/rate-limits.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { coreFixture, uplink, type CoreFixture } from '../support/core-fixture.js';
import { MemoryAudit } from '../supervision/registration-fixture.js';
import { KEY, keyFor } from './api-fixture.js';

const bearer = (k: string) => ({ authorization: `Bearer ${k}` });

describe('rate limits and lock-out', () => {
  let f: CoreFixture;
  let app: FastifyInstance;
  let audit: MemoryAudit;
  const open = async (limits: Partial<AccessLimits>) => {
    audit = new MemoryAudit();
    f = await coreFixture({ audit });
    app = await buildApp({ core: f.core, adminKeyHash: sha256Hex(KEY), limits, wallClock: f.clock });
  };
  afterEach(async () => {
    await app.close();
    await f.close();
  });

  describe('per API key and per ground station', () => {
    beforeEach(() => open({ api: 5, station: 3, lockout: false }));

    it('answers 429 RATE_LIMITED with Retry-After once a key has used its budget; other keys and emergency downlinks go on', async () => {
      const t = await f.addTerminal();
      const a = await keyFor(app, 'tenant-user', f.tenantId),
        b = await keyFor(app, 'tenant-user', f.tenantId);
      const get = (k: string) =>
        app.inject({ method: 'GET', url: `/api/v1/terminals/${t.devEui}`, headers: bearer(k) });
      for (let i = 0; i < 5; i++) expect((await get(a)).statusCode).toBe(200);
      const over = await get(a);
      expect(over.statusCode).toBe(429);
      expect(over.json().error.code).toBe('RATE_LIMITED');
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      expect((await get(b)).statusCode).toBe(200);
      const downlink = (priority: string) =>
        app.inject({
          method: 'POST',
          url: `/api/v1/terminals/${t.devEui}/downlinks`,
          headers: bearer(a),
          payload: { fPort: 2, payload: 'AQI=', priority },
        });
      expect((await downlink('normal')).statusCode).toBe(429);
      const emergency = await downlink('emergency');
      expect(emergency.statusCode, emergency.body).toBe(201);
    });

    it('counts gateway batches per station, apart from API keys: one station at its limit does not stop another, nor the API', async () => {
      const t = await f.addTerminal();
      const other = await f.core.provisioning.createGroundStation({ name: 'gs-c', lat: 1, lon: 1 });
      const post = (token: string, fCnt: number) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/gateway/uplinks',
          headers: bearer(token),
          payload: { frames: [uplink(t, fCnt, new Uint8Array([fCnt]))] },
        });
      for (let i = 1; i <= 3; i++) expect((await post(f.token, i)).statusCode).toBe(200);
      const over = await post(f.token, 4);
      expect([over.statusCode, over.json().error.code]).toEqual([429, 'RATE_LIMITED']);
      expect((await post(other.token, 5)).json().results[0].status).toBe('accepted');
      const api = await keyFor(app, 'tenant-user', f.tenantId);
      expect(
        (await app.inject({ method: 'GET', url: `/api/v1/terminals/${t.devEui}`, headers: bearer(api) })).statusCode,
      ).toBe(200);
    });
  });

  describe('lock-out after failed keys', () => {
    beforeEach(() =>
      open({ api: false, station: false, lockout: { failures: 10, windowMs: 5 * 60_000, lockMs: 15 * 60_000 } }),
    );

    it('locks a source out after 10 bad keys in 5 minutes (even its good keys), for 15 minutes, audited; other sources are unaffected', async () => {
      const get = (key: string, remoteAddress = '203.0.113.7') =>
        app.inject({ method: 'GET', url: '/api/v1/tenants', headers: bearer(key), remoteAddress });
      for (let i = 0; i < 10; i++) {
        const r = await get(`sk_guess_${i}`);
        expect([r.statusCode, r.json().error.code]).toEqual([401, 'UNAUTHORIZED']);
      }
      const locked = await get(KEY);
      expect([locked.statusCode, locked.json().error.code]).toEqual([429, 'KEY_LOCKED_OUT']);
      expect(Number(locked.headers['retry-after'])).toBe(900);
      expect((await get(KEY, '198.51.100.1')).statusCode).toBe(200);
      const entry = audit.entries.find((e) => e.action === 'auth.lockout');
      expect(entry).toMatchObject({
        outcome: 'denied',
        target: { kind: 'source', id: '203.0.113.7' },
        details: { failures: 10, lockedForMs: 900_000 },
      });
      expect(JSON.stringify(audit.entries)).not.toContain('sk_guess_');
      // The machine itself (loopback: the operator's CLI) is never locked out.
      for (let i = 0; i < 12; i++) await get(`sk_guess_${i}`, '127.0.0.1');
      expect((await get(KEY, '127.0.0.1')).statusCode).toBe(200);
      f.clock.advance(15 * 60_000);
      expect((await get(KEY)).statusCode).toBe(200);
    });

    it('counts forged ground-station tokens too', async () => {
      const t = await f.addTerminal();
      const post = (token: string) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/gateway/uplinks',
          headers: bearer(token),
          payload: { frames: [uplink(t, 1, new Uint8Array([1]))] },
          remoteAddress: '203.0.113.9',
        });
      for (let i = 0; i < 10; i++)
        expect((await post(`gst_forged_${i}`)).json().error.code).toBe('UNAUTHORIZED_STATION');
      expect((await post(f.token)).json().error.code).toBe('KEY_LOCKED_OUT');
    });

    it('forgets failures older than the window', async () => {
      const clock = new ManualClock(0);
      const l = new AuthLockout({ failures: 3, windowMs: 1000, lockMs: 5000 }, clock);
      expect(await l.fail('a')).toBe(false);
      expect(await l.fail('a')).toBe(false);
      clock.set(1500);
      expect(await l.fail('a')).toBe(false);
      expect(await l.retryAfter('a')).toBe(0);
      expect(await l.fail('a')).toBe(false);
      expect(await l.fail('a')).toBe(true);
      expect(await l.retryAfter('a')).toBe(5);
      clock.set(6500);
      expect(await l.retryAfter('a')).toBe(0);
    });
  });

  describe.each([
    ["this node's memory", false],
    ['the shared store', true],
  ] as const)('lock-out buckets, counted in %s', (_where, sharedStore) => {
    const policy = { failures: 3, windowMs: 60_000, lockMs: 60_000 };
    const build = async (o: { trustProxy?: string[] } = {}) => {
      audit = new MemoryAudit();
      f = await coreFixture({ audit });
      if (sharedStore) Object.defineProperty(f.core, 'sharedLimits', { value: f.store.limits });
      app = await buildApp({
        core: f.core,
        adminKeyHash: sha256Hex(KEY),
        limits: { api: false, station: false, lockout: policy },
        wallClock: f.clock,
        ...o,
      });
    };
    const api = (key: string, remoteAddress: string, headers: Record<string, string> = {}) =>
      app.inject({ method: 'GET', url: '/api/v1/tenants', headers: { ...bearer(key), ...headers }, remoteAddress });
    const batch = async (token: string, remoteAddress: string) => {
      const t = await f.addTerminal();
      return app.inject({
        method: 'POST',
        url: '/api/v1/gateway/uplinks',
        headers: bearer(token),
        payload: { frames: [uplink(t, 1, new Uint8Array([1]))] },
        remoteAddress,
      });
    };

    it('keeps bad API keys and bad station tokens apart: one flood does not lock the other kind out of the same address', async () => {
      await build();
      for (let i = 0; i < 3; i++) expect((await api(`sk_guess_${i}`, '203.0.113.20')).statusCode).toBe(401);
      expect((await api(KEY, '203.0.113.20')).json().error.code).toBe('KEY_LOCKED_OUT');
      const ok = await batch(f.token, '203.0.113.20');
      expect(ok.statusCode, ok.body).toBe(200);
      for (let i = 0; i < 3; i++) expect((await batch(`gst_forged_${i}`, '203.0.113.21')).statusCode).toBe(401);
      expect((await batch(f.token, '203.0.113.21')).json().error.code).toBe('KEY_LOCKED_OUT');
      expect((await api(KEY, '203.0.113.21')).statusCode).toBe(200);
    });

    it('locks one presented key that fails from many addresses, without locking other keys', async () => {
      await build();
      for (let i = 0; i < 3; i++)
        expect((await api('sk_leaked_and_revoked', `198.51.100.${i + 1}`)).statusCode).toBe(401);
      const locked = await api('sk_leaked_and_revoked', '198.51.100.99');
      expect([locked.statusCode, locked.json().error.code, locked.json().error.details.scope]).toEqual([
        429,
        'KEY_LOCKED_OUT',
        'credential',
      ]);
      expect((await api('sk_other_guess', '198.51.100.99')).statusCode).toBe(401);
      expect((await api(KEY, '198.51.100.99')).statusCode).toBe(200);
      const entry = audit.entries.find((e) => e.action === 'auth.lockout' && e.target?.kind === 'credential');
      expect(entry).toMatchObject({ outcome: 'denied', details: { bucket: 'api', failures: 3 } });
      expect(JSON.stringify(audit.entries)).not.toContain('sk_leaked');
    });

    it('judges a request through a trusted local proxy by its forwarded client: loopback from the proxy is not exempt', async () => {
      await build({ trustProxy: ['127.0.0.1'] });
      // A proxy that passes the client's own X-Forwarded-For on: the chain resolves to loopback.
      const viaProxy = (key: string) => api(key, '127.0.0.1', { 'x-forwarded-for': '127.0.0.1' });
      for (let i = 0; i < 3; i++) expect((await viaProxy(`sk_guess_${i}`)).statusCode).toBe(401);
      expect((await viaProxy(KEY)).json().error.code).toBe('KEY_LOCKED_OUT');
      // Another client behind the same proxy is its own source.
      expect((await api(KEY, '127.0.0.1', { 'x-forwarded-for': '203.0.113.30' })).statusCode).toBe(200);
    });

    it('does not exempt loopback requests that carry forwarding headers when no proxy is trusted (an undeclared local proxy)', async () => {
      await build({});
      const viaProxy = (key: string) => api(key, '127.0.0.1', { 'x-forwarded-for': '203.0.113.31' });
      for (let i = 0; i < 3; i++) expect((await viaProxy(`sk_guess_${i}`)).statusCode).toBe(401);
      expect((await viaProxy(KEY)).json().error.code).toBe('KEY_LOCKED_OUT');
      // The CLI on the machine itself, without such headers, is still exempt.
      expect((await api(KEY, '127.0.0.1')).statusCode).toBe(200);
    });
  });

  describe('shared limits whose store does not answer', () => {
    it('still answers the probes, the API and a bad key (401, not 5xx): the limits fail open', async () => {
      audit = new MemoryAudit();
      f = await coreFixture({ audit });
      const down = async (): Promise<never> => {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      };
      Object.defineProperty(f.core, 'sharedLimits', { value: { hit: down, lock: down, lockedUntil: down } });
      app = await buildApp({
        core: f.core,
        adminKeyHash: sha256Hex(KEY),
        limits: { api: 5, station: 5, lockout: { failures: 2, windowMs: 60_000, lockMs: 60_000 } },
        wallClock: f.clock,
      });
      const from = { remoteAddress: '203.0.113.40' };
      expect((await app.inject({ method: 'GET', url: '/healthz', ...from })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/readyz', ...from })).statusCode).toBe(200);
      for (let i = 0; i < 3; i++) {
        const bad = await app.inject({
          method: 'GET',
          url: '/api/v1/tenants',
          headers: bearer(`sat_wrong${i}`),
          ...from,
        });
        expect([bad.statusCode, bad.json().error.code]).toEqual([401, 'UNAUTHORIZED']);
      }
      expect(
        (await app.inject({ method: 'GET', url: '/api/v1/tenants', headers: bearer(KEY), ...from })).statusCode,
      ).toBe(200);
    });
  });
});

describe('trusted proxy matching', () => {
  it('matches addresses and CIDR ranges of both families, an IPv4-mapped peer as its IPv4 address', () => {
    const isProxy = proxyMatcher(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);
    expect([isProxy('127.0.0.1'), isProxy('::ffff:127.0.0.1'), isProxy('10.2.3.4'), isProxy('fd12::1')]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect([isProxy('127.0.0.2'), isProxy('::1'), isProxy('11.0.0.1'), isProxy(undefined)]).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(proxyMatcher([])('127.0.0.1')).toBe(false);
  });
});
