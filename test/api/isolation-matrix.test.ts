/**
 * Tenant isolation as a matrix: every route × every role × the caller's own or a foreign tenant,
 * with the status each must answer. Another tenant's resources answer 404 (never 403), so ids do
 * not leak; a role that may not act on its own tenant's resource answers 403.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { randomBytes } from 'node:crypto';
import { buildApp } from '../../src/api/app.js';
import { AccessControl } from '../../src/core/access-control.js';
import { sha256Hex } from '../../src/core/provisioning.js';
import type { Role } from '../../src/core/model.js';
import { parseRule, raise } from '../../src/rules/index.js';
import { coreFixture, T0, uplink, type CoreFixture } from '../support/core-fixture.js';
import { FakePublisher, FakeTransport } from '../core/delivery/helpers.js';
import { declarationBody, registrationBody, registrationCsv } from '../supervision/registration-fixture.js';

const OPERATOR_KEY = 'sat_operator_matrix_key';
const TLE = readFileSync(new URL('../fixtures/tle/reference-leo.tle', import.meta.url), 'utf8');

type Who = 'operator' | 'regulator' | 'admin' | 'user';
type Tenancy = 'own' | 'foreign';

/** What a tenant's world holds: the ids the routes address. */
interface World {
  webhookId: string;
  downlinkId: string;
  stationId: string;
  tenantId: string;
  devEui: string;
  ruleId: string;
  alarmId: string;
  codecId: string;
  keyId: string;
  deadLetterId: string;
}

interface RouteCase {
  readonly name: string;
  readonly kind:
    | 'read'
    | 'admin-write'
    | 'member-write'
    | 'member-read'
    | 'operator-only'
    | 'supervisor-read'
    | 'public-read'
    | 'admin-read'
    | 'integration-read'
    | 'operator-tenant-write';
  readonly request: (w: World) => InjectOptions;
  /** Success status (default 200). */
  readonly ok?: number;
  /** Status for a foreign resource (default 404). */
  readonly foreign?: number;
}

const hex = (n: number) => randomBytes(n).toString('hex');
const threshold = { kind: 'threshold', field: 'values.x', op: '>', value: 1 };

