/**
 * Oversized bodies and slow clients. Bodies over the limit are refused with 413 and audited; a
 * client that dribbles its headers or body past the request timeout is answered 408 and cut off,
 * and the attempt is audited; an idle connection is closed. The limits are the app's own settings
 * (buildApp `bodyLimit`, `timeouts`), set small here so the test does not wait long.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { sha256Hex } from '../../src/core/provisioning.js';
import { openStore } from '../../src/store/open-store.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { ChainedAuditLog } from '../../src/supervision/audit-log.js';
import { coreFixture, T0, type CoreFixture } from '../support/core-fixture.js';
import { KEY, auth } from '../api/api-fixture.js';

describe('oversized bodies and slow requests', () => {
  let f: CoreFixture;
  let app: FastifyInstance;
  let log: ChainedAuditLog;
  let port: number;
  beforeEach(async () => {
    const store = await openStore('sqlite::memory:', { dataDir: '/nonexistent' });
    log = new ChainedAuditLog(store.audit, { clock: new ManualClock(T0) });
    f = await coreFixture({ store, audit: log });
    app = await buildApp({
      core: f.core,
      adminKeyHash: sha256Hex(KEY),
      bodyLimit: 64 * 1024,
      timeouts: { idleMs: 1500, requestMs: 600, headersMs: 400, checkMs: 100 },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });
  afterEach(async () => {
    await app.close();
    await f.close();
  });

  const audited = async (action: string) => {
    await app.auditIdle?.();
    await log.flush();
    return (await f.store.audit.list({ action, limit: 100 })).items;
  };

  /** Opens a raw connection, sends `chunks` one by one (awaiting `between` between them), resolves with what the server sent before closing. */
  function rawExchange(chunks: string[], between: () => Promise<void>): Promise<{ data: string; closed: boolean }> {
    return new Promise((resolve, reject) => {
      const s: Socket = connect(port, '127.0.0.1');
      let data = '';
      s.on('data', (d) => {
        data += d.toString('utf8');
      });
      s.on('close', () => resolve({ data, closed: true }));
      s.on('error', (e: NodeJS.ErrnoException) =>
        e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e),
      );
      s.on('connect', async () => {
        for (const c of chunks) {
          if (s.destroyed) return;
          s.write(c);
          await between();
        }
      });
    });
  }

  it('refuses a body over the limit with 413 PAYLOAD_TOO_LARGE, and audits it', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(70 * 1024) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    const big = await app.inject({
      method: 'POST',
      url: '/api/v1/gateway/uplinks',
      headers: { authorization: `Bearer ${f.token}`, 'content-type': 'application/json' },
      payload: `{"frames":[${'{"phyPayload":"AAAA"},'.repeat(5000)}{}]}`,
    });
    expect(big.statusCode).toBe(413);
    const rs = await audited('api.post');
    expect(rs.map((r) => r.details?.code)).toEqual(expect.arrayContaining(['PAYLOAD_TOO_LARGE']));
    expect(rs.find((r) => r.details?.code === 'PAYLOAD_TOO_LARGE')).toMatchObject({
      outcome: 'failed',
      details: { status: 413 },
    });
  });

  it("sets the server's timeouts (Fastify's defaults are none)", async () => {
    expect(app.server.requestTimeout).toBe(600);
    expect(app.server.headersTimeout).toBe(400);
    expect(app.server.timeout).toBe(1500);
    const d = await buildApp();
    expect(d.server.requestTimeout).toBe(120_000);
    expect(d.server.headersTimeout).toBe(30_000);
    expect(d.server.timeout).toBe(60_000);
    await d.close();
  });

  it('cuts off a client that sends its headers a byte at a time (slowloris) with 408, and audits it', async () => {
    const head = `GET /api/v1/tenants HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEY}\r\nX-Slow: ${'a'.repeat(200)}\r\n\r\n`;
    // Each byte 20 ms apart: the whole head would take ~5 s, far past the 400 ms headers timeout.
    const r = await rawExchange([...head], () => new Promise((res) => setTimeout(res, 20)));
    expect(r.closed).toBe(true);
    expect(r.data).toMatch(/^HTTP\/1\.1 408/);
    const rs = await audited('security.slow-request');
    expect(rs[0]).toMatchObject({
      outcome: 'denied',
      sourceIp: '127.0.0.1',
      details: { code: 'ERR_HTTP_REQUEST_TIMEOUT' },
    });
  });

  it('cuts off a client that never finishes its body', async () => {
    const head = `POST /api/v1/tenants HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":"`;
    const r = await rawExchange(
      [head, 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'],
      () => new Promise((res) => setTimeout(res, 100)),
    );
    expect(r.closed).toBe(true);
    expect(r.data).not.toMatch(/^HTTP\/1\.1 2/);
    // Nothing was created.
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/tenants', headers: auth }))
        .json()
        .items.map((t: { name: string }) => t.name),
    ).toEqual(['t1']);
  });

  it('closes a connection that never sends a request', async () => {
    const r = await rawExchange([], async () => {});
    expect(r.closed).toBe(true);
    expect(r.data === '' || r.data.startsWith('HTTP/1.1 408')).toBe(true);
  });
});
