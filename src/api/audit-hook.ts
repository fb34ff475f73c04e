import { createHash } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Core } from '../core/core.js';
import type { AuditActor, AuditEntryInput, AuditTarget } from '../core/ports/audit-log.js';
import { bearerToken, stationOf } from './auth.js';
import type { Clock } from '../core/ports/clock.js';
import { SuspiciousInputThrottle, type SuspiciousInputLimits } from './suspicious-input-throttle.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Marks a GET route whose reads are audited (payloads, positions, identity documents, audit extracts). */
    auditRead?: boolean;
  }
  interface FastifyInstance {
    /** Resolves once the audit records of the answers sent so far are appended (tests, shutdown). */
    auditIdle?: () => Promise<void>;
  }
  interface FastifyRequest {
    /** The error code of the answer, when it was an error (set by the audit hook's onSend). */
    auditErrorCode?: string;
  }
}

/**
 * Reads that are audited as "key use for sensitive reads": payloads and what derives from them,
 * positions, identity and registration records, audit and anomaly extracts. A route can also mark
 * itself with `config: { auditRead: true }`.
 */
const SENSITIVE_READS: readonly RegExp[] = [
  /^\/api\/v1\/terminals\/:devEui\/messages/,
  /^\/api\/v1\/terminals\/:devEui\/track/,
  /^\/api\/v1\/terminals\/:devEui\/(registration|identity)/,
  /^\/api\/v1\/registrations/,
  /^\/api\/v1\/audit/,
  /^\/api\/v1\/anomalies/,
];

/** POSTs that compute and change nothing: not audited unless they fail authentication. */
const COMPUTATIONS: readonly RegExp[] = [
  /^\/api\/v1\/plan\//,
  /^\/api\/v1\/passes$/,
  /^\/api\/v1\/decode$/,
  /^\/api\/v1\/terminals\/:devEui\/eta$/,
];

/**
 * Query and path values that look like SQL injection (quotes closing into operators, comments,
 * stacked statements, UNION SELECT, sleep functions). Queries are parameterised, so these are
 * harmless literals; they are recorded as attempts, not blocked.
 */
const SQL_INJECTION =
  /('|")\s*(or|and|union|;|--|\/\*|\)|=)|--\s*$|\/\*|;\s*(select|insert|update|delete|drop|alter|create)\b|\bunion\b\s+(all\s+)?select\b|\b(pg_)?sleep\s*\(|\bwaitfor\s+delay\b|\bor\s+\d+\s*=\s*\d+/i;

/** The names of the query and path parameters whose value looks like SQL injection. */
export function suspiciousInputs(req: FastifyRequest): string[] {
  const out: string[] = [];
  for (const [where, o] of [
    ['query', req.query],
    ['params', req.params],
  ] as const) {
    if (o === null || typeof o !== 'object') continue;
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
      if (typeof v === 'string' && SQL_INJECTION.test(v)) out.push(`${where}.${k}`);
    }
  }
  return out;
}

/** Path parameters copied into the record (ids only: no parameter carries a secret). */
const ID_PARAMS = ['devEui', 'id', 'tenantId', 'solution', 'stationId'];

export interface AuditHookOptions {
  readonly core: Core;
  /** Append failures (logged; a request is never failed by its audit record). */
  readonly onError?: (e: unknown) => void;
  /**
   * Bounds on `security.suspicious-input` records (src/api/suspicious-input-throttle.ts defaults:
   * one per source address a minute, 20 a minute in all, each carrying the count it stands for);
   * false: one record per request.
   */
  readonly suspiciousInput?: Partial<SuspiciousInputLimits> | false;
  /** The clock of those windows: wall-clock time by default (the core's may be simulated). */
  readonly clock?: Clock;
}

function auditedRequest(req: FastifyRequest, status: number): 'write' | 'read' | 'auth' | undefined {
  const route = req.routeOptions.url;
  if (status === 401 || status === 403) return 'auth';
  if (route === undefined) return undefined;
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') {
    return req.routeOptions.config?.auditRead === true || SENSITIVE_READS.some((r) => r.test(route))
      ? 'read'
      : undefined;
  }
  return COMPUTATIONS.some((r) => r.test(route)) ? undefined : 'write';
}

/**
 * Appends an audit record for every state-changing call (any method but GET/HEAD/OPTIONS, minus
 * pure computations), every sensitive read, and every 401/403 answer, once the answer is sent
 * (the request is never slowed or failed by it). Bodies are never recorded: only the route, ids
 * from the path, the status and the error code.
 */