const ROUTES: RouteCase[] = [
  { name: 'GET /tenants', kind: 'public-read', request: () => ({ method: 'GET', url: '/api/v1/tenants' }) },
  {
    name: 'POST /tenants',
    kind: 'operator-only',
    ok: 201,
    request: () => ({ method: 'POST', url: '/api/v1/tenants', payload: { name: 'new' } }),
  },
  {
    name: 'POST /terminals',
    kind: 'admin-write',
    ok: 201,
    request: (w) => ({
      method: 'POST',
      url: '/api/v1/terminals',
      payload: { tenantId: w.tenantId, devEui: hex(8), devAddr: hex(4), nwkSKey: hex(16), appSKey: hex(16) },
    }),
  },
  {
    name: 'GET /terminals?tenantId',
    kind: 'read',
    request: (w) => ({ method: 'GET', url: `/api/v1/terminals?tenantId=${w.tenantId}` }),
  },
  {
    name: 'GET /terminals/{devEui}',
    kind: 'read',
    request: (w) => ({ method: 'GET', url: `/api/v1/terminals/${w.devEui}` }),
  },
  {
    name: 'PATCH /terminals/{devEui}',
    kind: 'admin-write',
    request: (w) => ({ method: 'PATCH', url: `/api/v1/terminals/${w.devEui}`, payload: { enabled: false } }),
  },
  {
    name: 'DELETE /terminals/{devEui}',
    kind: 'admin-write',
    ok: 204,
    request: (w) => ({ method: 'DELETE', url: `/api/v1/terminals/${w.devEui}` }),
  },
  {
    name: 'POST /ground-stations',
    kind: 'operator-only',
    ok: 201,
    request: () => ({ method: 'POST', url: '/api/v1/ground-stations', payload: { name: 'gs', lat: 1, lon: 2 } }),
  },
  {
    name: 'GET /ground-stations',
    kind: 'supervisor-read',
    request: () => ({ method: 'GET', url: '/api/v1/ground-stations' }),
  },
  {
    name: 'POST /satellites',
    kind: 'operator-only',
    request: () => ({ method: 'POST', url: '/api/v1/satellites', payload: { tle: TLE } }),
  },
  { name: 'GET /satellites', kind: 'public-read', request: () => ({ method: 'GET', url: '/api/v1/satellites' }) },
  {
    name: 'GET /terminals/{devEui}/messages',
    kind: 'read',
    request: (w) => ({ method: 'GET', url: `/api/v1/terminals/${w.devEui}/messages` }),
  },
  {
    name: 'GET /ingest/rejections',
    kind: 'supervisor-read',
    request: () => ({ method: 'GET', url: '/api/v1/ingest/rejections' }),
  },
  // Audit: supervisors read every tenant's records, a tenant's administrators their own (tenant users: 403).
  {
    name: 'GET /audit?tenantId',
    kind: 'integration-read',
    request: (w) => ({ method: 'GET', url: `/api/v1/audit?tenantId=${w.tenantId}` }),
  },
  {
    name: 'GET /audit/export',
    kind: 'supervisor-read',
    request: () => ({ method: 'GET', url: '/api/v1/audit/export?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z' }),
  },
  { name: 'GET /audit/verify', kind: 'operator-only', request: () => ({ method: 'GET', url: '/api/v1/audit/verify' }) },
  {
    name: 'GET /anomalies?tenantId',
    kind: 'read',
    request: (w) => ({ method: 'GET', url: `/api/v1/anomalies?tenantId=${w.tenantId}` }),
  },
  {
    name: 'GET /network/traffic',
    kind: 'supervisor-read',
    request: () => ({ method: 'GET', url: '/api/v1/network/traffic' }),
  },
  {
    name: 'GET /attention?tenantId',
    kind: 'read',
    request: (w) => ({ method: 'GET', url: `/api/v1/attention?tenantId=${w.tenantId}` }),
  },
  {
    name: 'GET /decisions?tenantId',
    kind: 'read',
    request: (w) => ({ method: 'GET', url: `/api/v1/decisions?tenantId=${w.tenantId}` }),
  },
  {
    name: 'GET /models?tenantId',
    kind: 'read',
    request: (w) => ({ method: 'GET', url: `/api/v1/models?tenantId=${w.tenantId}` }),
  },
  { name: 'GET /codecs', kind: 'public-read', request: () => ({ method: 'GET', url: '/api/v1/codecs' }) },
  {
    name: 'POST /user-codecs',
    kind: 'admin-write',
    ok: 201,
    request: (w) => ({
      method: 'POST',
      url: '/api/v1/user-codecs',
      payload: { tenantId: w.tenantId, name: `c${hex(3)}`, script: 'function decodeUplink() { return {}; }' },
    }),
  },
  {
    name: 'GET /user-codecs?tenantId',
    kind: 'read',
    request: (w) => ({ method: 'GET', url: `/api/v1/user-codecs?tenantId=${w.tenantId}` }),
  },
  {
    name: 'GET /user-codecs/{id}',
    kind: 'read',
    request: (w) => ({ method: 'GET', url: `/api/v1/user-codecs/${w.codecId}` }),
  },
  // A foreign user codec is an unknown codec (400 CODEC_UNKNOWN), exactly as a codec that does not exist.
  {
    name: 'POST /decode (user codec)',
    kind: 'read',
    foreign: 400,
    request: (w) => ({ method: 'POST', url: '/api/v1/decode', payload: { codec: `user:${w.codecId}`, hex: '00' } }),
  },
  {
    name: 'POST /rules',
    kind: 'admin-write',
    ok: 201,
    request: (w) => ({
      method: 'POST',
      url: '/api/v1/rules',
      payload: { tenantId: w.tenantId, name: 'r', condition: threshold },
    }),
  },
  {
    name: 'GET /rules?tenantId',
    kind: 'read',
    request: (w) => ({ method: 'GET', url: `/api/v1/rules?tenantId=${w.tenantId}` }),
  },
  { name: 'GET /rules/{id}', kind: 'read', request: (w) => ({ method: 'GET', url: `/api/v1/rules/${w.ruleId}` }) },
  {
    name: 'PUT /rules/{id}',
    kind: 'admin-write',
    request: (w) => ({
      method: 'PUT',
      url: `/api/v1/rules/${w.ruleId}`,
      payload: { name: 'renamed', severity: 'info', enabled: true, scope: {}, condition: threshold },
    }),
  },
  {
    name: 'DELETE /rules/{id}',
    kind: 'admin-write',
    ok: 204,
    request: (w) => ({ method: 'DELETE', url: `/api/v1/rules/${w.ruleId}` }),
  },
  {
    name: 'POST /tenants/{id}/solutions/water',
    kind: 'admin-write',
    ok: 201,
    request: (w) => ({
      method: 'POST',
      url: `/api/v1/tenants/${w.tenantId}/solutions/water`,
      payload: { warningLevelM: 1, guaranteedLevelM: 2 },
    }),
  },
  {
    name: 'GET /alarms?tenantId',
    kind: 'read',
    request: (w) => ({ method: 'GET', url: `/api/v1/alarms?tenantId=${w.tenantId}` }),
  },
  {
    name: 'POST /alarms/{id}/acknowledge',
    kind: 'admin-write',
    request: (w) => ({ method: 'POST', url: `/api/v1/alarms/${w.alarmId}/acknowledge` }),
  },
  {
    name: 'POST /alarms/{id}/clear',
    kind: 'admin-write',
    request: (w) => ({ method: 'POST', url: `/api/v1/alarms/${w.alarmId}/clear` }),
  },
  // Tracks are payload positions: regulators see them only where the deployment allows payloads.
  {
    name: 'GET /terminals/{devEui}/track',
    kind: 'member-read',
    request: (w) => ({ method: 'GET', url: `/api/v1/terminals/${w.devEui}/track` }),
  },
  {
    name: 'POST /terminals/{devEui}/eta',
    kind: 'member-read',
    request: (w) => ({
      method: 'POST',
      url: `/api/v1/terminals/${w.devEui}/eta`,
      payload: {
        route: {
          type: 'LineString',
          coordinates: [
            [114, 30],
            [115, 31],
          ],
        },
      },
    }),
  },
  {
    name: 'GET /terminals/{devEui}/passes',
    kind: 'read',
    request: (w) => ({ method: 'GET', url: `/api/v1/terminals/${w.devEui}/passes?hours=1` }),
  },
  {
    name: 'GET /ground-stations/{id}/passes',
    kind: 'supervisor-read',
    request: (w) => ({ method: 'GET', url: `/api/v1/ground-stations/${w.stationId}/passes?hours=1` }),
  },
  {
    name: 'POST /terminals/import',
    kind: 'admin-write',
    request: (w) => ({
      method: 'POST',
      url: `/api/v1/terminals/import?tenantId=${w.tenantId}`,
      headers: { 'content-type': 'text/csv' },
      payload: `devEui,devAddr,nwkSKey,appSKey\n${hex(8)},${hex(4)},${hex(16)},${hex(16)}\n`,
    }),
  },
  {
    name: 'GET /terminals/{devEui}/messages.csv',
    kind: 'read',
    request: (w) => ({ method: 'GET', url: `/api/v1/terminals/${w.devEui}/messages.csv` }),
  },
  {
    name: 'GET /usage?tenantId',
    kind: 'read',
    request: (w) => ({ method: 'GET', url: `/api/v1/usage?tenantId=${w.tenantId}` }),
  },
  {
    name: 'GET /usage?devEui',
    kind: 'read',
    request: (w) => ({ method: 'GET', url: `/api/v1/usage?devEui=${w.devEui}` }),
  },
  {
    name: 'POST /terminals/{devEui}/downlinks',
    kind: 'member-write',
    ok: 201,
    request: (w) => ({
      method: 'POST',
      url: `/api/v1/terminals/${w.devEui}/downlinks`,
      payload: { fPort: 2, payload: 'AQI=' },
    }),
  },
  {
    name: 'GET /terminals/{devEui}/downlinks',
    kind: 'read',
    request: (w) => ({ method: 'GET', url: `/api/v1/terminals/${w.devEui}/downlinks` }),
  },
  {
    name: 'GET /downlinks/{id}',
    kind: 'read',
    request: (w) => ({ method: 'GET', url: `/api/v1/downlinks/${w.downlinkId}` }),
  },
  {
    name: 'POST /webhooks',
    kind: 'admin-write',
    ok: 201,
    request: (w) => ({
      method: 'POST',
      url: '/api/v1/webhooks',
      payload: { tenantId: w.tenantId, url: 'https://receiver.example/hook' },
    }),
  },
  {
    name: 'GET /webhooks?tenantId',
    kind: 'integration-read',
    request: (w) => ({ method: 'GET', url: `/api/v1/webhooks?tenantId=${w.tenantId}` }),
  },
  {
    name: 'GET /webhooks/{id}',
    kind: 'integration-read',
    request: (w) => ({ method: 'GET', url: `/api/v1/webhooks/${w.webhookId}` }),
  },
  {
    name: 'PATCH /webhooks/{id}',
    kind: 'admin-write',
    request: (w) => ({ method: 'PATCH', url: `/api/v1/webhooks/${w.webhookId}`, payload: { enabled: false } }),
  },
  {
    name: 'GET /webhooks/{id}/deliveries',
    kind: 'integration-read',
    request: (w) => ({ method: 'GET', url: `/api/v1/webhooks/${w.webhookId}/deliveries` }),
  },
  {
    name: 'DELETE /webhooks/{id}',
    kind: 'admin-write',
    ok: 204,
    request: (w) => ({ method: 'DELETE', url: `/api/v1/webhooks/${w.webhookId}` }),
  },
  {
    name: 'POST /integrations/mqtt',
    kind: 'admin-write',
    ok: 201,
    request: (w) => ({
      method: 'POST',
      url: '/api/v1/integrations/mqtt',
      payload: { tenantId: w.tenantId, url: 'mqtt://broker.example:1883' },
    }),
  },
  {
    name: 'GET /integrations/mqtt?tenantId',
    kind: 'integration-read',
    request: (w) => ({ method: 'GET', url: `/api/v1/integrations/mqtt?tenantId=${w.tenantId}` }),
  },
  // Without an Upgrade header an authorised request is answered 400 (it must be a WebSocket); the checks before it are what is tested.
  {
    name: 'GET /events (no upgrade)',
    kind: 'member-read',
    ok: 400,
    request: (w) => ({ method: 'GET', url: `/api/v1/events?tenantId=${w.tenantId}` }),
  },
  {
    name: 'GET /tenants/{id}/quota',
    kind: 'read',
    request: (w) => ({ method: 'GET', url: `/api/v1/tenants/${w.tenantId}/quota` }),
  },
  {
    name: 'PUT /tenants/{id}/quota',
    kind: 'operator-tenant-write',
    request: (w) => ({ method: 'PUT', url: `/api/v1/tenants/${w.tenantId}/quota`, payload: { action: 'warn' } }),
  },
  {
    name: 'POST /api-keys',
    kind: 'admin-write',
    ok: 201,
    request: (w) => ({
      method: 'POST',
      url: '/api/v1/api-keys',
      payload: { tenantId: w.tenantId, role: 'tenant-user' },
    }),
  },
  {
    name: 'GET /api-keys?tenantId',
    kind: 'admin-read',
    request: (w) => ({ method: 'GET', url: `/api/v1/api-keys?tenantId=${w.tenantId}` }),
  },
  {
    name: 'DELETE /api-keys/{id}',
    kind: 'admin-write',
    request: (w) => ({ method: 'DELETE', url: `/api/v1/api-keys/${w.keyId}` }),
  },
  // Registration (docs/supervision.md): lifecycle changes are operators' decisions, on a tenant's own terminal too.
  {
    name: 'POST /registrations',
    kind: 'admin-write',
    ok: 201,
    request: (w) => ({ method: 'POST', url: '/api/v1/registrations', payload: registrationBody(w.tenantId) }),
  },
  {
    name: 'GET /terminals/{devEui}/registration',
    kind: 'read',
    request: (w) => ({ method: 'GET', url: `/api/v1/terminals/${w.devEui}/registration` }),
  },
  {
    name: 'PUT /terminals/{devEui}/registration',
    kind: 'admin-write',
    request: (w) => ({ method: 'PUT', url: `/api/v1/terminals/${w.devEui}/registration`, payload: declarationBody() }),
  },
  {
    name: 'POST /terminals/{devEui}/lifecycle',
    kind: 'operator-tenant-write',
    request: (w) => ({
      method: 'POST',
      url: `/api/v1/terminals/${w.devEui}/lifecycle`,
      payload: { action: 'suspend', reason: 'matrix' },
    }),
  },
  {
    name: 'GET /registrations/review-queue',
    kind: 'operator-only',
    request: () => ({ method: 'GET', url: '/api/v1/registrations/review-queue' }),
  },
  {
    name: 'POST /registrations/review',
    kind: 'operator-only',
    request: (w) => ({
      method: 'POST',
      url: '/api/v1/registrations/review',
      payload: { action: 'approve', devEuis: [w.devEui] },
    }),
  },
  {
    name: 'POST /registrations/import',
    kind: 'admin-write',
    request: (w) => ({
      method: 'POST',
      url: `/api/v1/registrations/import?tenantId=${w.tenantId}`,
      headers: { 'content-type': 'text/csv' },
      payload: registrationCsv(w.tenantId),
    }),
  },
  {
    name: 'GET /supervision/registrations',
    kind: 'supervisor-read',
    request: () => ({ method: 'GET', url: '/api/v1/supervision/registrations' }),
  },
  { name: 'GET /master-key', kind: 'operator-only', request: () => ({ method: 'GET', url: '/api/v1/master-key' }) },
  {
    name: 'POST /master-key/rewrap',
    kind: 'operator-only',
    request: () => ({ method: 'POST', url: '/api/v1/master-key/rewrap' }),
  },
  // The dashboard's reads (docs/dashboard.md).
  { name: 'GET /session', kind: 'public-read', request: () => ({ method: 'GET', url: '/api/v1/session' }) },
  {
    name: 'GET /satellites/tracks',
    kind: 'public-read',
    request: () => ({ method: 'GET', url: '/api/v1/satellites/tracks?beforeMinutes=5&afterMinutes=5' }),
  },
  {
    name: 'GET /satellites/elements',
    kind: 'public-read',
    request: () => ({ method: 'GET', url: '/api/v1/satellites/elements' }),
  },
  {
    name: 'GET /kpis?tenantId',
    kind: 'read',
    request: (w) => ({ method: 'GET', url: `/api/v1/kpis?tenantId=${w.tenantId}&hours=2` }),
  },
  // The cluster (docs/cluster.md): its state and dead letters are the operator's and the regulator's; a replay the operator's.
  { name: 'GET /cluster', kind: 'supervisor-read', request: () => ({ method: 'GET', url: '/api/v1/cluster' }) },
  {
    name: 'GET /dead-letters',
    kind: 'supervisor-read',
    request: () => ({ method: 'GET', url: '/api/v1/dead-letters' }),
  },
  {
    name: 'GET /dead-letters/{id}',
    kind: 'supervisor-read',
    request: (w) => ({ method: 'GET', url: `/api/v1/dead-letters/${w.deadLetterId}` }),
  },
  {
    name: 'POST /dead-letters/{id}/replay',
    kind: 'operator-only',
    request: (w) => ({ method: 'POST', url: `/api/v1/dead-letters/${w.deadLetterId}/replay` }),
  },
];

