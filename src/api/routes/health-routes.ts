import type { FastifyPluginAsync } from 'fastify';
import { SatiotError } from '../../errors/satiot-error.js';
import { errorRef } from '../schemas/index.js';

/** What a readiness check found: each part `ok` or why not. */
export type Readiness = Readonly<Record<string, string>>;

export interface HealthOptions {
  /** This node's name (answered by both probes). */
  readonly nodeId?: string;
  /** Checks the node's dependencies; every value `ok` means ready. Without it the node is always ready. */
  readonly readiness?: () => Promise<Readiness>;
}

/**
 * Probes for a load balancer or an orchestrator: `/healthz` says the process answers (liveness:
 * restart it when this fails); `/readyz` says it can take traffic now — its store answers, its bus
 * is connected, it is not stopping — and answers 503 NOT_READY with what failed otherwise (send
 * traffic to another node).
 */
export function healthRoutes(o: HealthOptions = {}): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/healthz',
      {
        schema: {
          summary: 'Liveness',
          tags: ['health'],
          response: {
            200: {
              type: 'object',
              required: ['status'],
              properties: { status: { type: 'string' }, version: { type: 'string' }, node: { type: 'string' } },
            },
          },
        },
      },
      async () => ({ status: 'ok', version: '0.1.0', ...(o.nodeId ? { node: o.nodeId } : {}) }),
    );

    app.get(
      '/readyz',
      {
        schema: {
          summary: 'Readiness: store reachable, bus connected, not stopping',
          tags: ['health'],
          response: {
            200: {
              type: 'object',
              required: ['status', 'checks'],
              properties: {
                status: { type: 'string' },
                node: { type: 'string' },
                checks: { type: 'object', additionalProperties: { type: 'string' } },
              },
            },
            503: errorRef,
          },
        },
      },
      async (_req, reply) => {
        const checks = o.readiness ? await o.readiness() : {};
        const failed = Object.entries(checks).filter(([, v]) => v !== 'ok');
        if (failed.length > 0) {
          void reply.header('retry-after', '5');
          throw new SatiotError('NOT_READY', `not ready: ${failed.map(([k, v]) => `${k} ${v}`).join('; ')}`, {
            checks,
            ...(o.nodeId ? { node: o.nodeId } : {}),
          });
        }
        return { status: 'ready', ...(o.nodeId ? { node: o.nodeId } : {}), checks };
      },
    );
  };
}
