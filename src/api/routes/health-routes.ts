import type { FastifyPluginAsync } from 'fastify';

export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', {
    schema: {
      summary: 'Liveness',
      response: { 200: { type: 'object', required: ['status'], properties: { status: { type: 'string' }, version: { type: 'string' } } } },
    },
  }, async () => ({ status: 'ok', version: '0.1.0' }));
};
