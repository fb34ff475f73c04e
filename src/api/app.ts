import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { installErrorHandling, frameworkErrorReply } from './error-reply.js';
import { addSharedSchemas, openApiRefResolver } from './schemas/index.js';
import { auditHook } from './audit-hook.js';
import type { SuspiciousInputLimits } from './suspicious-input-throttle.js';
import { auditRoutes } from './routes/audit-routes.js';
import { anomalyRoutes } from './routes/anomaly-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { plannerRoutes } from './routes/planner-routes.js';
import { gatewayRoutes } from './routes/gateway-routes.js';
import { provisioningRoutes } from './routes/provisioning-routes.js';
import { terrestrialGatewayRoutes } from './routes/terrestrial-gateway-routes.js';
import { messageRoutes } from './routes/message-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import { satelliteRoutes } from './routes/satellite-routes.js';
import { codecRoutes } from './routes/codec-routes.js';
import { ruleRoutes } from './routes/rule-routes.js';
import { trackRoutes } from './routes/track-routes.js';
import { insightRoutes } from './routes/insight-routes.js';
import { decisionRoutes } from './routes/decision-routes.js';
import { attentionRoutes } from './routes/attention-routes.js';
import { networkRoutes } from './routes/network-routes.js';
import type { Core } from '../core/core.js';
import type { Clock } from '../core/ports/clock.js';
import { apiKeyRoutes } from './routes/api-key-routes.js';
import { passRoutes } from './routes/pass-routes.js';
import { csvRoutes } from './routes/csv-routes.js';
import { registrationRoutes } from './routes/registration-routes.js';
import { masterKeyRoutes } from './routes/master-key-routes.js';
import { accessLimits, type AccessLimits } from './rate-limits.js';
import { usageRoutes } from './routes/usage-routes.js';
import { quotaRoutes } from './routes/quota-routes.js';
import { downlinkRoutes } from './routes/downlink-routes.js';
import { webhookRoutes } from './routes/webhook-routes.js';
import { integrationRoutes } from './routes/integration-routes.js';
import { eventRoutes } from './routes/event-routes.js';
import { signInRoutes } from './routes/sign-in-routes.js';
import { sessionRoutes } from './routes/session-routes.js';
import { kpiRoutes } from './routes/kpi-routes.js';
import { satelliteTrackRoutes } from './routes/satellite-track-routes.js';
import { webStatic } from './web-static.js';
import { SignInLinks, type SignInLinkOptions } from '../core/sign-in-links.js';
import { clusterRoutes } from './routes/cluster-routes.js';
import { PlannerPool, type PlannerPoolOptions } from './planner/planner-pool.js';
import { deadLetterRoutes } from './routes/dead-letter-routes.js';
import { stationTokenRoutes } from './routes/station-token-routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Set when the server is stopping: /readyz answers 503 so that a load balancer moves traffic away. */
    draining: boolean;
  }
}

/** How long a readiness check waits for the store, ms. */
const READY_TIMEOUT_MS = 2_000;

export interface AppOptions {
  /** The network core; without it only the planner and health routes are served. */
  core?: Core;
  /** SHA-256 (hex) of the bootstrap operator key; required with `core`. */
  adminKeyHash?: string;
  /** Regulator keys see message payloads and decodes too (default false: metadata only). */
  regulatorSeesPayloads?: boolean;
  /** Fastify logger: true for the server, false in tests. */
  logger?: boolean;
  /** Where the log lines go (default stdout); tests capture them here. */
  logStream?: { write(line: string): void };
  /** The logger's level (default `info`: every request). */
  logLevel?: string;
  /** Largest accepted body, bytes (default 5 MiB: a catalogue of a few thousand TLEs). */
  bodyLimit?: number;
  /**
   * Slow-client limits, ms: an idle connection is closed after `idleMs` (default 60 s: the event
   * stream pings every 30 s); a request must arrive whole within `requestMs` (default 120 s) and
   * its headers within `headersMs` (default 30 s), checked every `checkMs` (default 2 s). Fastify's
   * own defaults are none at all, which lets a slow client hold a connection forever.
   */
  timeouts?: { idleMs?: number; requestMs?: number; headersMs?: number; checkMs?: number };
  /** Ping and key re-check period of the event stream, ms (default 30 s). */
  eventHeartbeatMs?: number;
  /**
   * Offer one-time sign-in links (`app.signInLinks.issue()`, redeemed at POST /api/v1/sign-in) for
   * the operator on this machine; off by default.
   */
  signInLinks?: SignInLinkOptions | true;
  /** Folder of the built dashboard served at `/` (default dist/web of the package; false: not served). */
  webRoot?: string | false;
  /**
   * Rate limits per API key and ground station, and the lock-out after failed keys (src/api/rate-limits.ts; defaults
   * there).
   */
  limits?: Partial<AccessLimits>;
  /** The clock of lock-outs (default the system clock; the core's may be simulated). */
  wallClock?: Clock;
  /** The planner's worker threads, queue and time limit (src/api/planner/planner-pool.ts defaults). */
  planner?: Omit<PlannerPoolOptions, 'onError'>;
  /** This node's name: on every log line and in the health answers. */
  nodeId?: string;
  /**
   * Proxies (addresses or CIDR ranges) whose X-Forwarded-For names the real client: limits and
   * lock-outs then key on that client, not on the proxy (Fastify's trustProxy). Default none.
   */
  trustProxy?: readonly string[];
  /**
   * Bearer token that lets Prometheus scrape /metrics (operator keys may too). Without it only
   * loopback callers scrape without a key (src/api/routes/metrics-routes.ts).
   */
  metricsToken?: string;
  /**
   * Bounds on `security.suspicious-input` audit records (default one per source address a minute,
   * 20 a minute in all, each carrying the count it stands for); false: one record per request.
   */
  suspiciousInputAudit?: Partial<SuspiciousInputLimits> | false;
}

