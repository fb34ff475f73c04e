import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { installErrorHandling } from './error-reply.js';
import { healthRoutes } from './routes/health-routes.js';
import { plannerRoutes } from './routes/planner-routes.js';

export interface AppOptions {
  /** Fastify logger: true for the server, false in tests. */
  logger?: boolean;
  /** Largest accepted body, bytes (default 5 MiB: a catalogue of a few thousand TLEs). */
  bodyLimit?: number;
}

/** The HTTP application, built without listening so tests can drive it with `inject()`. */
export async function buildApp(opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? 5 * 1024 * 1024,
    ajv: { customOptions: { allErrors: false, coerceTypes: true, removeAdditional: false } },
  });
  installErrorHandling(app);
  await app.register(swagger, {
    openapi: { info: { title: 'satiot API', version: '0.1.0', description: 'Satellite IoT service platform' } },
  });
  await app.register(healthRoutes);
  await app.register(plannerRoutes);
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
