import type { FastifyPluginAsync } from 'fastify';
import type { AccessControl } from '../../core/access-control.js';
import { authenticate, principalOf, secured } from '../auth.js';
import { errorRef } from '../schemas/index.js';

/** Who a key is: what a client (the dashboard) shows follows from it. Every valid key may ask. */
export function sessionRoutes(access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));
    app.get(
      '/api/v1/session',
      {
        schema: {
          summary: "The caller's role and tenant (null: every tenant), and whether it sees payloads",
          tags: ['access'],
          ...secured,
          response: {
            200: {
              type: 'object',
              required: ['role', 'tenantId', 'seesPayloads'],
              properties: {
                role: { type: 'string', enum: ['operator', 'tenant-admin', 'tenant-user', 'regulator'] },
                tenantId: { type: ['string', 'null'] },
                seesPayloads: { type: 'boolean' },
              },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        const p = principalOf(req);
        return { role: p.role, tenantId: p.tenantId, seesPayloads: access.seesPayloads(p) };
      },
    );
  };
}
