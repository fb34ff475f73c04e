import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/core/delivery/signature.js';
import { HttpWebhookTransport } from '../../src/integrations/http-webhook-transport.js';
import { TENANT, uplinkMessage } from '../core/delivery/helpers.js';
import { auth, deliveryApp, type DeliveryApp } from './delivery-app.js';
import { until } from '../support/until.js';

describe('API: webhooks', () => {
  let h: DeliveryApp;
  beforeEach(async () => {
    h = await deliveryApp();
  });
  afterEach(() => h.close());

  const create = (payload: Record<string, unknown>) =>
    h.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth, payload });

  it('registers a webhook and answers its secret once; listings and reads never show it', async () => {
    const res = await create({ tenantId: TENANT, url: 'https://app.example/hook', events: ['uplink', 'alarm'] });
    expect(res.statusCode).toBe(201);
    const { id, secret } = res.json();
    expect(Object.keys(res.json()).sort()).toEqual(['id', 'secret']);
    expect(secret).toMatch(/^whsec_/);
    const one = await h.app.inject({ method: 'GET', url: `/api/v1/webhooks/${id}`, headers: auth });
    expect(one.json()).toEqual({
      id,
      tenantId: TENANT,
      url: 'https://app.example/hook',
      events: ['uplink', 'alarm'],
      enabled: true,
      consecutiveFailures: 0,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const list = await h.app.inject({ method: 'GET', url: `/api/v1/webhooks?tenantId=${TENANT}`, headers: auth });
    expect(list.json().items.map((w: { id: string }) => w.id)).toEqual([id]);
    expect(list.body).not.toContain(secret.slice(6));
    expect(one.body).not.toContain('sealed');
  });

  it('disables and enables a webhook, shows its empty delivery log, and deletes it', async () => {
    const { id } = (await create({ tenantId: TENANT, url: 'https://app.example/hook' })).json();
    const off = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/webhooks/${id}`,
      headers: auth,
      payload: { enabled: false },
    });
    expect(off.json()).toMatchObject({
      enabled: false,
      disabledReason: 'disabled by an operator',
      disabledAt: expect.any(String),
    });
    const on = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/webhooks/${id}`,
      headers: auth,
      payload: { enabled: true },
    });
    expect(on.json().enabled).toBe(true);
    expect(on.json().disabledReason).toBeUndefined();
    expect(
      (await h.app.inject({ method: 'GET', url: `/api/v1/webhooks/${id}/deliveries`, headers: auth })).json(),
    ).toEqual({ items: [] });
    expect((await h.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${id}`, headers: auth })).statusCode).toBe(
      204,
    );
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: auth })).json()).toEqual({
      items: [],
    });
  });

  it('asks for the operator key and checks the body against the schema', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/webhooks' });
    expect([res.statusCode, res.json().error.code]).toEqual([401, 'UNAUTHORIZED']);
    const extra = await create({ tenantId: TENANT, url: 'https://x.example/', secret: 'mine' });
    expect([extra.statusCode, extra.json().error.code]).toEqual([400, 'INVALID_ARGUMENT']);
    const kinds = await create({ tenantId: TENANT, url: 'https://x.example/', events: ['telemetry'] });
    expect([kinds.statusCode, kinds.json().error.code]).toEqual([400, 'INVALID_ARGUMENT']);
    const tenant = await create({ tenantId: 'nobody', url: 'https://x.example/' });
    expect([tenant.statusCode, tenant.json().error.code]).toEqual([404, 'TENANT_NOT_FOUND']);
    const patch = await h.app.inject({
      method: 'PATCH',
      url: '/api/v1/webhooks/x',
      headers: auth,
      payload: { enabled: 'sometimes' },
    });
    expect(patch.statusCode).toBe(400);
  });

  it('answers 404 WEBHOOK_NOT_FOUND for an unknown webhook and 400 INTEGRATION_INVALID for a URL that is not http(s)', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/webhooks/nope'],
      ['PATCH', '/api/v1/webhooks/nope'],
      ['DELETE', '/api/v1/webhooks/nope'],
      ['GET', '/api/v1/webhooks/nope/deliveries'],
    ] as const) {
      const res = await h.app.inject({
        method,
        url,
        headers: auth,
        ...(method === 'PATCH' ? { payload: { enabled: true } } : {}),
      });
      expect([res.statusCode, res.json().error.code]).toEqual([404, 'WEBHOOK_NOT_FOUND']);
    }
    const bad = await create({ tenantId: TENANT, url: 'ftp://x.example/' });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'INTEGRATION_INVALID']);
  });
});

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly verified: boolean;
}

/** A receiver on a real socket: verifies every delivery with the secret, answers from `answers` (then 204). */
async function receiver(
  secret: () => string,
  answers: number[],
): Promise<{ server: Server; url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const verified = verifySignature(
        secret(),
        req.headers['x-satiot-signature'] as string | undefined,
        req.headers['x-satiot-timestamp'] as string | undefined,
        body,
        Math.floor(Date.now() / 1000),
      );
      got.push({ path: req.url ?? '', headers: req.headers, body: body.toString('utf8'), verified });
      if (req.url === '/hang') return; // never answers
      if (req.url === '/moved') {
        res.writeHead(302, { location: '/elsewhere' }).end();
        return;
      }
      res.writeHead(verified ? (answers.shift() ?? 204) : 401).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got };
}

describe('webhook delivery over real sockets (node:http receiver, fetch transport)', () => {
  let h: DeliveryApp;
  let rx: Awaited<ReturnType<typeof receiver>>;
  let secret = '';

  beforeEach(async () => {
    h = await deliveryApp({
      start: true,
      deps: {
        transport: new HttpWebhookTransport({ allowInternal: true }),
        allowInternal: true,
        policy: { baseDelayMs: 50, maxDelayMs: 200, maxAttempts: 3, timeoutMs: 500, pollMs: 20 },
      },
    });
    rx = await receiver(() => secret, [503]);
  });
  afterEach(async () => {
    rx.server.closeAllConnections();
    await new Promise((r) => rx.server.close(r));
    await h.close();
  });

  const register = async (url: string) => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: auth,
      payload: { tenantId: TENANT, url, events: ['uplink'] },
    });
    return res.json() as { id: string; secret: string };
  };
  const log = async (id: string) =>
    (await h.app.inject({ method: 'GET', url: `/api/v1/webhooks/${id}/deliveries`, headers: auth })).json()
      .items as Array<Record<string, unknown>>;
  const publishUplink = async (fCnt: number) => {
    const m = uplinkMessage(fCnt);
    await h.bus.publish(m.subject, m.data, { msgId: m.msgId! });
    return Buffer.from(m.data).toString('utf8');
  };

  it('posts a signed uplink the receiver verifies, retries after a 503, and logs both attempts', async () => {
    const w = await register(`${rx.url}/hook`);
    secret = w.secret;
    const body = await publishUplink(1);
    await until(() => (rx.got.length >= 2 ? true : undefined), 'two posts');
    expect(rx.got.map((r) => [r.path, r.verified, r.body])).toEqual([
      ['/hook', true, body],
      ['/hook', true, body],
    ]);
    expect(rx.got[0]!.headers).toMatchObject({ 'content-type': 'application/json', 'x-satiot-event': 'uplink' });
    expect(rx.got[0]!.headers['x-satiot-delivery']).toBe(rx.got[1]!.headers['x-satiot-delivery']);
    const entries = await until(async () => {
      const l = await log(w.id);
      return l.length === 2 ? l : undefined;
    }, 'two log entries');
    expect(entries.map((a) => [a.attempt, a.outcome, a.statusCode, a.error ?? null, a.messageId])).toEqual([
      [2, 'delivered', 204, null, 'term-1.1'],
      [1, 'retrying', 503, 'HTTP 503', 'term-1.1'],
    ]);
    expect(entries[0]!.durationMs).toEqual(expect.any(Number));
    expect(Date.parse(entries[0]!.at as string)).toBeGreaterThanOrEqual(Date.parse(entries[1]!.at as string));
    expect((await h.svc.deliveriesOf(['term-1.1'])).get('term-1.1')).toEqual([
      { messageId: 'term-1.1', integrationKind: 'webhook', integrationId: w.id, deliveredAt: expect.any(Number) },
    ]);
  });

  it('logs a refused connection, a timeout and a redirect (not followed) as failed attempts with their class of failure', async () => {
    const closed = await receiver(() => secret, []);
    const deadUrl = closed.url;
    await new Promise((r) => closed.server.close(r));
    const dead = await register(`${deadUrl}/hook`);
    const hang = await register(`${rx.url}/hang`);
    const moved = await register(`${rx.url}/moved`);
    secret = moved.secret;
    await publishUplink(1);
    for (const w of [dead, hang, moved]) {
      await until(
        async () => ((await log(w.id)).some((a) => a.outcome === 'failed') ? true : undefined),
        `a failed delivery to ${w.id}`,
      );
    }
    expect((await log(dead.id)).map((a) => [a.outcome, a.statusCode ?? null])).toEqual([
      ['failed', null],
      ['retrying', null],
      ['retrying', null],
    ]);
    expect((await log(dead.id))[0]!.error).toBe('connection refused');
    expect((await log(hang.id))[0]!.error).toBe('timeout');
    expect((await log(hang.id))[0]!.durationMs as number).toBeGreaterThanOrEqual(450);
    expect((await log(moved.id))[0]).toMatchObject({ outcome: 'failed', statusCode: 302, error: 'HTTP 302' });
    expect(rx.got.filter((r) => r.path === '/elsewhere')).toEqual([]);
  });
});
