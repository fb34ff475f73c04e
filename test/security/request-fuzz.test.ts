/**
 * Every request body the API accepts, fuzzed: random JSON (and JSON shaped like the route's own
 * schema, with random values) posted to each POST, PUT and PATCH route must be answered with a
 * 2xx or a 4xx carrying a catalogue code — never a 500, never a crash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { ERROR_CODES } from '../../src/errors/error-codes.js';
import { auth } from '../api/api-fixture.js';
import { unlimitedApi, type SecurityApi } from './security-fixture.js';
import { openStore } from '../../src/store/open-store.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { ChainedAuditLog } from '../../src/supervision/audit-log.js';
import { verifyStoredChain } from '../../src/supervision/audit-verifier.js';
import { T0 } from '../support/core-fixture.js';
import { FakePublisher, FakeTransport } from '../core/delivery/helpers.js';

interface RouteSpec {
  method: string;
  path: string;
  properties: string[];
}

/** The body-taking routes, from the OpenAPI document the app generates from its schemas. */
function bodyRoutes(app: FastifyInstance): RouteSpec[] {
  const doc = app.swagger() as {
    paths: Record<
      string,
      Record<
        string,
        { requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }
      >
    >;
  };
  const out: RouteSpec[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!['post', 'put', 'patch'].includes(method)) continue;
      const schema = op.requestBody?.content?.['application/json']?.schema;
      out.push({ method: method.toUpperCase(), path, properties: Object.keys(schema?.properties ?? {}) });
    }
  }
  return out;
}

const CODES = new Set(Object.keys(ERROR_CODES));

describe('request body fuzzing', () => {
  let api: SecurityApi;
  let routes: RouteSpec[];
  let log: ChainedAuditLog;
  let devEui: string;
  beforeAll(async () => {
    // With delivery, so the webhook and MQTT integration routes are there too.
    const store = await openStore('sqlite::memory:', { dataDir: '/nonexistent' });
    log = new ChainedAuditLog(store.audit, { clock: new ManualClock(T0) });
    api = await unlimitedApi({
      store,
      audit: log,
      delivery: { transport: new FakeTransport(), publisher: new FakePublisher() },
    });
    await api.app.ready();
    routes = bodyRoutes(api.app);
    devEui = (await api.f.addTerminal()).devEui;
  });
  afterAll(() => api.close());

  it('finds the body-taking routes in the OpenAPI document', () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['POST /api/v1/terminals', 'POST /api/v1/gateway/uplinks', 'PATCH /api/v1/webhooks/{id}']),
    );
  });

  it('answers random JSON on every route with a 2xx or a catalogued 4xx, never a 500', async () => {
    const failures: string[] = [];
    for (const r of routes) {
      const url = r.path
        .replace('{devEui}', devEui)
        .replace('{tenantId}', api.f.tenantId)
        .replace(/\{[^}]+\}/g, 'x1');
      const shaped =
        r.properties.length > 0
          ? fc.dictionary(fc.constantFrom(...r.properties), fc.jsonValue({ maxDepth: 3 }), {
              maxKeys: r.properties.length,
            })
          : fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }));
      const headers = r.path.startsWith('/api/v1/gateway') ? { authorization: `Bearer ${api.f.token}` } : auth;
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 4 }), shaped), async (body) => {
          const res = await api.app.inject({
            method: r.method as 'POST',
            url,
            headers: { ...headers, 'content-type': 'application/json' },
            payload: JSON.stringify(body),
          });
          if (res.statusCode >= 500)
            failures.push(
              `${r.method} ${r.path} ${JSON.stringify(body).slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 200)}`,
            );
          if (res.statusCode >= 400) {
            const code = (res.json() as { error?: { code?: string } }).error?.code;
            if (!code || !CODES.has(code))
              failures.push(
                `${r.method} ${r.path} → ${res.statusCode} without a catalogued code: ${res.body.slice(0, 200)}`,
              );
          }
        }),
        { numRuns: 60, seed: 42 },
      );
    }
    expect(failures).toEqual([]);
    expect((await api.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    // Every refused write is on the audit chain, with its error code; the chain holds.
    await api.app.auditIdle?.();
    await log.flush();
    const refused = await api.f.store.audit.list({ outcome: 'failed', limit: 1000 });
    expect(refused.items.length).toBeGreaterThan(500);
    expect(refused.items.every((r) => r.action.startsWith('api.') && typeof r.details?.code === 'string')).toBe(true);
    expect((await verifyStoredChain(api.f.store.audit, undefined)).ok).toBe(true);
  }, 120_000);

  it('answers bodies that are not JSON at all with 4xx', async () => {
    for (const r of routes) {
      const url = r.path.replace(/\{[^}]+\}/g, 'x1');
      for (const payload of ['{', '\u0000\u0001', 'null', '[]', '"x"', '{"a":'.repeat(200)]) {
        const res = await api.app.inject({
          method: r.method as 'POST',
          url,
          headers: { ...auth, 'content-type': 'application/json' },
          payload,
        });
        expect(res.statusCode, `${r.method} ${r.path} ${payload.slice(0, 20)}: ${res.body}`).toBeLessThan(500);
        if (res.statusCode >= 400) expect(CODES.has(res.json().error.code)).toBe(true);
      }
    }
  });
});
