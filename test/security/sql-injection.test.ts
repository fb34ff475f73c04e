/**
 * SQL injection on every filter: each string query parameter and path parameter of every GET route
 * (from the OpenAPI document) gets classic injection strings. The answer must be a 2xx or a
 * catalogued 4xx (never a 500), must not echo a database error, must not return more than the
 * honest query would, the tables must be intact afterwards — and each attempt is audited as
 * `security.suspicious-input`.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors/error-codes.js';
import { openStore } from '../../src/store/open-store.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { ChainedAuditLog } from '../../src/supervision/audit-log.js';
import { dropPostgresSchema } from '../../src/store/postgres/drop-schema.js';
import { auth, keyFor } from '../api/api-fixture.js';
import { unlimitedApi, type SecurityApi } from './security-fixture.js';
import { FakePublisher, FakeTransport } from '../core/delivery/helpers.js';
import { T0, uplink } from '../support/core-fixture.js';

const INJECTIONS = [
  "' OR '1'='1",
  "' OR 1=1 --",
  '" OR ""="',
  '1; DROP TABLE tenants; --',
  "x' UNION SELECT name, sql FROM sqlite_master --",
  "x' UNION SELECT table_name FROM information_schema.tables --",
  "'; SELECT pg_sleep(5); --",
  '1) OR (1=1',
  "%' --",
  '\\',
  "x'/*",
  '%_%',
];
/** Text a database error would put in an answer. */
const DB_ERROR =
  /sqlite|syntax error|unrecognized token|sql_master|sqlite_master|information_schema|relation "|pg_|SQLSTATE|near "/i;
const CODES = new Set(Object.keys(ERROR_CODES));

interface GetRoute {
  path: string;
  query: string[];
  pathParams: string[];
}

const POSTGRES_URL = process.env['SATIOT_TEST_POSTGRES_URL'] || undefined;
const BACKENDS = ['sqlite', ...(POSTGRES_URL ? ['postgres'] : [])];
if (!POSTGRES_URL) console.warn('sql injection: PostgreSQL skipped (set SATIOT_TEST_POSTGRES_URL to run it)');

describe.each(BACKENDS)('SQL injection on every filter (%s)', (backend) => {
  let api: SecurityApi;
  let log: ChainedAuditLog;
  let routes: GetRoute[];
  let devEui: string;
  let tenantKey: string;
  const schema = `satiot_sqli_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    const store = await openStore(backend === 'sqlite' ? 'sqlite::memory:' : `${POSTGRES_URL}?schema=${schema}`, {
      dataDir: '/nonexistent',
    });
    log = new ChainedAuditLog(store.audit, { clock: new ManualClock(T0) });
    api = await unlimitedApi({
      store,
      audit: log,
      delivery: { transport: new FakeTransport(), publisher: new FakePublisher() },
    });
    await api.app.ready();
    const doc = api.app.swagger() as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: Array<{
              in: string;
              name: string;
              schema?: { type?: string; enum?: unknown[]; format?: string };
            }>;
          }
        >
      >;
    };
    routes = Object.entries(doc.paths)
      .filter(([, ops]) => ops.get)
      .map(([path, ops]) => ({
        path,
        query: (ops.get!.parameters ?? [])
          .filter((p) => p.in === 'query' && p.schema?.type === 'string' && !p.schema.enum && !p.schema.format)
          .map((p) => p.name),
        pathParams: (ops.get!.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
      }))
      .filter((r) => r.query.length > 0 || r.pathParams.length > 0);
    const t = await api.f.addTerminal();
    devEui = t.devEui;
    await api.f.core.pipeline.ingest(api.f.station, [uplink(t, 1, new Uint8Array([1]))]);
    tenantKey = await keyFor(api.app, 'tenant-admin', api.f.tenantId);
  });
  afterAll(async () => {
    await api.close();
    if (backend === 'postgres') await dropPostgresSchema(POSTGRES_URL!, schema);
  });

  it('finds filters to attack', () => {
    expect(routes.length).toBeGreaterThan(15);
    expect(routes.flatMap((r) => r.query)).toEqual(expect.arrayContaining(['tenantId', 'cursor', 'devEui']));
  });

  it('answers every injection without a 500, a database error, or a row it should not return', async () => {
    const tenantsBefore = (await api.app.inject({ method: 'GET', url: '/api/v1/tenants', headers: auth })).json().items
      .length;
    const problems: string[] = [];
    let attempts = 0;
    for (const r of routes) {
      const base = r.path
        .replace('{devEui}', devEui)
        .replace('{tenantId}', api.f.tenantId)
        .replace(/\{[^}]+\}/g, 'x1');
      const urls: Array<{ url: string; inj: string }> = [];
      for (const inj of INJECTIONS) {
        for (const q of r.query) urls.push({ url: `${base}?${q}=${encodeURIComponent(inj)}`, inj });
        for (const p of r.pathParams)
          urls.push({
            url: r.path
              .replace(`{${p}}`, encodeURIComponent(inj))
              .replace('{devEui}', devEui)
              .replace('{tenantId}', api.f.tenantId)
              .replace(/\{[^}]+\}/g, 'x1'),
            inj,
          });
      }
      for (const { url, inj } of urls) {
        // As a tenant key: an injection that widened a tenant filter would show another tenant's rows.
        for (const headers of [auth, { authorization: `Bearer ${tenantKey}` }]) {
          attempts++;
          const res = await api.app.inject({ method: 'GET', url, headers });
          if (res.statusCode >= 500) problems.push(`${url} → ${res.statusCode}`);
          // The input itself may be echoed ("no tenant x' UNION …"): only what is left counts.
          const rest = res.body.split(JSON.stringify(inj).slice(1, -1)).join('').split(inj).join('');
          if (DB_ERROR.test(rest)) problems.push(`${url} leaks: ${res.body.slice(0, 200)}`);
          if (res.statusCode >= 400 && !CODES.has((res.json() as { error?: { code?: string } }).error?.code ?? ''))
            problems.push(`${url} → uncatalogued ${res.body.slice(0, 100)}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(attempts).toBeGreaterThan(300);
    // The tables are intact and no injected filter matched anything it should not have.
    const tenants = (await api.app.inject({ method: 'GET', url: '/api/v1/tenants', headers: auth })).json().items;
    expect(tenants.length).toBe(tenantsBefore);
    const own = await api.app.inject({
      method: 'GET',
      url: `/api/v1/terminals?tenantId=${encodeURIComponent("' OR '1'='1")}`,
      headers: auth,
    });
    expect(own.statusCode === 404 || own.json().items.length === 0).toBe(true);
    expect(
      (await api.app.inject({ method: 'GET', url: `/api/v1/terminals/${devEui}/messages`, headers: auth })).json()
        .items,
    ).toHaveLength(1);
  }, 180_000);

  it('records the attempts in the audit log', async () => {
    await api.app.auditIdle?.();
    await log.flush();
    const rs = await api.f.store.audit.list({ action: 'security.suspicious-input', limit: 1000 });
    expect(rs.items.length).toBeGreaterThan(100);
    expect(rs.items[0]).toMatchObject({
      details: { kind: 'sql-injection', inputs: [expect.stringMatching(/^(query|params)\./)] },
    });
  });
});
