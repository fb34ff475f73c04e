import type { FastifyPluginAsync } from 'fastify';
import type { Core } from '../../core/core.js';
import type { AccessControl } from '../../core/access-control.js';
import { isTokenRevoked } from '../../core/station-tokens.js';
import type { GroundStationRecord } from '../../core/model.js';
import { actorOf, allow, authenticate, secured } from '../auth.js';
import { errorRef } from '../schemas/index.js';

const stationTokenSchema = {
  type: 'object',
  required: ['id', 'name', 'tokenRevoked'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    tokenRevoked: { type: 'boolean', description: 'true until a rotation issues a new token' },
  },
} as const;

const params = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;

const view = (s: GroundStationRecord) => ({ id: s.id, name: s.name, tokenRevoked: isTokenRevoked(s) });

/**
 * Ground-station tokens (operators): rotate (a new token, shown once; the old one is refused at once
 * on every node) and revoke (refused at once until a rotation). Both audited.
 */
export function stationTokenRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));

    app.post<{ Params: { id: string } }>(
      '/api/v1/ground-stations/:id/token',
      {
        schema: {
          summary:
            "Rotate a ground station's token: the new token is shown once, the old one stops working on " +
            'every node at once (also re-issues a revoked token)',
          tags: ['provisioning'],
          ...secured,
          params,
          response: {
            200: {
              ...stationTokenSchema,
              required: [...stationTokenSchema.required, 'token'],
              properties: { ...stationTokenSchema.properties, token: { type: 'string' } },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        allow(req, ['operator']);
        const { station, token } = await core.stationTokens.rotate(req.params.id, actorOf(req));
        return { ...view(station), token };
      },
    );

    app.delete<{ Params: { id: string } }>(
      '/api/v1/ground-stations/:id/token',
      {
        schema: {
          summary: "Revoke a ground station's token: refused on every node at once, until a rotation issues a new one",
          tags: ['provisioning'],
          ...secured,
          params,
          response: { 200: stationTokenSchema, '4xx': errorRef },
        },
      },
      async (req) => {
        allow(req, ['operator']);
        return view(await core.stationTokens.revoke(req.params.id, actorOf(req)));
      },
    );
  };
}
