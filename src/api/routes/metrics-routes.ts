import type { FastifyPluginAsync } from 'fastify';
import type { Core } from '../../core/core.js';

/** Prometheus exposition of the core's registry. */
export function metricsRoutes(core: Core): FastifyPluginAsync {
  return async (app) => {
    app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
      reply.type(core.metrics.contentType);
      return core.metrics.metrics();
    });
  };
}