/**
 * `date-time` as RFC 3339 says, and only times JavaScript can represent: a leap second
 * (`23:59:60`) passes the usual check but `Date.parse` gives NaN, which would reach queries.
 */
function strictDateTime(ajv: {
  addFormat(name: string, f: { type: 'string'; validate: (s: string) => boolean }): unknown;
}): void {
  const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i;
  const validate = (s: string): boolean => {
    const m = RFC3339.exec(s);
    if (!m) return false;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    // The day must exist in its month (V8 would roll 2026-02-30 over to March).
    return (
      mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate() && Number.isFinite(Date.parse(s))
    );
  };
  // Registered when the validator is created, after the standard formats, so it replaces theirs.
  ajv.addFormat('date-time', { type: 'string', validate });
}

/** The HTTP application, built without listening so tests can drive it with `inject()`. */
export async function buildApp(opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // A `?key=` (the event stream's, for browsers) never reaches the request log.
    ...(opts.trustProxy && opts.trustProxy.length > 0 ? { trustProxy: [...opts.trustProxy] } : {}),
    logger: opts.logger
      ? {
          level: opts.logLevel ?? 'info',
          ...(opts.nodeId ? { base: { node: opts.nodeId } } : {}),
          ...(opts.logStream ? { stream: opts.logStream } : {}),
          serializers: {
            req: (r: { method: string; url: string }) => ({
              method: r.method,
              url: r.url.replace(/([?&]key=)[^&]*/, '$1[redacted]'),
            }),
          },
        }
      : false,
    bodyLimit: opts.bodyLimit ?? 5 * 1024 * 1024,
    connectionTimeout: opts.timeouts?.idleMs ?? 60_000,
    requestTimeout: opts.timeouts?.requestMs ?? 120_000,
    http: {
      headersTimeout: opts.timeouts?.headersMs ?? 30_000,
      connectionsCheckingInterval: opts.timeouts?.checkMs ?? 2_000,
    },
    ajv: { customOptions: { allErrors: false, coerceTypes: true, removeAdditional: false }, onCreate: strictDateTime },
    frameworkErrors: frameworkErrorReply,
  });
  installErrorHandling(app);
  // Before the routes and the OpenAPI plugin: routes point at them with `ref()` (src/api/schemas).
  addSharedSchemas(app);
  app.decorate('draining', false);
  // Before the routes, so its hooks apply to every one of them.
  if (opts.core) {
    await app.register(auditHook, {
      core: opts.core,
      ...(opts.wallClock ? { clock: opts.wallClock } : {}),
      ...(opts.suspiciousInputAudit !== undefined ? { suspiciousInput: opts.suspiciousInputAudit } : {}),
    });
  }
  await app.register(accessLimits, {
    ...(opts.core ? { core: opts.core } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.wallClock ? { clock: opts.wallClock } : {}),
    ...(opts.core?.sharedLimits ? { shared: opts.core.sharedLimits } : {}),
    ...(opts.trustProxy ? { trustProxy: opts.trustProxy } : {}),
  });
  await app.register(swagger, {
    // The shared schemas are components named by their $id.
    refResolver: openApiRefResolver,
    // 3.1: route schemas are JSON Schema there (`exclusiveMinimum: 0` is not valid OpenAPI 3.0).
    openapi: {
      openapi: '3.1.0',
      info: { title: 'satiot API', version: '0.1.0', description: 'Satellite IoT service platform' },
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'an API key (POST /api/v1/api-keys) or the bootstrap operator key (SATIOT_ADMIN_KEY)',
          },
          stationToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'ground-station token from POST /api/v1/ground-stations',
          },
        },
      },
    },
  });
  const core = opts.core;
  await app.register(
    healthRoutes({
      ...(opts.nodeId ? { nodeId: opts.nodeId } : {}),
      readiness: async () => {
        const checks: Record<string, string> = { serving: app.draining ? 'stopping' : 'ok' };
        if (core) {
          checks['store'] = await withTimeout(core.ping(), READY_TIMEOUT_MS).then(
            () => 'ok',
            (e: unknown) => `unreachable (${e instanceof Error ? e.message : String(e)})`.slice(0, 200),
          );
          checks['bus'] = core.bus.connected ? 'ok' : 'disconnected';
        }
        return checks;
      },
    }),
  );
  // Planning jobs in worker threads, queued and time-limited (never on the event loop).
  const planner = new PlannerPool({
    ...opts.planner,
    onError: (e) => app.log.error({ err: e }, 'planning job failed'),
  });
  app.addHook('onClose', () => planner.close());
  await app.register(plannerRoutes(planner));
  if (opts.core) {
    if (!opts.adminKeyHash) throw new Error('buildApp: adminKeyHash is required with core');
    const access = opts.core.accessControl(opts.adminKeyHash, opts.regulatorSeesPayloads ?? false);
    const forgetKey = opts.core.registrySync.on('api-key', (e) => {
      if (e.key) access.forget(e.key);
    });
    app.addHook('onClose', async () => forgetKey());
    await app.register(gatewayRoutes(opts.core));
    await app.register(apiKeyRoutes(access));
    if (opts.signInLinks) {
      const links = new SignInLinks(access, opts.core.clock, opts.signInLinks === true ? {} : opts.signInLinks);
      app.decorate('signInLinks', links);
      await app.register(signInRoutes(links));
    }
    await app.register(provisioningRoutes(opts.core, access));
    await app.register(stationTokenRoutes(opts.core, access));
    await app.register(terrestrialGatewayRoutes(opts.core, access));
    await app.register(messageRoutes(opts.core, access));
    await app.register(satelliteRoutes(opts.core, access));
    await app.register(codecRoutes(opts.core, access));
    await app.register(ruleRoutes(opts.core, access));
    await app.register(trackRoutes(opts.core, access));
    await app.register(insightRoutes(opts.core, access));
    await app.register(decisionRoutes(opts.core, access));
    await app.register(attentionRoutes(opts.core, access));
    await app.register(networkRoutes(opts.core, access));
    await app.register(passRoutes(opts.core, access));
    await app.register(csvRoutes(opts.core, access));
    await app.register(registrationRoutes(opts.core, access));
    await app.register(masterKeyRoutes(opts.core, access));
    await app.register(usageRoutes(opts.core, access));
    await app.register(quotaRoutes(opts.core, access));
    await app.register(downlinkRoutes(opts.core, opts.core.downlinks, access));
    if (opts.core.delivery) {
      await app.register(webhookRoutes(opts.core.delivery, access));
      await app.register(integrationRoutes(opts.core.delivery, access));
      await app.register(
        eventRoutes(
          opts.core.delivery,
          access,
          opts.eventHeartbeatMs !== undefined ? { heartbeatMs: opts.eventHeartbeatMs } : {},
        ),
      );
    }
    await app.register(metricsRoutes(opts.core, access, opts.metricsToken ? { token: opts.metricsToken } : {}));
    await app.register(auditRoutes(opts.core, access));
    await app.register(anomalyRoutes(opts.core, access));
    await app.register(sessionRoutes(access));
    await app.register(kpiRoutes(opts.core, access));
    await app.register(clusterRoutes(opts.core, access));
    await app.register(deadLetterRoutes(opts.core, access));
    await app.register(satelliteTrackRoutes(opts.core, access));
  }
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // The browsable reference, served from the installed package: no CDN, works offline.
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { deepLinking: true, tryItOutEnabled: false } });
  // The dashboard (web/, built to dist/web): static files, and index.html for the client's routes.
  if (opts.webRoot !== false) await app.register(webStatic(opts.webRoot));
  return app;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
