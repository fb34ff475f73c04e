import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Core } from '../../core/core.js';
import type { AccessControl } from '../../core/access-control.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { bearerToken, forwarded } from '../auth.js';

export interface MetricsAccess {
  /**
   * The bearer token Prometheus presents (`authorization: Bearer <token>`, its `authorization`
   * scrape setting). Set: that token or an operator key is needed from every address, loopback
   * included. Unset: loopback callers scrape without a key, others need an operator key.
   */
  readonly token?: string;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/**
 * The client (as the trusted proxies report it) is on this machine, and no proxy stands between:
 * a proxy on this machine that is not trusted would otherwise make every client look local.
 */
function fromLoopback(req: FastifyRequest): boolean {
  if (forwarded(req)) return false;
  const v = isIP(req.ip);
  return v !== 0 && LOOPBACK.check(req.ip, v === 4 ? 'ipv4' : 'ipv6');
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Prometheus exposition of the core's registry. It names every ground station and its traffic, so
 * it is not public: see `MetricsAccess` for who may scrape.
 */
export function metricsRoutes(core: Core, access: AccessControl, opts: MetricsAccess = {}): FastifyPluginAsync {
  const expected = opts.token ? digest(opts.token) : undefined;
  return async (app) => {
    app.addHook('preHandler', async (req) => {
      const token = bearerToken(req);
      if (expected && token !== undefined && timingSafeEqual(digest(token), expected)) return;
      if (!expected && token === undefined && fromLoopback(req)) return;
      const p = await access.authenticate(token);
      if (!p) {
        throw new SatiotError(
          'UNAUTHORIZED',
          expected
            ? '/metrics needs the metrics token or an operator key as "Authorization: Bearer <token>"'
            : '/metrics answers loopback callers only, unless they bring an operator key as "Authorization: ' +
                'Bearer <key>" (or the server sets --metrics-token)',
        );
      }
      if (p.role !== 'operator') throw new SatiotError('FORBIDDEN', `a ${p.role} key may not read /metrics`);
    });
    app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
      reply.type(core.metrics.contentType);
      return core.metrics.metrics();
    });
  };
}
