/**
 * The attack suite (test/security) against two real nodes on one PostgreSQL schema and one NATS
 * server: what one node refuses, the other refuses too, and a refusal on one node counts where the
 * other can see it. Forged and replayed frames, unknown station tokens, injection strings in every
 * filter, another tenant's resources, the emergency budget across nodes, and the audit chain both
 * nodes write into, verified at the end.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors/error-codes.js';
import {
  NatsProcess,
  NodeProcess,
  frame,
  missing,
  newTerminal,
  postFrames,
  sharedSchema,
  until,
  type ClusterTerminal,
  type Database,
} from './harness.js';

const why = missing();
if (why) console.warn(`cluster attack tests skipped: ${why}`);
const suite = why ? describe.skip : describe;

const INJECTIONS = [
  "' OR '1'='1",
  '1; DROP TABLE tenants; --',
  "x' UNION SELECT table_name FROM information_schema.tables --",
  "'; SELECT pg_sleep(5); --",
  '%_%',
];
const DB_ERROR = /syntax error|information_schema|relation "|pg_|SQLSTATE|near "/i;
const CODES = new Set(Object.keys(ERROR_CODES));

suite('attacks on a two-node cluster (PostgreSQL + NATS)', () => {
  let nats: NatsProcess, db: Database, a: NodeProcess, b: NodeProcess;
  let tenantId: string, otherTenant: string, token: string, tenantKey: string, otherKey: string;
  let t: ClusterTerminal;

  beforeAll(async () => {
    db = sharedSchema();
    nats = await NatsProcess.start();
    // Both behind a trusted local proxy (X-Forwarded-For names the client), locking out after 5 failures.
    const extra = ['--trust-proxy', '127.0.0.1', '--lockout', '5/300/900'];
    a = await NodeProcess.start('a', { store: db.url, bus: nats.url, extra });
    b = await NodeProcess.start('b', { store: db.url, bus: nats.url, extra });
    tenantId = (await a.api<{ id: string }>('POST', '/api/v1/tenants', { name: 'victim' })).body.id;
    otherTenant = (await b.api<{ id: string }>('POST', '/api/v1/tenants', { name: 'prober' })).body.id;
    token = (await a.api<{ token: string }>('POST', '/api/v1/ground-stations', { name: 'gs', lat: 40, lon: 116 })).body
      .token;
    tenantKey = (await a.api<{ key: string }>('POST', '/api/v1/api-keys', { role: 'tenant-admin', tenantId })).body.key;
    otherKey = (
      await b.api<{ key: string }>('POST', '/api/v1/api-keys', { role: 'tenant-admin', tenantId: otherTenant })
    ).body.key;
    const { body, t: terminal } = newTerminal(tenantId);
    expect((await a.api('POST', '/api/v1/terminals', body)).status).toBe(201);
    t = terminal;
  }, 180_000);

  afterAll(async () => {
    if (process.env['SATIOT_CLUSTER_DEBUG']) for (const n of [a, b]) console.log(`--- node ${n?.id} ---\n${n?.output}`);
    await Promise.all([a?.dispose(), b?.dispose()]);
    await nats?.dispose();
    await db?.dispose();
  });

  it('refuses forged frames on either node (wrong key, a flipped bit) per frame, never with a 500', async () => {
    const forged: ClusterTerminal = {
      ...t,
      keys: { suite: 'aes128', nwkSKey: randomBytes(16), appSKey: randomBytes(16) },
    };
    const genuine = frame(t, 1);
    const bytes = Buffer.from(genuine['phyPayload'] as string, 'base64');
    bytes[9] = bytes[9]! ^ 0x01;
    const flipped = { ...genuine, phyPayload: bytes.toString('base64') };
    for (const node of [a, b]) {
      const r = await postFrames(node, token, [frame(forged, 2), flipped]);
      expect(r?.map((x) => x.code)).toEqual(['BAD_MIC', 'BAD_MIC']);
    }
  });

  it('stores a frame handed in on A and again on B once: the second copy is a duplicate', async () => {
    const f1 = frame(t, 10);
    expect((await postFrames(a, token, [f1]))?.map((x) => x.status)).toEqual(['accepted']);
    const again = await postFrames(b, token, [f1]);
    expect(again?.map((x) => x.status)).toEqual(['duplicate']);
    const listed = await b.api<{ items: Array<{ fCnt: number }> }>(
      'GET',
      `/api/v1/terminals/${t.devEui}/messages?limit=100`,
    );
    expect(listed.body.items.filter((m) => m.fCnt === 10)).toHaveLength(1);
  });

  it('answers an unknown station token 401 UNAUTHORIZED_STATION on both nodes', async () => {
    for (const node of [a, b]) {
      const r = await fetch(`${node.url}/api/v1/gateway/uplinks`, {
        method: 'POST',
        headers: { authorization: 'Bearer forged-token', 'content-type': 'application/json' },
        body: JSON.stringify({ frames: [frame(t, 3)] }),
      });
      expect(r.status).toBe(401);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED_STATION');
    }
  });

  it('answers another tenant 404 for the terminal, its messages and its downlinks on either node', async () => {
    for (const node of [a, b]) {
      for (const path of [
        `/api/v1/terminals/${t.devEui}`,
        `/api/v1/terminals/${t.devEui}/messages`,
        `/api/v1/terminals/${t.devEui}/downlinks`,
      ]) {
        const r = await node.api<{ error: { code: string } }>('GET', path, undefined, otherKey);
        expect(r.status, `${node.id} ${path}`).toBe(404);
      }
      const dl = await node.api(
        'POST',
        `/api/v1/terminals/${t.devEui}/downlinks`,
        { fPort: 2, payload: 'AQI=' },
        otherKey,
      );
      expect(dl.status).toBe(404);
    }
  });

  it('keeps injection strings in filters and paths to catalogued answers on PostgreSQL, with no database text and no foreign row', async () => {
    for (const node of [a, b]) {
      for (const s of INJECTIONS) {
        const q = encodeURIComponent(s);
        for (const path of [
          `/api/v1/terminals?tenantId=${q}`,
          `/api/v1/terminals/${q}`,
          `/api/v1/terminals/${t.devEui}/messages?cursor=${q}`,
          `/api/v1/audit?action=${q}`,
          `/api/v1/anomalies?subjectId=${q}`,
        ]) {
          for (const key of [undefined, otherKey]) {
            const r = await node.api<{ error?: { code: string }; items?: unknown[] }>('GET', path, undefined, key);
            expect(r.status, `${node.id} ${path}`).toBeLessThan(500);
            // The input itself may be echoed ("no tenant x' UNION …"): only what is left counts.
            const body = JSON.stringify(r.body ?? '');
            expect(body.split(JSON.stringify(s).slice(1, -1)).join('').split(s).join('')).not.toMatch(DB_ERROR);
            if (r.status >= 400) expect(CODES.has(r.body.error!.code)).toBe(true);
            if (key === otherKey && r.status === 200 && path.startsWith('/api/v1/terminals?'))
              expect(r.body.items).toEqual([]);
          }
        }
      }
    }
    // The tables are intact: the victim's terminal is still there, seen from both nodes.
    for (const node of [a, b])
      expect((await node.api('GET', `/api/v1/terminals/${t.devEui}`, undefined, tenantKey)).status).toBe(200);
  });

  it("counts a tenant's emergency downlinks across nodes: the budget used up on A refuses on B", async () => {
    const { body, t: radio } = newTerminal(tenantId);
    expect((await b.api('POST', '/api/v1/terminals', body)).status).toBe(201);
    // Node A learns of the terminal from B's registry event (docs/cluster.md): wait for it there, with normal downlinks, which the budget does not count.
    await until(
      async () =>
        (await a.api('POST', `/api/v1/terminals/${radio.devEui}/downlinks`, { fPort: 2, payload: 'AQI=' }, tenantKey))
          .status === 201,
      'the terminal known on A',
    );
    const send = (node: NodeProcess) =>
      node.api<{ error?: { code: string } }>(
        'POST',
        `/api/v1/terminals/${radio.devEui}/downlinks`,
        { fPort: 2, payload: 'AQI=', priority: 'emergency' },
        tenantKey,
      );
    const statuses: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await send(i % 2 === 0 ? a : b);
      statuses.push(`${r.status} ${r.body.error?.code ?? ''}`.trim());
    }
    expect(statuses).toEqual(Array<string>(20).fill('201'));
    const over = await send(b);
    expect([over.status, over.body.error?.code]).toEqual([429, 'EMERGENCY_BUDGET_EXCEEDED']);
    expect((await send(a)).status).toBe(429);
  });

  it('locks a client out on B after its bad keys on A, by the address the proxy names; its station batches and other clients go on', async () => {
    const from = (ip: string, key: string) => ({ authorization: `Bearer ${key}`, 'x-forwarded-for': ip });
    const get = (node: NodeProcess, ip: string, key: string) =>
      fetch(`${node.url}/api/v1/terminals`, { headers: from(ip, key) });
    for (let i = 0; i < 5; i++) expect((await get(a, '203.0.113.9', `sk_wrong_${i}`)).status).toBe(401);
    expect((await get(a, '203.0.113.9', tenantKey)).status).toBe(429);
    const locked = await get(b, '203.0.113.9', tenantKey);
    expect(locked.status).toBe(429);
    expect(((await locked.json()) as { error: { code: string } }).error.code).toBe('KEY_LOCKED_OUT');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await get(b, '198.51.100.4', tenantKey)).status).toBe(200);
    const batch = await fetch(`${b.url}/api/v1/gateway/uplinks`, {
      method: 'POST',
      headers: { ...from('203.0.113.9', token), 'content-type': 'application/json' },
      body: JSON.stringify({ frames: [frame(t, 40)] }),
    });
    expect(batch.status).toBe(200);
  });

  it('refuses a rotated station token on B at once, then a revoked one on A', async () => {
    const station = await a.api<{ id: string; token: string }>('POST', '/api/v1/ground-stations', {
      name: 'gs-rotate',
      lat: 30,
      lon: 104,
    });
    const old = station.body.token;
    expect((await postFrames(b, old, [frame(t, 50)]))?.map((r) => r.status)).toEqual(['accepted']);
    const rotated = await a.api<{ token: string }>('POST', `/api/v1/ground-stations/${station.body.id}/token`);
    expect(rotated.status).toBe(200);
    expect(await postFrames(b, old, [frame(t, 51)])).toBeUndefined();
    expect((await postFrames(b, rotated.body.token, [frame(t, 52)]))?.map((r) => r.status)).toEqual(['accepted']);
    expect((await b.api('DELETE', `/api/v1/ground-stations/${station.body.id}/token`)).status).toBe(200);
    const refused = await fetch(`${a.url}/api/v1/gateway/uplinks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rotated.body.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ frames: [frame(t, 53)] }),
    });
    expect(refused.status).toBe(401);
  });

  it('keeps one verifiable audit chain written by both nodes', async () => {
    const ops = [a, b].map((n) => n.api<{ ok: boolean }>('GET', '/api/v1/audit/verify'));
    for (const r of await Promise.all(ops)) expect(r.body, JSON.stringify(r.body)).toMatchObject({ ok: true });
  });
});
