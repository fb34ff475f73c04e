import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { buildApp } from '../../src/api/app.js';
import { sha256Hex } from '../../src/core/provisioning.js';
import { coreFixture, uplink, T0, type CoreFixture } from '../support/core-fixture.js';

const KEY = 'sat_operator_test_key';
const auth = { authorization: `Bearer ${KEY}` };

describe('core API: provisioning, gateway, messages, metrics', () => {
  let f: CoreFixture;
  let app: FastifyInstance;
  beforeEach(async () => {
    f = await coreFixture();
    app = await buildApp({ core: f.core, adminKeyHash: sha256Hex(KEY) });
  });
  afterEach(async () => {
    await app.close();
    await f.close();
  });

  const newTerminal = async (over: Record<string, unknown> = {}) => {
    const nwk = randomBytes(16),
      apps = randomBytes(16);
    const body = {
      tenantId: f.tenantId,
      devEui: randomBytes(8).toString('hex'),
      devAddr: randomBytes(4).toString('hex'),
      nwkSKey: nwk.toString('hex'),
      appSKey: apps.toString('hex'),
      profile: 'vehicle',
      ...over,
    };
    const res = await app.inject({ method: 'POST', url: '/api/v1/terminals', headers: auth, payload: body });
    return { res, body, keys: { suite: 'aes128' as const, nwkSKey: nwk, appSKey: apps } };
  };

  it('refuses provisioning without the operator key (401 UNAUTHORIZED) and with a wrong one', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: 'Basic abc' }]) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/tenants', headers, payload: { name: 'x' } });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHORIZED');
    }
  });

  it('creates a tenant, a terminal and a ground station, and never returns key material', async () => {
    const t = await app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      headers: auth,
      payload: { name: 'Water Bureau' },
    });
    expect(t.statusCode).toBe(201);
    const { res, body } = await newTerminal({ tenantId: t.json().id, location: { lat: 30.5, lon: 114.3 } });
    expect(res.statusCode).toBe(201);
    const text =
      res.body +
      (await app.inject({ method: 'GET', url: `/api/v1/terminals/${body.devEui}`, headers: auth })).body +
      (await app.inject({ method: 'GET', url: '/api/v1/terminals', headers: auth })).body;
    for (const secret of [body.nwkSKey, body.appSKey]) expect(text.toLowerCase()).not.toContain(secret);
    expect(text).not.toMatch(/sealed|SKey/i);
    expect(res.json()).toMatchObject({
      devEui: body.devEui,
      profile: 'vehicle',
      suite: 'aes128',
      enabled: true,
      location: { lat: 30.5, lon: 114.3, altM: 0 },
    });
    const gs = await app.inject({
      method: 'POST',
      url: '/api/v1/ground-stations',
      headers: auth,
      payload: { name: 'Kashi', lat: 39.5, lon: 76 },
    });
    expect(gs.statusCode).toBe(201);
    expect(gs.json().token).toMatch(/^gst_/);
    const list = await app.inject({ method: 'GET', url: '/api/v1/ground-stations', headers: auth });
    expect(list.body).not.toContain(gs.json().token);
  });

  it('answers 409 TERMINAL_EXISTS for a second terminal with the same DevEUI and 404 TENANT_NOT_FOUND for an unknown tenant', async () => {
    const { body } = await newTerminal();
    expect((await newTerminal({ devEui: body.devEui })).res.json().error.code).toBe('TERMINAL_EXISTS');
    const r = (await newTerminal({ tenantId: 'nope' })).res;
    expect([r.statusCode, r.json().error.code]).toEqual([404, 'TENANT_NOT_FOUND']);
  });

  it('rejects malformed provisioning bodies with 400 INVALID_ARGUMENT', async () => {
    for (const over of [{ devEui: 'xyz' }, { nwkSKey: '00' }, { suite: 'des' }, { profile: 'rocket' }, { extra: 1 }]) {
      const r = (await newTerminal(over)).res;
      expect([r.statusCode, r.json().error.code]).toEqual([400, 'INVALID_ARGUMENT']);
    }
  });

  it('takes gateway batches only with a ground-station token (401 UNAUTHORIZED_STATION otherwise)', async () => {
    const { body, keys } = await newTerminal();
    const frame = uplink({ devAddr: body.devAddr, devEui: body.devEui, keys, id: '' }, 1, Buffer.from('x'));
    for (const headers of [{}, { authorization: 'Bearer gst_wrong' }, auth]) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/gateway/uplinks',
        headers,
        payload: { frames: [frame] },
      });
      expect([r.statusCode, r.json().error.code]).toEqual([401, 'UNAUTHORIZED_STATION']);
    }
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/gateway/uplinks',
      headers: { authorization: `Bearer ${f.token}` },
      payload: { frames: [frame, frame] },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'duplicate']);
  });

  it('answers malformed and oversized gateway requests with a 4xx and a code, not a crash', async () => {
    const gw = (payload: unknown, headers: Record<string, string> = {}) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/gateway/uplinks',
        headers: { authorization: `Bearer ${f.token}`, ...headers },
        payload: payload as string,
      });
    expect((await gw('{"frames": [', { 'content-type': 'application/json' })).statusCode).toBe(400);
    expect((await gw({ frames: [] })).json().error.code).toBe('INVALID_ARGUMENT');
    expect((await gw({ frames: [{ phyPayload: 1 }] })).json().error.code).toBe('INVALID_ARGUMENT');
    const tooMany = Array.from({ length: 5001 }, () => ({
      phyPayload: 'AA==',
      satelliteId: 's',
      capturedAt: 'x',
      downlinkedAt: 'y',
    }));
    expect((await gw({ frames: tooMany })).statusCode).toBe(400);
    const small = await buildApp({ core: f.core, adminKeyHash: sha256Hex(KEY), bodyLimit: 1000 });
    const big = await small.inject({
      method: 'POST',
      url: '/api/v1/gateway/uplinks',
      headers: { authorization: `Bearer ${f.token}` },
      payload: {
        frames: Array.from({ length: 50 }, () => ({
          phyPayload: 'AAAA',
          satelliteId: 's',
          capturedAt: 'x',
          downlinkedAt: 'y',
        })),
      },
    });
    expect([big.statusCode, big.json().error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    await small.close();
  });

  it("lists a terminal's messages newest first with cursor pagination, payloads, receptions and hop times", async () => {
    const { body, keys } = await newTerminal();
    const term = { devAddr: body.devAddr, devEui: body.devEui, keys, id: '' };
    const frames = Array.from({ length: 25 }, (_, i) =>
      uplink(term, i + 1, Buffer.from(`m${i + 1}`), { capturedAt: Date.parse('2026-01-15T08:00:00Z') + i * 60_000 }),
    );
    await app.inject({
      method: 'POST',
      url: '/api/v1/gateway/uplinks',
      headers: { authorization: `Bearer ${f.token}` },
      payload: { frames },
    });
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const r = await app.inject({
        method: 'GET',
        url: `/api/v1/terminals/${body.devEui}/messages?limit=10${cursor ? `&cursor=${cursor}` : ''}`,
        headers: auth,
      });
      expect(r.statusCode).toBe(200);
      const page = r.json() as {
        items: Array<{
          fCnt: number;
          payload: string;
          receptions: unknown[];
          capturedAt: string;
          downlinkedAt: string;
          ingestedAt: string;
        }>;
        nextCursor?: string;
      };
      for (const m of page.items) {
        expect(Buffer.from(m.payload, 'base64').toString()).toBe(`m${m.fCnt}`);
        expect(m.receptions).toHaveLength(1);
        expect(Date.parse(m.capturedAt)).toBeLessThan(Date.parse(m.downlinkedAt));
      }
      seen.push(...page.items.map((m) => m.fCnt));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => 25 - i));
    const filtered = await app.inject({
      method: 'GET',
      url: `/api/v1/terminals/${body.devEui}/messages?from=2026-01-15T08:10:00Z&to=2026-01-15T08:12:00Z`,
      headers: auth,
    });
    expect(filtered.json().items.map((m: { fCnt: number }) => m.fCnt)).toEqual([13, 12, 11]);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/terminals/0000000000000000/messages', headers: auth })).json()
        .error.code,
    ).toBe('TERMINAL_NOT_FOUND');
  });

  it('exposes ingest counters on /metrics and rejection tallies through the API', async () => {
    await app.inject({
      method: 'POST',
      url: '/api/v1/gateway/uplinks',
      headers: { authorization: `Bearer ${f.token}` },
      payload: {
        frames: [
          {
            phyPayload: 'QAEC',
            satelliteId: 's',
            capturedAt: new Date(T0 - 60_000).toISOString(),
            downlinkedAt: new Date(T0).toISOString(),
          },
        ],
      },
    });
    const m = await app.inject({ method: 'GET', url: '/metrics' });
    expect(m.statusCode).toBe(200);
    expect(m.body).toMatch(/satiot_ingest_frames_total\{status="rejected",code="MALFORMED_FRAME",station="[^"]+"} 1/);
    const t = await app.inject({ method: 'GET', url: '/api/v1/ingest/rejections', headers: auth });
    expect(t.json().items).toEqual([{ stationId: f.station.id, code: 'MALFORMED_FRAME', count: 1 }]);
  });

  it('loads satellites from TLE text and OMM records, reports bad sets, and lists the registry', async () => {
    const tle = readFileSync(new URL('../fixtures/tle/reference-leo.tle', import.meta.url), 'utf8');
    const broken = tle.replace(
      /(\n1 99003.*)\d\n/,
      (_m, l: string) => `${l}${(Number(_m.trim().slice(-1)) + 1) % 10}\n`,
    );
    const up = await app.inject({ method: 'POST', url: '/api/v1/satellites', headers: auth, payload: { tle: broken } });
    expect(up.statusCode).toBe(200);
    expect(up.json().items.map((s: { noradId: number }) => s.noradId)).toEqual([99001, 99002, 99004, 99005, 99006]);
    expect(up.json().issues).toEqual([expect.objectContaining({ code: 'TLE_CHECKSUM', satellite: 'REF-ORBCOMM-750' })]);
    const omm = await app.inject({
      method: 'POST',
      url: '/api/v1/satellites',
      headers: auth,
      payload: {
        omm: [
          {
            OBJECT_NAME: 'OMM-SAT',
            OBJECT_ID: '2026-001A',
            EPOCH: '2026-01-15T00:00:00',
            MEAN_MOTION: 15.2,
            ECCENTRICITY: 0.001,
            INCLINATION: 97.6,
            RA_OF_ASC_NODE: 10,
            ARG_OF_PERICENTER: 0,
            MEAN_ANOMALY: 0,
            NORAD_CAT_ID: 99100,
            BSTAR: 0.0001,
            MEAN_MOTION_DOT: 0,
            MEAN_MOTION_DDOT: 0,
          },
        ],
      },
    });
    expect(omm.json().items).toEqual([
      expect.objectContaining({ noradId: 99100, name: 'OMM-SAT', format: 'omm', epoch: '2026-01-15T00:00:00.000Z' }),
    ]);
    const list = await app.inject({ method: 'GET', url: '/api/v1/satellites', headers: auth });
    expect(list.json().items.map((s: { noradId: number }) => s.noradId)).toEqual([
      99001, 99002, 99004, 99005, 99006, 99100,
    ]);
    // Each with where it is now (the fixture's clock): a LEO height, and a point that moves between two times.
    for (const s of list.json().items) expect(s.position.altKm).toBeGreaterThan(300);
    const later = await app.inject({
      method: 'GET',
      url: `/api/v1/satellites?at=${new Date(T0 + 600_000).toISOString()}`,
      headers: auth,
    });
    expect(later.json().at).toBe(new Date(T0 + 600_000).toISOString());
    expect(later.json().items[0].position).not.toEqual(list.json().items[0].position);
    expect(
      (await app.inject({ method: 'POST', url: '/api/v1/satellites', headers: auth, payload: {} })).json().error.code,
    ).toBe('INVALID_ARGUMENT');
    expect(
      (
        await app.inject({ method: 'POST', url: '/api/v1/satellites', headers: auth, payload: { tle: 'garbage' } })
      ).json().error.code,
    ).toBe('NO_ELEMENT_SETS');
    expect((await app.inject({ method: 'GET', url: '/api/v1/satellites' })).statusCode).toBe(401);
  });

  it('documents the core routes in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<string, unknown>;
    };
    for (const p of [
      '/api/v1/gateway/uplinks',
      '/api/v1/satellites',
      '/api/v1/tenants',
      '/api/v1/terminals',
      '/api/v1/terminals/{devEui}',
      '/api/v1/terminals/{devEui}/messages',
      '/api/v1/ground-stations',
    ]) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
  });
});
