/**
 * Emergency downlinks skip the rate limits and the monthly quota and are planned first on the
 * shared contacts, so a tenant's volume of them is bounded apart: a budget per tenant per hour,
 * audited, with an anomaly alert for the supervisors when a tenant runs over it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { sha256Hex } from '../../src/core/provisioning.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { EmergencyBudget, DEFAULT_EMERGENCY_DOWNLINKS_PER_HOUR } from '../../src/core/emergency-budget.js';
import { collect, coreFixture, T0, type CoreFixture } from '../support/core-fixture.js';
import { downlinkRequestSubject } from '../../src/core/events/subjects.js';
import { MemoryAudit } from '../supervision/registration-fixture.js';
import { KEY, auth, keyFor } from './api-fixture.js';

const bearer = (k: string) => ({ authorization: `Bearer ${k}` });

describe('emergency downlink budget', () => {
  let f: CoreFixture;
  let app: FastifyInstance;
  let audit: MemoryAudit;
  beforeEach(async () => {
    audit = new MemoryAudit();
    f = await coreFixture({ audit });
    app = await buildApp({ core: f.core, adminKeyHash: sha256Hex(KEY), limits: { api: false, station: false } });
  });
  afterEach(async () => {
    await app.close();
    await f.close();
  });

  it("refuses a tenant user's emergencies over the hourly budget with 429 and Retry-After, audits each, and raises one alert; normal downlinks and other tenants go on", async () => {
    const t = await f.addTerminal();
    const user = await keyFor(app, 'tenant-user', f.tenantId);
    const send = (priority: string, key = user, devEui = t.devEui) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/terminals/${devEui}/downlinks`,
        headers: bearer(key),
        payload: { fPort: 2, payload: 'AQI=', priority },
      });
    for (let i = 0; i < DEFAULT_EMERGENCY_DOWNLINKS_PER_HOUR; i++)
      expect((await send('emergency')).statusCode).toBe(201);
    const alerts = await collect(f.bus, 'satiot.anomaly.>', 1, async () => {
      for (let i = 0; i < 2; i++) {
        const over = await send('emergency');
        expect(over.statusCode, over.body).toBe(429);
        expect(over.json().error).toMatchObject({
          code: 'EMERGENCY_BUDGET_EXCEEDED',
          details: { limitPerHour: DEFAULT_EMERGENCY_DOWNLINKS_PER_HOUR },
        });
        expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
        expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(3600);
      }
    });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: 'emergency-excess',
      subject: { kind: 'terminal', id: t.devEui },
      tenantId: f.tenantId,
      response: 'alert',
      evidence: { count: DEFAULT_EMERGENCY_DOWNLINKS_PER_HOUR + 1, role: 'tenant-user' },
    });
    expect((await send('normal')).statusCode).toBe(201);

    const emergencies = audit.entries.filter((e) => e.action === 'downlink.emergency');
    // The first refusal of the hour is recorded by the budget; later ones only as the failed API call.
    expect(emergencies.map((e) => e.outcome)).toEqual([
      ...Array<string>(DEFAULT_EMERGENCY_DOWNLINKS_PER_HOUR).fill('ok'),
      'denied',
    ]);
    expect(emergencies[0]).toMatchObject({
      actor: { kind: 'api-key', role: 'tenant-user', tenantId: f.tenantId },
      target: { kind: 'terminal', id: t.devEui, tenantId: f.tenantId },
      details: { count: 1 },
    });
    expect(audit.entries.filter((e) => e.action === 'anomaly.emergency-excess')).toHaveLength(1);
    const listed = await app.inject({ method: 'GET', url: '/api/v1/anomalies?kind=emergency-excess', headers: auth });
    expect(listed.json().items).toHaveLength(1);

    // Another tenant has a budget of its own.
    const other = (
      await app.inject({ method: 'POST', url: '/api/v1/tenants', headers: auth, payload: { name: 'other' } })
    ).json().id as string;
    const theirs = await app.inject({
      method: 'POST',
      url: '/api/v1/terminals',
      headers: auth,
      payload: {
        tenantId: other,
        devEui: '70b3d5fffe000001',
        devAddr: '0a0b0c01',
        nwkSKey: 'a1'.repeat(16),
        appSKey: 'b2'.repeat(16),
      },
    });
    expect(theirs.statusCode, theirs.body).toBe(201);
    const otherKey = await keyFor(app, 'tenant-user', other);
    expect((await send('emergency', otherKey, '70b3d5fffe000001')).statusCode).toBe(201);
  });

  it("counts a rule's emergency request against the tenant's budget: over it, the decision is told the budget's code", async () => {
    const t = await f.addTerminal();
    const user = await keyFor(app, 'tenant-user', f.tenantId);
    for (let i = 0; i < DEFAULT_EMERGENCY_DOWNLINKS_PER_HOUR; i++) {
      expect(
        (
          await app.inject({
            method: 'POST',
            url: `/api/v1/terminals/${t.devEui}/downlinks`,
            headers: bearer(user),
            payload: { fPort: 2, payload: 'AQI=', priority: 'emergency' },
          })
        ).statusCode,
      ).toBe(201);
    }
    const refused: Array<[string, string]> = [];
    f.core.downlinks.onRequestRefused = async (decisionId, code) => {
      refused.push([decisionId, code]);
    };
    const request = (alarmId: string, priority: string) => ({
      subject: downlinkRequestSubject(f.tenantId, t.devEui),
      data: Buffer.from(
        JSON.stringify({
          kind: 'downlink-request',
          alarmId,
          ruleId: 'r1',
          tenantId: f.tenantId,
          devEui: t.devEui,
          decisionId: `d-${alarmId}`,
          fPort: 3,
          payloadHex: '0102',
          confirmed: false,
          priority,
          requestedAt: new Date(T0).toISOString(),
        }),
      ),
    });
    await f.core.downlinks.handleRequest(request('a1', 'emergency'));
    await f.core.downlinks.handleRequest(request('a2', 'normal'));
    expect(refused).toEqual([['d-a1', 'EMERGENCY_BUDGET_EXCEEDED']]);
    expect(audit.entries.filter((e) => e.action === 'downlink.emergency' && e.outcome === 'denied')).toMatchObject([
      { actor: { kind: 'system', id: 'rules', tenantId: f.tenantId } },
    ]);
    const queued = (await f.core.downlinks.list(t.devEui, { limit: 100 })).items;
    expect(queued.filter((d) => d.alarmId === 'a2')).toHaveLength(1);
    expect(queued.filter((d) => d.alarmId === 'a1')).toHaveLength(0);
  });

  it("holds a key's flood of emergencies to its request rate, in a bucket apart from its other requests", async () => {
    await app.close();
    app = await buildApp({
      core: f.core,
      adminKeyHash: sha256Hex(KEY),
      limits: { api: 5, station: false, lockout: false },
    });
    const t = await f.addTerminal();
    const user = await keyFor(app, 'tenant-user', f.tenantId);
    const send = (priority: string) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/terminals/${t.devEui}/downlinks`,
        headers: bearer(user),
        payload: { fPort: 2, payload: 'AQI=', priority },
      });
    for (let i = 0; i < 5; i++) expect((await send('normal')).statusCode).toBe(201);
    expect((await send('normal')).statusCode).toBe(429);
    for (let i = 0; i < 5; i++) expect((await send('emergency')).statusCode).toBe(201);
    const flood = await send('emergency');
    expect([flood.statusCode, flood.json().error.code]).toEqual([429, 'RATE_LIMITED']);
  });

  it('starts a new budget each hour', async () => {
    const t = await f.addTerminal();
    const clock = new ManualClock(Date.UTC(2026, 11, 7, 10, 0, 0));
    const budget = new EmergencyBudget(f.store.limits, f.core.events, () => audit, 2, clock);
    const ask = () =>
      budget.admit({ tenantId: f.tenantId, devEui: t.devEui, actor: { kind: 'operator', role: 'operator' } });
    await ask();
    await ask();
    await expect(ask()).rejects.toMatchObject({
      code: 'EMERGENCY_BUDGET_EXCEEDED',
      details: { retryAfterSeconds: 3600 },
    });
    clock.advance(3_600_000);
    await expect(ask()).resolves.toBeUndefined();
  });
});
