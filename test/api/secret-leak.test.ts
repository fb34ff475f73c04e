/**
 * No secret in a response body, a log line or an audit record: provisions terminals (session keys),
 * API keys, ground stations (tokens), registrations (identity numbers), a webhook (signing secret)
 * and an MQTT integration (password), drives the API through its happy and error paths with the
 * request log at its most verbose, and greps everything that came out for every secret.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { sha256Hex } from '../../src/core/provisioning.js';
import { coreFixture, uplink, type CoreFixture, type TestTerminal } from '../support/core-fixture.js';
import { FakePublisher, FakeTransport } from '../core/delivery/helpers.js';
import { MemoryAudit, newRegistration } from '../supervision/registration-fixture.js';
import { KeyVault } from '../../src/core/key-vault.js';

const KEY = `sat_${randomBytes(24).toString('base64url')}`;

describe('no secret in responses, logs or audit records', () => {
  let f: CoreFixture;
  let app: FastifyInstance;
  const logs: string[] = [];
  const bodies: string[] = [];
  const secrets = new Map<string, string>();
  const audit = new MemoryAudit();
  const masterKey = randomBytes(32);
  const remember = (what: string, v: string) => {
    secrets.set(`${what}`, v);
  };
  const call = async (o: InjectOptions) => {
    const r = await app.inject(o);
    // The answer only (the request is ours: it holds the secrets on purpose).
    bodies.push(`${o.method} -> ${r.statusCode} ${JSON.stringify(r.headers)} ${r.body}`);
    return r;
  };
  const as = (key: string) => ({ authorization: `Bearer ${key}` });

  beforeAll(async () => {
    f = await coreFixture({
      audit,
      vault: new KeyVault(masterKey),
      delivery: { transport: new FakeTransport(), publisher: new FakePublisher() },
      registration: { reviewTenantRegistrations: true },
    });
    app = await buildApp({
      core: f.core,
      adminKeyHash: sha256Hex(KEY),
      logger: true,
      logLevel: 'trace',
      logStream: {
        write: (l: string) => {
          logs.push(l);
        },
      },
      limits: { api: 1000, station: 1000, lockout: { failures: 5, windowMs: 60_000, lockMs: 60_000 } },
    });
    remember('bootstrap key', KEY);
    remember('master key', masterKey.toString('hex'));
    remember('station token', f.token);
  });
  afterAll(async () => {
    await app.close();
    await f.close();
  });

  it('exercises the API, then finds none of the secrets anywhere', async () => {
    // Keys and tokens are shown once, in their creation answer: those answers are taken out of the scan.
    const shownOnce = async (o: InjectOptions, field: string) => {
      const v = (await call(o)).json()[field] as string;
      bodies.pop();
      return v;
    };
    const admin = await shownOnce(
      {
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: as(KEY),
        payload: { role: 'tenant-admin', tenantId: f.tenantId },
      },
      'key',
    );
    const regulator = await shownOnce(
      { method: 'POST', url: '/api/v1/api-keys', headers: as(KEY), payload: { role: 'regulator' } },
      'key',
    );
    remember('tenant admin key', admin);
    remember('regulator key', regulator);
    const station = await shownOnce(
      { method: 'POST', url: '/api/v1/ground-stations', headers: as(KEY), payload: { name: 'gs-x', lat: 1, lon: 2 } },
      'token',
    );
    remember('second station token', station);

    // Terminals with their session keys, by the API and by registration (identity numbers).
    const n = newRegistration(f.tenantId);
    const { keys, ...body } = n;
    remember('nwkSKey', n.nwkSKey);
    remember('appSKey', n.appSKey);
    remember('identity number', n.owner.idNumber);
    expect(
      (await call({ method: 'POST', url: '/api/v1/registrations', headers: as(admin), payload: body })).statusCode,
    ).toBe(201);
    const t: TestTerminal = {
      devEui: n.devEui,
      devAddr: n.devAddr,
      id: '',
      keys: { suite: 'aes128', nwkSKey: keys.nwk, appSKey: keys.app },
    };
    const plainKeys = { nwkSKey: randomBytes(16).toString('hex'), appSKey: randomBytes(16).toString('hex') };
    remember('plain nwkSKey', plainKeys.nwkSKey);
    remember('plain appSKey', plainKeys.appSKey);
    const devEui2 = randomBytes(8).toString('hex');
    expect(
      (
        await call({
          method: 'POST',
          url: '/api/v1/terminals',
          headers: as(KEY),
          payload: { tenantId: f.tenantId, devEui: devEui2, devAddr: '0a0b0c0d', ...plainKeys },
        })
      ).statusCode,
    ).toBe(201);

    // Integrations with a generated signing secret and a given password.
    const hook = await call({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: as(admin),
      payload: { tenantId: f.tenantId, url: 'https://receiver.example/hook' },
    });
    bodies.pop();
    const hookSecret = hook.json().secret as string;
    expect(hookSecret).toMatch(/^whsec_/);
    remember('webhook secret', hookSecret);
    const password = `pw-${randomBytes(12).toString('hex')}`;
    remember('mqtt password', password);
    const mqtt = await call({
      method: 'POST',
      url: '/api/v1/integrations/mqtt',
      headers: as(admin),
      payload: { tenantId: f.tenantId, url: 'mqtt://broker.example:1883', username: 'u', password },
    });
    expect(mqtt.statusCode).toBe(201);

    // Reads.
    for (const url of [
      '/api/v1/tenants',
      '/api/v1/terminals',
      `/api/v1/terminals/${n.devEui}`,
      `/api/v1/terminals/${n.devEui}/registration`,
      '/api/v1/registrations/review-queue',
      '/api/v1/supervision/registrations',
      '/api/v1/master-key',
      '/api/v1/api-keys',
      `/api/v1/webhooks?tenantId=${f.tenantId}`,
      `/api/v1/webhooks/${hook.json().id}`,
      `/api/v1/integrations/mqtt?tenantId=${f.tenantId}`,
      '/api/v1/ground-stations',
    ]) {
      for (const k of [KEY, admin, regulator]) await call({ method: 'GET', url, headers: as(k) });
    }
    // Lifecycle, ingest, rotation.
    await call({
      method: 'POST',
      url: '/api/v1/registrations/review',
      headers: as(KEY),
      payload: { action: 'approve', devEuis: [n.devEui] },
    });
    await call({
      method: 'POST',
      url: '/api/v1/gateway/uplinks',
      headers: as(f.token),
      payload: { frames: [uplink(t, 1, new Uint8Array([1, 2]))] },
    });
    await call({ method: 'POST', url: '/api/v1/master-key/rewrap', headers: as(KEY) });

    // Error paths that carry secrets in the request.
    await call({
      method: 'POST',
      url: '/api/v1/terminals',
      headers: as(KEY),
      payload: { tenantId: f.tenantId, devEui: devEui2, devAddr: '0a0b0c0d', ...plainKeys },
    }); // TERMINAL_EXISTS
    await call({
      method: 'POST',
      url: '/api/v1/terminals',
      headers: as(KEY),
      payload: {
        tenantId: f.tenantId,
        devEui: randomBytes(8).toString('hex'),
        devAddr: '0a0b0c0d',
        nwkSKey: `${plainKeys.nwkSKey}0`,
        appSKey: plainKeys.appSKey,
      },
    }); // pattern
    await call({
      method: 'POST',
      url: '/api/v1/terminals',
      headers: { ...as(KEY), 'content-type': 'application/json' },
      payload: `{"nwkSKey":"${plainKeys.nwkSKey}", "appSKey": "${plainKeys.appSKey}" oops`,
    }); // bad JSON
    await call({
      method: 'POST',
      url: '/api/v1/registrations',
      headers: as(admin),
      payload: {
        ...body,
        devEui: randomBytes(8).toString('hex'),
        owner: { ...n.owner, idNumber: `${n.owner.idNumber.slice(0, 17)}${n.owner.idNumber[17] === '0' ? '1' : '0'}` },
      },
    });
    remember('forged identity number', `${n.owner.idNumber.slice(0, 17)}${n.owner.idNumber[17] === '0' ? '1' : '0'}`);
    await call({ method: 'POST', url: '/api/v1/registrations', headers: as(admin), payload: body }); // TERMINAL_EXISTS with identity and keys in the body
    await call({
      method: 'POST',
      url: `/api/v1/registrations/import?tenantId=${f.tenantId}`,
      headers: { ...as(admin), 'content-type': 'text/csv' },
      payload: `devEui,devAddr,nwkSKey,appSKey,ownerKind,ownerName,idType,idNumber,sector,mobility,expectedMessagesPerDay,imei\n${n.devEui},${n.devAddr},${n.nwkSKey},${n.appSKey},person,X,resident-id,${n.owner.idNumber},water,fixed,1,${n.binding.imei}\n`,
    });
    await call({
      method: 'POST',
      url: `/api/v1/terminals/${n.devEui}/lifecycle`,
      headers: as(admin),
      payload: { action: 'approve' },
    }); // FORBIDDEN
    await call({
      method: 'POST',
      url: '/api/v1/integrations/mqtt',
      headers: as(admin),
      payload: { tenantId: f.tenantId, url: 'ftp://x', password },
    }); // INTEGRATION_INVALID
    // Wrong credentials in every place: a station token as an API key, an API key as a station token, a near miss.
    await call({ method: 'GET', url: '/api/v1/tenants', headers: as(f.token) });
    await call({
      method: 'POST',
      url: '/api/v1/gateway/uplinks',
      headers: as(admin),
      payload: { frames: [uplink(t, 2, new Uint8Array([1]))] },
    });
    await call({ method: 'GET', url: '/api/v1/tenants', headers: as(`${KEY.slice(0, -1)}x`) });
    remember('near-miss key', `${KEY.slice(0, -1)}x`);
    await call({ method: 'GET', url: `/api/v1/events?key=${admin}` });
    for (let i = 0; i < 7; i++)
      await call({ method: 'GET', url: '/api/v1/tenants', headers: as(`${admin}${i}`), remoteAddress: '203.0.113.50' }); // into the lock-out
    expect(bodies[bodies.length - 1]).toContain('KEY_LOCKED_OUT');
    expect(audit.actions()).toContain('auth.lockout:denied');
    await app.auditIdle?.();

    expect(logs.length).toBeGreaterThan(50);
    // The scan sees what it should: answers (the masked identity number) and log lines (request URLs).
    expect(bodies.some((b) => b.includes(`**********${n.owner.idNumber.slice(-4)}`))).toBe(true);
    expect(logs.some((l) => l.includes('/api/v1/supervision/registrations'))).toBe(true);
    const everything = [...bodies, ...logs, ...audit.entries.map((e) => JSON.stringify(e))];
    const leaks: string[] = [];
    for (const [what, secret] of secrets) {
      const forms = [
        secret,
        secret.toUpperCase(),
        ...(/^[0-9a-f]+$/.test(secret)
          ? [Buffer.from(secret, 'hex').toString('base64'), Buffer.from(secret, 'hex').toString('base64url')]
          : []),
      ];
      for (const text of everything)
        if (forms.some((s) => text.includes(s))) leaks.push(`${what} in: ${text.slice(0, 300)}`);
    }
    expect(leaks).toEqual([]);
  });
});
