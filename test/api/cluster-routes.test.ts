/**
 * What a load balancer and an operator see of a node: the health and readiness probes, the
 * cluster view, dead letters, 503s with Retry-After when the store is down, the planner's queue,
 * and limits keyed on the client behind a trusted proxy — shared by nodes on one PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { PlannerPool } from '../../src/api/planner/planner-pool.js';
import { sha256Hex } from '../../src/core/provisioning.js';
import { openStore } from '../../src/store/open-store.js';
import { dropPostgresSchema } from '../../src/store/postgres/drop-schema.js';
import { auth, KEY, keyFor, useApi } from './api-fixture.js';
import { coreFixture, uplink } from '../support/core-fixture.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { POSTGRES_URL } from '../store/helpers.js';

describe('health and readiness', () => {
  const api = useApi();

  it('answers liveness always, and readiness with what it checked', async () => {
    expect((await api.app.inject({ method: 'GET', url: '/healthz' })).json()).toMatchObject({ status: 'ok' });
    const ready = await api.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { serving: 'ok', store: 'ok', bus: 'ok' } });
  });

  it('is not ready while stopping or when its store does not answer: 503 NOT_READY with what failed', async () => {
    api.app.draining = true;
    let r = await api.app.inject({ method: 'GET', url: '/readyz' });
    expect([r.statusCode, r.headers['retry-after'], r.json().error.code]).toEqual([503, '5', 'NOT_READY']);
    expect(r.json().error.details.checks.serving).toBe('stopping');
    api.app.draining = false;
    const ping = api.f.store.ping.bind(api.f.store);
    api.f.store.ping = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    };
    r = await api.app.inject({ method: 'GET', url: '/readyz' });
    expect(r.statusCode).toBe(503);
    expect(r.json().error.details.checks.store).toMatch(/^unreachable \(connect ECONNREFUSED/);
    api.f.store.ping = ping;
    expect((await api.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('answers 503 STORE_UNAVAILABLE with Retry-After when the store cannot be reached, and acknowledges nothing', async () => {
    const t = await api.f.addTerminal();
    const commit = api.f.store.commitIngest.bind(api.f.store);
    api.f.store.commitIngest = async () => {
      throw Object.assign(new Error('Connection terminated unexpectedly'), {});
    };
    const r = await api.app.inject({
      method: 'POST',
      url: '/api/v1/gateway/uplinks',
      headers: { authorization: `Bearer ${api.f.token}` },
      payload: { frames: [uplink(t, 1, Uint8Array.of(1))] },
    });
    expect([r.statusCode, r.headers['retry-after'], r.json().error.code]).toEqual([503, '5', 'STORE_UNAVAILABLE']);
    api.f.store.commitIngest = commit;
    const again = await api.app.inject({
      method: 'POST',
      url: '/api/v1/gateway/uplinks',
      headers: { authorization: `Bearer ${api.f.token}` },
      payload: { frames: [uplink(t, 1, Uint8Array.of(1))] },
    });
    expect(again.json().results[0].status).toBe('accepted');
  });
});

describe('the cluster view and dead letters', () => {
  const api = useApi();

  it('shows this node, the leases it holds, and the outbox and consumers', async () => {
    const r = await api.app.inject({ method: 'GET', url: '/api/v1/cluster', headers: auth });
    expect(r.statusCode).toBe(200);
    const c = r.json();
    expect(c.nodes).toEqual([expect.objectContaining({ nodeId: c.node, state: 'up', leases: ['outbox-relay'] })]);
    expect(c.leases).toEqual([expect.objectContaining({ name: 'outbox-relay', holder: c.node, epoch: 1 })]);
    expect(c.outbox).toMatchObject({ pending: expect.any(Number), relayHere: true });
    expect(c.consumers.map((x: { consumer: string }) => x.consumer)).toEqual(
      expect.arrayContaining(['satiot-decoder', 'satiot-rules', 'satiot-downlink-acks']),
    );
    expect(c.bus).toEqual({ kind: 'memory', connected: true });
    const tenantKey = await keyFor(api.app, 'tenant-admin', api.f.tenantId);
    expect(
      (
        await api.app.inject({
          method: 'GET',
          url: '/api/v1/cluster',
          headers: { authorization: `Bearer ${tenantKey}` },
        })
      ).statusCode,
    ).toBe(403);
  });

  it('puts the outbox, consumers, leases and nodes on /metrics', async () => {
    const t = await api.f.addTerminal();
    await api.f.core.pipeline.ingest(api.f.station, [uplink(t, 1, Uint8Array.of(1))]);
    await api.f.core.flush();
    const m = (await api.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(m).toMatch(/^satiot_outbox_pending 0$/m);
    expect(m).toMatch(/^satiot_lease_held\{lease="outbox-relay"\} 1$/m);
    expect(m).toMatch(/^satiot_cluster_nodes\{state="up"\} 1$/m);
    expect(m).toMatch(/^satiot_consumer_pending\{consumer="satiot-decoder"\} \d+$/m);
    expect(m).toMatch(/^satiot_dead_letters_open 0$/m);
    expect(m).toMatch(/^satiot_outbox_published_total [1-9]\d*$/m);
  });

  it('lists, shows and replays dead letters; a replay that fails again is 409 REPLAY_FAILED and stays open', async () => {
    const id = randomBytes(16).toString('hex');
    const event = {
      kind: 'downlink-request',
      alarmId: 'a-1',
      ruleId: 'r',
      tenantId: api.f.tenantId,
      devEui: '00000000000000ff',
      fPort: 2,
      payloadHex: '01',
      requestedAt: new Date().toISOString(),
    };
    await api.f.store.deadLetters.add({
      id,
      consumer: 'satiot-downlink-requests',
      subject: `satiot.downlink-request.3.${api.f.tenantId}.00000000000000ff`,
      eventId: 'a-1:downlink',
      data: Buffer.from(JSON.stringify(event)),
      attempts: 12,
      error: 'database failover',
      failedAt: Date.now(),
    });
    const list = (
      await api.app.inject({ method: 'GET', url: '/api/v1/dead-letters?state=open', headers: auth })
    ).json();
    expect(list.items).toEqual([
      expect.objectContaining({ id, consumer: 'satiot-downlink-requests', attempts: 12, state: 'open', replays: 0 }),
    ]);
    expect(
      (await api.app.inject({ method: 'GET', url: `/api/v1/dead-letters/${id}`, headers: auth })).json().event,
    ).toEqual(event);
    // A regulator (payloads not shown by default) sees what identifies the event, not its payload.
    const regulator = await keyFor(api.app, 'regulator');
    const seen = (
      await api.app.inject({
        method: 'GET',
        url: `/api/v1/dead-letters/${id}`,
        headers: { authorization: `Bearer ${regulator}` },
      })
    ).json();
    expect(seen.eventRedacted).toBe(true);
    expect(seen.event).toEqual({
      kind: 'downlink-request',
      alarmId: 'a-1',
      ruleId: 'r',
      tenantId: api.f.tenantId,
      devEui: '00000000000000ff',
      fPort: 2,
      requestedAt: event.requestedAt,
    });
    // Its terminal is unknown: the downlink service drops the request (nothing to queue) and the replay succeeds.
    const ok = await api.app.inject({ method: 'POST', url: `/api/v1/dead-letters/${id}/replay`, headers: auth });
    expect(ok.json()).toMatchObject({ id, state: 'resolved', replays: 1, lastReplayError: null });
    // A consumer failing again.
    const failing = randomBytes(16).toString('hex');
    await api.f.store.deadLetters.add({
      id: failing,
      consumer: 'satiot-decoder',
      subject: 'satiot.up.1.t.d',
      eventId: 'm.1',
      data: Buffer.from('{"kind":"uplink"}'),
      attempts: 12,
      error: 'x',
      failedAt: Date.now(),
    });
    const decoderHandle = api.f.core.decoder.handle.bind(api.f.core.decoder);
    api.f.core.decoder.handle = async () => {
      throw new Error('still failing');
    };
    const bad = await api.app.inject({ method: 'POST', url: `/api/v1/dead-letters/${failing}/replay`, headers: auth });
    api.f.core.decoder.handle = decoderHandle;
    expect([bad.statusCode, bad.json().error.code]).toEqual([409, 'REPLAY_FAILED']);
    expect(
      (await api.app.inject({ method: 'GET', url: `/api/v1/dead-letters/${failing}`, headers: auth })).json(),
    ).toMatchObject({ state: 'open', replays: 1, lastReplayError: 'still failing' });
    expect(
      (await api.app.inject({ method: 'GET', url: `/api/v1/dead-letters/${'0'.repeat(32)}`, headers: auth })).json()
        .error.code,
    ).toBe('DEAD_LETTER_NOT_FOUND');
  });
});

describe('the planner pool', () => {
  const pools: PlannerPool[] = [];
  afterEach(async () => {
    for (const p of pools.splice(0)) await p.close();
  });
  const passes = {
    kind: 'passes' as const,
    body: { walker: '53:24/3/1', altitudeKm: 550, start: '2026-01-15T00:00:00Z', hours: 24, lat: 40, lon: 116 },
  };

  it('runs jobs in a worker thread and answers their results', async () => {
    const pool = new PlannerPool();
    pools.push(pool);
    const r = (await pool.run(passes)) as { passes: unknown[]; warnings: string[] };
    expect(r.passes.length).toBeGreaterThan(10);
    await expect(
      pool.run({
        ...passes,
        body: { ...passes.body, walker: undefined as unknown as string, start: '1900-01-01T00:00:00Z' },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_TIME' });
  });

  it('refuses a job past its queue with PLANNER_BUSY and stops one past its time limit with PLANNER_TIMEOUT', async () => {
    const pool = new PlannerPool({ maxQueued: 0, timeoutMs: 30 });
    pools.push(pool);
    const slow = pool.run({
      kind: 'coverage',
      body: {
        walker: '53:24/3/1',
        altitudeKm: 550,
        start: '2026-01-15T00:00:00Z',
        hours: 168,
        region: 'china',
        resolution: 4,
        includeCells: false,
      },
    });
    await expect(pool.run(passes)).rejects.toMatchObject({ code: 'PLANNER_BUSY' });
    await expect(slow).rejects.toMatchObject({ code: 'PLANNER_TIMEOUT' });
    expect(pool.load).toEqual({ queued: 0, running: 0 });
  });

  it('answers PLANNER_BUSY over HTTP as a 503 with Retry-After', async () => {
    const app = await buildApp({ planner: { maxQueued: 0, timeoutMs: 60_000 } });
    try {
      const body = {
        walker: '53:24/3/1',
        altitudeKm: 550,
        start: '2026-01-15T00:00:00Z',
        hours: 24,
        region: 'china',
        resolution: 3,
      };
      const [a, b] = await Promise.all([
        app.inject({ method: 'POST', url: '/api/v1/plan/coverage', payload: body }),
        new Promise((r) => setTimeout(r, 50)).then(() =>
          app.inject({ method: 'POST', url: '/api/v1/passes', payload: passes.body }),
        ),
      ]);
      expect(a.statusCode).toBe(200);
      expect([b.statusCode, b.headers['retry-after'], b.json().error.code]).toEqual([503, '5', 'PLANNER_BUSY']);
    } finally {
      await app.close();
    }
  });

  it('answers PLANNER_TIMEOUT over HTTP as a 504 without Retry-After (the same job would time out again)', async () => {
    const app = await buildApp({ planner: { timeoutMs: 30 } });
    try {
      const body = {
        walker: '53:24/3/1',
        altitudeKm: 550,
        start: '2026-01-15T00:00:00Z',
        hours: 168,
        region: 'china',
        resolution: 4,
      };
      const r = await app.inject({ method: 'POST', url: '/api/v1/plan/coverage', payload: body });
      expect([r.statusCode, r.headers['retry-after'], r.json().error.code]).toEqual([
        504,
        undefined,
        'PLANNER_TIMEOUT',
      ]);
    } finally {
      await app.close();
    }
  });
});

describe('limits behind a trusted proxy', () => {
  it('locks out the client X-Forwarded-For names, not the proxy, and only when the proxy is trusted', async () => {
    const f = await coreFixture();
    const limits = { lockout: { failures: 3, windowMs: 60_000, lockMs: 60_000 }, lockoutExempt: [] };
    const trusting = await buildApp({ core: f.core, adminKeyHash: sha256Hex(KEY), limits, trustProxy: ['127.0.0.1'] });
    try {
      const from = (ip: string, key = 'sat_wrong') =>
        trusting.inject({
          method: 'GET',
          url: '/api/v1/terminals',
          headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': ip },
        });
      for (let i = 0; i < 3; i++) expect((await from('203.0.113.9')).statusCode).toBe(401);
      const locked = await from('203.0.113.9', KEY);
      expect([locked.statusCode, locked.json().error.code]).toEqual([429, 'KEY_LOCKED_OUT']);
      expect((await from('203.0.113.10', KEY)).statusCode).toBe(200); // another client behind the same proxy
    } finally {
      await trusting.close();
      await f.close();
    }
  });

  it.runIf(POSTGRES_URL)('shares lock-outs between two nodes on one PostgreSQL', async () => {
    const schema = `satiot_test_${randomBytes(5).toString('hex')}`;
    const url = `${POSTGRES_URL}${POSTGRES_URL!.includes('?') ? '&' : '?'}schema=${schema}`;
    const [fa, fb] = [
      await coreFixture({ store: await openStore(url, { dataDir: '/nonexistent' }) }),
      await coreFixture({ store: await openStore(url, { dataDir: '/nonexistent' }) }),
    ];
    const limits = { lockout: { failures: 3, windowMs: 60_000, lockMs: 60_000 }, lockoutExempt: [] };
    // One wall clock for both nodes, mid-window: failures are counted in fixed windows, and on the system
    // clock three failures could straddle a window's end (two counted in one, one in the next: no lock).
    const wall = new ManualClock(Date.UTC(2026, 11, 7, 12, 0, 30));
    const node = (core: typeof fa.core) =>
      buildApp({ core, adminKeyHash: sha256Hex(KEY), limits, trustProxy: ['127.0.0.1'], wallClock: wall });
    const [a, b] = [await node(fa.core), await node(fb.core)];
    try {
      const at = (app: typeof a, key: string) =>
        app.inject({
          method: 'GET',
          url: '/api/v1/terminals',
          headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': '198.51.100.7' },
        });
      expect((await at(a, 'sat_wrong')).statusCode).toBe(401);
      expect((await at(b, 'sat_wrong')).statusCode).toBe(401);
      expect((await at(a, 'sat_wrong')).statusCode).toBe(401); // the third failure, counted across both nodes
      // The failure is counted before its answer goes out (onSend): B refuses the source at once.
      const locked = await at(b, KEY);
      expect(locked.statusCode).toBe(429);
      expect(locked.json().error.code).toBe('KEY_LOCKED_OUT');
    } finally {
      await a.close();
      await b.close();
      await fa.close();
      await fb.close();
      await dropPostgresSchema(POSTGRES_URL!, schema);
    }
  });
});