export const auditHook = fp<AuditHookOptions>(
  async (app, opts) => {
    const { core } = opts;
    const throttle =
      opts.suspiciousInput === false ? undefined : new SuspiciousInputThrottle(opts.suspiciousInput ?? {}, opts.clock);
    const inFlight = new Set<Promise<void>>();
    app.decorate('auditIdle', async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    });
    app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (reply.statusCode >= 400 && typeof payload === 'string' && payload.length < 4096) {
        const m = /"code"\s*:\s*"([A-Z_]{2,40})"/.exec(payload);
        if (m) req.auditErrorCode = m[1];
      }
      return payload;
    });
    const record = (what: () => Promise<AuditEntryInput>, log: FastifyRequest['log']): Promise<void> => {
      const p = (async () => {
        try {
          await core.audit.append(await what());
        } catch (e) {
          opts.onError?.(e);
          log.error({ err: e }, 'audit append failed');
        }
      })();
      inFlight.add(p);
      return p.finally(() => inFlight.delete(p));
    };
    // Requests that never complete (headers or body dribbled past the server's request timeout) end
    // in a client error before any route sees them: recorded here, by source address.
    // Peer addresses as connections open: by the time a client error fires, the socket may be closed.
    const peers = new WeakMap<object, string>();
    app.server.on('connection', (socket: { remoteAddress?: string }) => {
      if (socket.remoteAddress) peers.set(socket, socket.remoteAddress);
    });
    app.server.on('clientError', (err: NodeJS.ErrnoException, socket: { remoteAddress?: string }) => {
      if (err.code !== 'ERR_HTTP_REQUEST_TIMEOUT' && err.code !== 'HPE_HEADER_OVERFLOW') return;
      const sourceIp = socket.remoteAddress ?? peers.get(socket);
      void record(
        async () => ({
          actor: { kind: 'api-key' },
          action: err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'security.slow-request' : 'security.oversized-headers',
          outcome: 'denied',
          ...(sourceIp ? { sourceIp } : {}),
          details: { code: err.code },
        }),
        app.log,
      );
    });
    app.addHook('onResponse', async (req: FastifyRequest, reply: FastifyReply) => {
      const suspicious = suspiciousInputs(req);
      // Anyone can send these without a key: aggregated per source address and capped in all, so
      // that junk requests cannot grow the chain by one record each.
      const verdict =
        suspicious.length > 0 ? (throttle?.admit(req.ip) ?? { record: true as const }) : { record: false as const };
      if (verdict.record) {
        const status = reply.statusCode;
        const counts =
          'suppressed' in verdict
            ? { suppressed: verdict.suppressed, suppressedOverCap: verdict.suppressedOverCap }
            : {};
        await record(
          async () => ({
            actor: await actorOf(core, req, req.routeOptions.url ?? ''),
            action: 'security.suspicious-input',
            outcome: status < 400 ? 'ok' : status === 401 || status === 403 ? 'denied' : 'failed',
            sourceIp: req.ip,
            details: {
              kind: 'sql-injection',
              route: req.routeOptions.url ?? '(no route)',
              method: req.method,
              status,
              inputs: suspicious,
              ...counts,
            },
          }),
          req.log,
        );
      }
      const kind = auditedRequest(req, reply.statusCode);
      if (kind) await record(() => entryOf(core, req, reply.statusCode, kind), req.log);
    });
  },
  { name: 'satiot-audit', fastify: '5.x' },
);

async function entryOf(
  core: Core,
  req: FastifyRequest,
  status: number,
  kind: 'write' | 'read' | 'auth',
): Promise<AuditEntryInput> {
  const route = req.routeOptions.url ?? '(no route)';
  const params = (req.params ?? {}) as Record<string, unknown>;
  const ids: Record<string, string> = {};
  for (const k of ID_PARAMS) if (typeof params[k] === 'string') ids[k] = (params[k] as string).slice(0, 100);
  const actor = await actorOf(core, req, route);
  const target = targetOf(core, route, ids);
  const outcome = status < 400 ? 'ok' : status === 401 || status === 403 ? 'denied' : 'failed';
  const action =
    kind === 'auth'
      ? status === 401
        ? 'auth.failure'
        : 'auth.forbidden'
      : `api.${kind === 'read' ? 'read' : req.method.toLowerCase()}`;
  return {
    actor,
    action,
    outcome,
    sourceIp: req.ip,
    ...(target ? { target } : {}),
    details: {
      method: req.method,
      route,
      status,
      ...(req.auditErrorCode ? { code: req.auditErrorCode } : {}),
      ...(Object.keys(ids).length > 0 ? { params: ids } : {}),
    },
  };
}

async function actorOf(core: Core, req: FastifyRequest, route: string): Promise<AuditActor> {
  const p = req.principal;
  if (p) {
    return p.keyId === null
      ? { kind: 'operator', id: 'bootstrap', role: p.role }
      : { kind: 'api-key', id: p.keyId, role: p.role, ...(p.tenantId !== null ? { tenantId: p.tenantId } : {}) };
  }
  if (route.startsWith('/api/v1/gateway/')) {
    const station = await stationOf(core.provisioning, req);
    if (station) return { kind: 'station', id: station.id };
    // Never the token itself: a short hash of it correlates repeated attempts without revealing it.
    const token = bearerToken(req);
    return {
      kind: 'station',
      ...(token ? { id: `unknown:${createHash('sha256').update(token).digest('hex').slice(0, 12)}` } : {}),
    };
  }
  return { kind: 'api-key' };
}

/** The object a route acts on, from its path (a terminal's tenant from the registry). */
function targetOf(core: Core, route: string, ids: Record<string, string>): AuditTarget | undefined {
  if (ids.devEui !== undefined) {
    const t = core.registry.byDevEui(ids.devEui.toLowerCase())?.record;
    return { kind: 'terminal', id: ids.devEui, ...(t ? { tenantId: t.tenantId } : {}) };
  }
  if (ids.tenantId !== undefined) return { kind: 'tenant', id: ids.tenantId, tenantId: ids.tenantId };
  const segments = route.split('/').filter((s) => s !== '' && !s.startsWith(':'));
  const kind = segments[segments.length - 1] ?? 'route';
  if (ids.id !== undefined) return { kind: singular(kind), id: ids.id };
  return { kind: 'route', id: route };
}

function singular(s: string): string {
  return s.endsWith('ies') ? `${s.slice(0, -3)}y` : s.endsWith('s') ? s.slice(0, -1) : s;
}
