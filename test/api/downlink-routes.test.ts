import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { downlinkRoutes } from '../../src/api/routes/downlink-routes.js';
import { installErrorHandling } from '../../src/api/error-reply.js';
import { addSharedSchemas } from '../../src/api/schemas/index.js';
import { AccessControl } from '../../src/core/access-control.js';
import { DownlinkService } from '../../src/core/downlink-service.js';
import type { GroundStationRecord } from '../../src/core/model.js';
import { sha256Hex } from '../../src/core/provisioning.js';
import { decryptPayload, parseDataFrame, verifyMic, type SessionKeys } from '../../src/frame/index.js';
import { coreFixture, T0, type CoreFixture } from '../support/core-fixture.js';
import { FixedContacts } from '../core/fixed-contacts.js';

const KEY = 'sat_operator_test_key';
const auth = { authorization: `Bearer ${KEY}` };
const MIN = 60_000;

async function build(f: CoreFixture, svc: DownlinkService, access: AccessControl): Promise<FastifyInstance> {
  // As buildApp (src/api/app.ts) sets Fastify up: the same validator options and error mapping.
  const app = Fastify({
    logger: false,
    ajv: { customOptions: { allErrors: false, coerceTypes: true, removeAdditional: false } },
  });
  installErrorHandling(app);
  addSharedSchemas(app);
  await app.register(downlinkRoutes(f.core, svc, access));
  await app.ready();
  return app;
}