/** The status a (route kind, role, tenancy) must answer. */
function expected(c: RouteCase, who: Who, tenancy: Tenancy): number {
  const ok = c.ok ?? 200,
    foreign = c.foreign ?? 404;
  const tenantKey = who === 'admin' || who === 'user';
  switch (c.kind) {
    case 'public-read':
      return ok;
    case 'operator-only':
      return who === 'operator' ? ok : 403;
    case 'supervisor-read':
      return who === 'operator' || who === 'regulator' ? ok : 403;
    case 'read':
      return tenantKey && tenancy === 'foreign' ? foreign : ok;
    // A tenant's setting only operators change: a tenant key sees its own (403) but not another's (404).
    case 'operator-tenant-write':
      return tenantKey && tenancy === 'foreign' ? foreign : who === 'operator' ? ok : 403;
    case 'member-read':
      return tenantKey && tenancy === 'foreign' ? foreign : who === 'regulator' ? 403 : ok;
    case 'integration-read':
      return tenantKey && tenancy === 'foreign' ? foreign : who === 'user' ? 403 : ok;
    case 'member-write':
      return tenantKey && tenancy === 'foreign' ? foreign : who === 'regulator' ? 403 : ok;
    case 'admin-read':
    case 'admin-write':
      if (tenantKey && tenancy === 'foreign') return foreign;
      // Regulators read, but not keys, and never write; tenant users read and send, but do not administer.
      return who === 'operator' || who === 'admin' ? ok : 403;
  }
}

