/**
 * Unauthenticated noise: /metrics does not tell strangers the station ids and per-station traffic,
 * and junk requests with suspicious queries cannot grow the hash-chained audit log without bound.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../src/api/app.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { sha256Hex } from '../../src/core/provisioning.js';
import { openStore } from '../../src/store/open-store.js';
import { ChainedAuditLog } from '../../src/supervision/audit-log.js';
import { coreFixture, T0, type CoreFixture } from '../support/core-fixture.js';
import { keyFor, KEY } from '../api/api-fixture.js';

const REMOTE = '203.0.113.9';
let f: CoreFixture, app: FastifyInstance, log: ChainedAuditLog, wall: ManualClock;

async function open(o: Partial<AppOptions> = {}): Promise<void> {
  const store = await openStore('sqlite::memory:', { dataDir: '/nonexistent' });
  log = new ChainedAuditLog(store.audit, { clock: new ManualClock(T0) });
  f = await coreFixture({ store, audit: log });
  wall = new ManualClock(T0);
  // No rate limit or lock-out: only the audit's own bounds are under test.
  app = await buildApp({
    core: f.core,
    adminKeyHash: sha256Hex(KEY),
    limits: { api: false, station: false, lockout: false },
    wallClock: wall,
    ...o,
  });
}
afterEach(async () => {
  await app.close();
  await f.close();
});

const scrape = (remoteAddress: string, token?: string) =>
  app.inject({
    method: 'GET',
    url: '/metrics',
    remoteAddress,
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
  });

describe('/metrics access', () => {
  it('without a metrics token: open to loopback callers, 401 to anonymous remote ones, open to operator keys', async () => {
    await open();
    expect((await scrape('127.0.0.1')).statusCode).toBe(200);
    expect((await scrape('::1')).statusCode).toBe(200);
    // A proxy on this machine that is not trusted (--trust-proxy) forwards a remote client: not loopback.
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/metrics',
          remoteAddress: '127.0.0.1',
          headers: { 'x-forwarded-for': REMOTE },
        })
      ).statusCode,
    ).toBe(401);
    const denied = await scrape(REMOTE);
    expect([denied.statusCode, denied.json().error.code]).toEqual([401, 'UNAUTHORIZED']);
    expect(denied.body).not.toContain('satiot_');
    expect((await scrape(REMOTE, KEY)).body).toContain('satiot_');
    const operator = await keyFor(app, 'operator');
    expect((await scrape(REMOTE, operator)).statusCode).toBe(200);
    const tenantAdmin = await keyFor(app, 'tenant-admin', f.tenantId);
    expect((await scrape(REMOTE, tenantAdmin)).statusCode).toBe(403);
  });

  it('with a metrics token: only that token (or an operator key) scrapes, from any address, loopback included', async () => {
    await open({ metricsToken: 'prom-scrape-secret-0123456789' });
    expect((await scrape('127.0.0.1')).statusCode).toBe(401);
    expect((await scrape(REMOTE, 'wrong-token')).statusCode).toBe(401);
    const ok = await scrape(REMOTE, 'prom-scrape-secret-0123456789');
    expect([ok.statusCode, ok.headers['content-type']]).toEqual([200, expect.stringMatching(/^text\/plain/)]);
    expect((await scrape(REMOTE, KEY)).statusCode).toBe(200);
  });
});

describe('suspicious-input audit records', () => {
  const junk = (remoteAddress: string, i: number) =>
    app.inject({ method: 'GET', url: `/api/v1/junk-${i}?q=${encodeURIComponent("' OR '1'='1")}`, remoteAddress });
  const suspicious = async () => {
    await app.auditIdle?.();
    await log.flush();
    return (await f.store.audit.range(0, 100_000)).filter((r) => r.action === 'security.suspicious-input');
  };

  it('appends one record per source address a minute, and the next one carries the count of those suppressed', async () => {
    await open();
    for (let i = 0; i < 1000; i++) expect((await junk(REMOTE, i)).statusCode).toBe(404);
    const first = await suspicious();
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      sourceIp: REMOTE,
      details: { kind: 'sql-injection', inputs: ['query.q'], suppressed: 0 },
    });
    wall.advance(61_000);
    await junk(REMOTE, 1000);
    const after = await suspicious();
    expect(after).toHaveLength(2);
    expect(after[1]).toMatchObject({ sourceIp: REMOTE, details: { suppressed: 999 } });
  });

  it('caps the records of all sources together, and counts what the cap held back', async () => {
    await open();
    for (let i = 0; i < 1000; i++) await junk(`198.51.${Math.floor(i / 250)}.${i % 250}`, i);
    const capped = await suspicious();
    expect(capped.length).toBeGreaterThan(0);
    expect(capped.length).toBeLessThanOrEqual(20);
    wall.advance(61_000);
    await junk(REMOTE, 1000);
    const after = await suspicious();
    expect(after).toHaveLength(capped.length + 1);
    expect(after.at(-1)).toMatchObject({
      sourceIp: REMOTE,
      details: { suppressed: 0, suppressedOverCap: 1000 - capped.length },
    });
  });
});