describe('downlink API', () => {
  let f: CoreFixture;
  let app: FastifyInstance;
  let svc: DownlinkService;
  let keys: SessionKeys;
  let devEui: string, devAddr: string;
  let other: { station: GroundStationRecord; token: string };
  beforeEach(async () => {
    f = await coreFixture();
    other = await f.core.provisioning.createGroundStation({ name: 'gs-c', lat: 20, lon: 110 });
    const contacts = new FixedContacts([
      {
        id: 'u',
        kind: 'station',
        stationId: f.station.id,
        satelliteId: '99001',
        start: T0 + 10 * MIN,
        end: T0 + 20 * MIN,
      },
      { id: 'd', kind: 'terminal', satelliteId: '99001', start: T0 + 60 * MIN, end: T0 + 70 * MIN },
    ]);
    await f.core.downlinks.stop(); // this test's own service takes the core's consumers
    svc = new DownlinkService(f.store, f.core.events, f.bus, f.core.registry, f.clock, contacts);
    keys = { suite: 'sm4', nwkSKey: randomBytes(16), appSKey: randomBytes(16) };
    devEui = randomBytes(8).toString('hex');
    devAddr = randomBytes(4).toString('hex');
    await f.core.provisioning.createTerminal({
      tenantId: f.tenantId,
      devEui,
      devAddr,
      suite: 'sm4',
      nwkSKey: Buffer.from(keys.nwkSKey).toString('hex'),
      appSKey: Buffer.from(keys.appSKey).toString('hex'),
      location: { lat: 31, lon: 112, altM: 0 },
    });
    app = await build(f, svc, new AccessControl(f.store, f.clock, sha256Hex(KEY)));
  });
  afterEach(async () => {
    await app.close();
    await f.close();
  });

  const post = (body: Record<string, unknown>, headers: Record<string, string> = auth, eui = devEui) =>
    app.inject({ method: 'POST', url: `/api/v1/terminals/${eui}/downlinks`, headers, payload: body });
  const gateway = (token: string) => ({ authorization: `Bearer ${token}` });

  it('queues a downlink behind the operator key and answers 201 with its state and ETA', async () => {
    expect((await post({ fPort: 2, payload: 'AQI=' }, {})).json().error.code).toBe('UNAUTHORIZED');
    const res = await post({ fPort: 2, payload: 'AQI=', confirmed: true, priority: 'emergency' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      id: expect.any(String),
      state: 'scheduled',
      eta: new Date(T0 + 60 * MIN + 30_000).toISOString(),
    });
  });

  it("lists a terminal's downlinks newest first and shows one with every state and its time, never its frame", async () => {
    const a = (await post({ fPort: 2, payload: 'AQI=' })).json().id as string;
    f.clock.advance(1000);
    const b = (await post({ fPort: 3, payload: '', expiresAt: new Date(T0 + 20 * MIN).toISOString() })).json()
      .id as string;
    const list = await app.inject({
      method: 'GET',
      url: `/api/v1/terminals/${devEui}/downlinks?limit=1`,
      headers: auth,
    });
    expect(list.json().items.map((d: { id: string }) => d.id)).toEqual([b]);
    const next = await app.inject({
      method: 'GET',
      url: `/api/v1/terminals/${devEui}/downlinks?limit=1&cursor=${list.json().nextCursor}`,
      headers: auth,
    });
    expect(next.json().items.map((d: { id: string }) => d.id)).toEqual([a]);
    const one = await app.inject({ method: 'GET', url: `/api/v1/downlinks/${a}`, headers: auth });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({
      id: a,
      devEui,
      fPort: 2,
      payload: 'AQI=',
      confirmed: false,
      priority: 'normal',
      state: 'scheduled',
      fCntDown: 0,
      createdAt: new Date(T0).toISOString(),
      expiresAt: new Date(T0 + 72 * 60 * MIN).toISOString(),
      route: { stationId: f.station.id, satelliteId: '99001', contactStart: new Date(T0 + 10 * MIN).toISOString() },
      history: [
        { state: 'queued', at: new Date(T0).toISOString() },
        {
          state: 'scheduled',
          at: new Date(T0).toISOString(),
          stationId: f.station.id,
          eta: new Date(T0 + 60 * MIN + 30_000).toISOString(),
        },
      ],
    });
    expect(one.body).not.toMatch(/phyPayload|Sealed|SKey/i);
    // Its expiry falls before any delivery: queued, with no ETA.
    expect((await app.inject({ method: 'GET', url: `/api/v1/downlinks/${b}`, headers: auth })).json()).toMatchObject({
      state: 'queued',
      eta: null,
    });
  });

  it('refuses bad downlinks: 400 INVALID_ARGUMENT by schema, 400 DOWNLINK_INVALID, 404 TERMINAL_NOT_FOUND and DOWNLINK_NOT_FOUND', async () => {
    const code = async (p: Promise<{ statusCode: number; json(): { error: { code: string } } }>) => {
      const r = await p;
      return [r.statusCode, r.json().error.code];
    };
    expect(await code(post({ fPort: 0, payload: 'AQI=' }))).toEqual([400, 'INVALID_ARGUMENT']);
    expect(await code(post({ fPort: 1, payload: 'AQI=', priority: 'urgent' }))).toEqual([400, 'INVALID_ARGUMENT']);
    expect(await code(post({ fPort: 1, payload: 'AQI=', extra: 1 }))).toEqual([400, 'INVALID_ARGUMENT']);
    expect(await code(post({ fPort: 1, payload: 'not base64!' }))).toEqual([400, 'DOWNLINK_INVALID']);
    expect(await code(post({ fPort: 1, payload: Buffer.alloc(243).toString('base64') }))).toEqual([
      400,
      'DOWNLINK_INVALID',
    ]);
    expect(await code(post({ fPort: 1, payload: 'AQI=', expiresAt: 'yesterday' }))).toEqual([400, 'DOWNLINK_INVALID']);
    expect(await code(post({ fPort: 1, payload: 'AQI=', expiresAt: new Date(T0 - 1).toISOString() }))).toEqual([
      400,
      'DOWNLINK_INVALID',
    ]);
    expect(await code(post({ fPort: 1, payload: 'AQI=' }, auth, '00000000000000ff'))).toEqual([
      404,
      'TERMINAL_NOT_FOUND',
    ]);
    expect(await code(app.inject({ method: 'GET', url: '/api/v1/downlinks/nope', headers: auth }))).toEqual([
      404,
      'DOWNLINK_NOT_FOUND',
    ]);
  });

  it("gives each station only its own schedule, with frames the terminal's keys verify and decrypt", async () => {
    const id = (await post({ fPort: 7, payload: 'yv66vg==', confirmed: true })).json().id as string;
    expect((await app.inject({ method: 'GET', url: '/api/v1/gateway/schedule' })).json().error.code).toBe(
      'UNAUTHORIZED_STATION',
    );
    const range = `from=${new Date(T0).toISOString()}&to=${new Date(T0 + 3_600_000).toISOString()}`;
    const mine = await app.inject({
      method: 'GET',
      url: `/api/v1/gateway/schedule?${range}`,
      headers: gateway(f.token),
    });
    expect(mine.statusCode).toBe(200);
    const [item] = mine.json().items;
    expect(item).toMatchObject({
      downlinkId: id,
      satelliteId: '99001',
      contactStart: new Date(T0 + 10 * MIN).toISOString(),
      contactEnd: new Date(T0 + 20 * MIN).toISOString(),
      priority: 'normal',
    });
    const frame = parseDataFrame(new Uint8Array(Buffer.from(item.phyPayload, 'base64')));
    expect(frame).toMatchObject({ mtype: 'confirmed-data-down', devAddr, fPort: 7, fCnt16: 0 });
    expect(verifyMic(frame, 0, keys)).toBe(true);
    expect(Buffer.from(decryptPayload(frame, 0, keys)).toString('hex')).toBe('cafebabe');
    expect(
      (
        await app.inject({ method: 'GET', url: `/api/v1/gateway/schedule?${range}`, headers: gateway(other.token) })
      ).json(),
    ).toEqual({ items: [] });
    const bad = await app.inject({
      method: 'GET',
      url: '/api/v1/gateway/schedule?from=soon',
      headers: gateway(f.token),
    });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'INVALID_TIME']);
  });

  it('counts what a satellite holds for the terminals: a downlink is on board from its upload to its transmission', async () => {
    const id = (await post({ fPort: 7, payload: 'AQID' })).json().id as string;
    const report = (updates: unknown[]) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/gateway/downlink-status',
        headers: gateway(f.token),
        payload: { updates },
      });
    expect(await svc.onBoard()).toEqual([]); // scheduled, still on the ground
    f.clock.set(T0 + 13 * MIN);
    await report([{ downlinkId: id, status: 'uploaded', at: new Date(T0 + 12 * MIN).toISOString() }]);
    expect(await svc.onBoard()).toEqual([
      { satelliteId: '99001', downlinks: 1, bytes: 3, oldestUploadAt: T0 + 12 * MIN },
    ]);
    f.clock.set(T0 + 61 * MIN);
    await report([{ downlinkId: id, status: 'transmitted', at: new Date(T0 + 60 * MIN + 40_000).toISOString() }]);
    expect(await svc.onBoard()).toEqual([]);
  });

  it('takes status reports only from the station a downlink is scheduled through, and shows them in its history', async () => {
    const id = (await post({ fPort: 7, payload: 'AQ==' })).json().id as string;
    const report = (token: string, updates: unknown[]) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/gateway/downlink-status',
        headers: gateway(token),
        payload: { updates },
      });
    const at = new Date(T0 + 12 * MIN).toISOString();
    f.clock.set(T0 + 13 * MIN);
    expect((await report('nope', [{ downlinkId: id, status: 'uploaded', at }])).json().error.code).toBe(
      'UNAUTHORIZED_STATION',
    );
    const foreign = await report(other.token, [{ downlinkId: id, status: 'uploaded', at }]);
    expect([foreign.statusCode, foreign.json().error.code]).toEqual([404, 'DOWNLINK_NOT_FOUND']);
    const early = await report(f.token, [{ downlinkId: id, status: 'transmitted', at }]);
    expect([early.statusCode, early.json().error.code]).toEqual([409, 'DOWNLINK_STATE']);
    f.clock.set(T0 + 61 * MIN);
    const ok = await report(f.token, [
      { downlinkId: id, status: 'uploaded', at },
      { downlinkId: id, status: 'transmitted', at: new Date(T0 + 60 * MIN + 40_000).toISOString() },
    ]);
    expect(ok.json()).toEqual({
      results: [
        { downlinkId: id, state: 'transmitted' },
        { downlinkId: id, state: 'transmitted' },
      ],
    });
    const one = (await app.inject({ method: 'GET', url: `/api/v1/downlinks/${id}`, headers: auth })).json();
    expect(one.history.map((s: { state: string; at: string }) => [s.state, s.at])).toEqual([
      ['queued', new Date(T0).toISOString()],
      ['scheduled', new Date(T0).toISOString()],
      ['uploaded', at],
      ['transmitted', new Date(T0 + 60 * MIN + 40_000).toISOString()],
    ]);
    expect(one.eta).toBe(new Date(T0 + 60 * MIN + 40_000).toISOString());
    const badTime = await report(f.token, [{ downlinkId: id, status: 'failed', at: 'then' }]);
    expect([badTime.statusCode, badTime.json().error.code]).toEqual([400, 'DOWNLINK_INVALID']);
  });

  it("with API keys, lets a tenant's members queue and read its terminals' downlinks and hides them from other tenants", async () => {
    await app.close();
    const access = new AccessControl(f.store, f.clock, sha256Hex(KEY));
    app = await build(f, svc, access);
    const op = { keyId: null, role: 'operator' as const, tenantId: null };
    const own = (await access.createKey(op, { tenantId: f.tenantId, role: 'tenant-user' })).key;
    const otherTenant = await f.core.provisioning.createTenant('t2');
    const stranger = (await access.createKey(op, { tenantId: otherTenant.id, role: 'tenant-user' })).key;
    const res = await post({ fPort: 2, payload: 'AQI=' }, { authorization: `Bearer ${own}` });
    expect(res.statusCode).toBe(201);
    const id = res.json().id as string;
    expect((await post({ fPort: 2, payload: 'AQI=' }, { authorization: `Bearer ${stranger}` })).json().error.code).toBe(
      'TERMINAL_NOT_FOUND',
    );
    expect(
      (
        await app.inject({
          method: 'GET',
          url: `/api/v1/downlinks/${id}`,
          headers: { authorization: `Bearer ${stranger}` },
        })
      ).json().error.code,
    ).toBe('DOWNLINK_NOT_FOUND');
    expect(
      (
        await app.inject({
          method: 'GET',
          url: `/api/v1/terminals/${devEui}/downlinks`,
          headers: { authorization: `Bearer ${stranger}` },
        })
      ).json().error.code,
    ).toBe('TERMINAL_NOT_FOUND');
    expect(
      (await app.inject({ method: 'GET', url: `/api/v1/downlinks/${id}`, headers: { authorization: `Bearer ${own}` } }))
        .statusCode,
    ).toBe(200);
    expect((await app.inject({ method: 'GET', url: `/api/v1/downlinks/${id}`, headers: auth })).statusCode).toBe(200);
  });
});