describe('tenant isolation matrix', () => {
  let f: CoreFixture;
  let app: FastifyInstance;
  let keys: Record<Who, string>;
  let worlds: Record<Tenancy, World>;
  const cases: Array<[string, RouteCase, Who, Tenancy]> = [];
  for (const c of ROUTES)
    for (const who of ['operator', 'regulator', 'admin', 'user'] as const)
      for (const t of ['own', 'foreign'] as const) cases.push([`${c.name} as ${who} on ${t} tenant`, c, who, t]);

  beforeAll(async () => {
    f = await coreFixture({ delivery: { transport: new FakeTransport(), publisher: new FakePublisher() } });
    app = await buildApp({ core: f.core, adminKeyHash: sha256Hex(OPERATOR_KEY) });
  });
  afterAll(async () => {
    await app.close();
    await f.close();
  });

  /** A fresh tenant with a terminal, a rule, an open alarm, a user codec and a key, and keys of every role for it. */
  async function world(): Promise<{ w: World; keys: Record<Who, string> }> {
    const access = new AccessControl(f.store, f.clock, sha256Hex(OPERATOR_KEY));
    const op = { keyId: null, role: 'operator' as Role, tenantId: null };
    const tenant = await f.core.provisioning.createTenant(`t-${hex(3)}`);
    const devEui = hex(8);
    const term = await f.core.provisioning.createTerminal({
      tenantId: tenant.id,
      devEui,
      devAddr: hex(4),
      nwkSKey: hex(16),
      appSKey: hex(16),
      location: { lat: 30, lon: 114, altM: 0 },
    });
    const rule = parseRule({
      id: `r-${hex(4)}`,
      tenantId: tenant.id,
      name: 'r',
      severity: 'warning',
      enabled: true,
      scope: {},
      condition: threshold,
    });
    await f.store.rules.save(rule, T0);
    const alarm = raise(undefined, {
      id: `a-${hex(4)}`,
      rule,
      terminal: { id: term.id, devEui },
      at: T0,
      evidence: {},
    });
    await f.store.alarms.save(alarm);
    const codec = await f.core.provisioning.createUserCodec({
      tenantId: tenant.id,
      name: 'c',
      script: 'function decodeUplink() { return {}; }',
    });
    const extra = await access.createKey(op, { tenantId: tenant.id, role: 'tenant-user' });
    const webhook = await f.core.delivery!.catalog.createWebhook({
      tenantId: tenant.id,
      url: 'https://receiver.example/hook',
    });
    const downlink = await f.core.downlinks.enqueue(devEui, {
      fPort: 1,
      payload: new Uint8Array([1]),
      confirmed: false,
      priority: 'normal',
    });
    // A dead letter of the rules consumer (an event of this tenant's terminal: a replay evaluates no rule).
    const deadLetterId = hex(16);
    await f.store.deadLetters.add({
      id: deadLetterId,
      consumer: 'satiot-rules',
      subject: 'satiot.decoded.0.x.y',
      eventId: `dl-${deadLetterId}`,
      data: Buffer.from('{"kind":"decoded"}'),
      attempts: 12,
      error: 'test',
      failedAt: T0,
    });
    const k = async (role: Role, tenantId?: string) =>
      (await access.createKey(op, { role, ...(tenantId ? { tenantId } : {}) })).key;
    return {
      w: {
        webhookId: webhook.webhook.id,
        downlinkId: downlink.id,
        stationId: f.station.id,
        tenantId: tenant.id,
        devEui,
        ruleId: rule.id,
        alarmId: alarm.id,
        codecId: codec.id,
        keyId: extra.record.id,
        deadLetterId,
      },
      keys: {
        operator: OPERATOR_KEY,
        regulator: await k('regulator'),
        admin: await k('tenant-admin', tenant.id),
        user: await k('tenant-user', tenant.id),
      },
    };
  }

  it.each(cases)('%s', async (_name, c, who, tenancy) => {
    // Each case on fresh worlds: writes must not change what the next case sees.
    const own = await world(),
      other = await world();
    keys = own.keys;
    worlds = { own: own.w, foreign: other.w };
    const req = c.request(worlds[tenancy]);
    const res = await app.inject({ ...req, headers: { ...(req.headers ?? {}), authorization: `Bearer ${keys[who]}` } });
    expect(res.statusCode, res.body).toBe(expected(c, who, tenancy));
    if (res.statusCode === 404) expect(res.json().error.code).toMatch(/NOT_FOUND$/);
    if (res.statusCode === 403) expect(res.json().error.code).toBe('FORBIDDEN');
  });

  it("lists only the caller's own tenant for tenant keys, every tenant for operators and regulators", async () => {
    const a = await world(),
      b = await world();
    const ids = async (key: string) =>
      (
        (
          await app.inject({ method: 'GET', url: '/api/v1/tenants', headers: { authorization: `Bearer ${key}` } })
        ).json().items as Array<{ id: string }>
      ).map((t) => t.id);
    expect(await ids(a.keys.user)).toEqual([a.w.tenantId]);
    expect(await ids(a.keys.regulator)).toEqual(expect.arrayContaining([a.w.tenantId, b.w.tenantId]));
    const terms = await app.inject({
      method: 'GET',
      url: '/api/v1/terminals',
      headers: { authorization: `Bearer ${b.keys.admin}` },
    });
    expect(terms.json().items.map((t: { devEui: string }) => t.devEui)).toEqual([b.w.devEui]);
  });

  it('refuses revoked and expired keys with 401, and a missing one', async () => {
    const { w, keys: k } = await world();
    const who = (key?: string) =>
      app.inject({
        method: 'GET',
        url: `/api/v1/terminals/${w.devEui}`,
        headers: key ? { authorization: `Bearer ${key}` } : {},
      });
    expect((await who(k.admin)).statusCode).toBe(200);
    const list = await app.inject({
      method: 'GET',
      url: `/api/v1/api-keys?tenantId=${w.tenantId}`,
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
    });
    const adminKey = list
      .json()
      .items.find((x: { role: string; prefix: string }) => x.role === 'tenant-admin' && k.admin.startsWith(x.prefix));
    expect(
      (
        await app.inject({
          method: 'DELETE',
          url: `/api/v1/api-keys/${adminKey.id}`,
          headers: { authorization: `Bearer ${OPERATOR_KEY}` },
        })
      ).json().revokedAt,
    ).toBeTruthy();
    expect((await who(k.admin)).statusCode).toBe(401);
    const short = await app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
      payload: { tenantId: w.tenantId, role: 'tenant-user', expiresAt: new Date(f.clock.now() + 60_000).toISOString() },
    });
    expect((await who(short.json().key)).statusCode).toBe(200);
    f.clock.advance(61_000);
    expect((await who(short.json().key)).statusCode).toBe(401);
    expect((await who()).statusCode).toBe(401);
    expect(list.body).not.toContain(k.admin);
  });

  it('shows regulators message metadata without payloads, and the tenant its payloads', async () => {
    const access = new AccessControl(f.store, f.clock, sha256Hex(OPERATOR_KEY));
    const op = { keyId: null, role: 'operator' as Role, tenantId: null };
    const t = await f.addTerminal();
    await f.core.pipeline.ingest(f.station, [uplink(t, 1, new Uint8Array([1, 2, 3]))]);
    const get = async (role: Role) => {
      const key = (await access.createKey(op, { role, ...(role === 'regulator' ? {} : { tenantId: f.tenantId }) })).key;
      return (
        await app.inject({
          method: 'GET',
          url: `/api/v1/terminals/${t.devEui}/messages`,
          headers: { authorization: `Bearer ${key}` },
        })
      ).json().items[0];
    };
    const seen = await get('regulator');
    expect(seen).toMatchObject({ fCnt: 1, receptions: [expect.objectContaining({ satelliteId: 'SAT-1' })] });
    expect(seen.payload).toBeUndefined();
    expect((await get('tenant-user')).payload).toBe(Buffer.from([1, 2, 3]).toString('base64'));
    // Nor a downlink's payload, nor an alarm's evidence (values from payloads).
    await f.core.downlinks.enqueue(t.devEui, {
      fPort: 2,
      payload: new Uint8Array([9, 9]),
      confirmed: false,
      priority: 'normal',
    });
    const reg = (await access.createKey(op, { role: 'regulator' })).key,
      user = (await access.createKey(op, { role: 'tenant-user', tenantId: f.tenantId })).key;
    const dl = async (key: string) =>
      (
        await app.inject({
          method: 'GET',
          url: `/api/v1/terminals/${t.devEui}/downlinks`,
          headers: { authorization: `Bearer ${key}` },
        })
      ).json().items[0];
    expect((await dl(reg)).payload).toBeUndefined();
    expect((await dl(user)).payload).toBe('CQk=');
    const rule = parseRule({
      id: `r-${hex(4)}`,
      tenantId: f.tenantId,
      name: 'r',
      severity: 'warning',
      enabled: true,
      scope: {},
      condition: threshold,
    });
    await f.store.alarms.save(
      raise(undefined, {
        id: `a-${hex(4)}`,
        rule,
        terminal: { id: t.id, devEui: t.devEui },
        at: T0,
        evidence: { value: 42 },
      }),
    );
    const alarm = async (key: string) =>
      (
        await app.inject({
          method: 'GET',
          url: `/api/v1/alarms?devEui=${t.devEui}`,
          headers: { authorization: `Bearer ${key}` },
        })
      ).json().items[0];
    expect((await alarm(reg)).evidence).toBeUndefined();
    expect((await alarm(user)).evidence).toEqual({ value: 42 });
  });
});
