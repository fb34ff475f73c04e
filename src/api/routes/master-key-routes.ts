import type { FastifyPluginAsync } from 'fastify';
import type { Core } from '../../core/core.js';
import type { AccessControl } from '../../core/access-control.js';
import { actorOf, allow, authenticate, secured } from '../auth.js';
import { errorRef } from '../schemas/index.js';

const counts = {
  type: 'object',
  required: ['total', 'stale'],
  properties: { total: { type: 'integer' }, stale: { type: 'integer' } },
} as const;

/** Master-key rotation (operators): what is sealed under which key, and the re-wrap. Never any key material. */
export function masterKeyRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));

    app.get(
      '/api/v1/master-key',
      {
        schema: {
          summary: 'Sealed values by kind, and how many are not yet under the current master key (key ids only)',
          tags: ['access'],
          ...secured,
          response: {
            200: {
              type: 'object',
              required: [
                'keyId',
                'keyIds',
                'cipher',
                'terminalKeys',
                'identityNumbers',
                'integrationSecrets',
                'unknownKeyIds',
              ],
              properties: {
                keyId: { type: 'string' },
                keyIds: { type: 'array', items: { type: 'string' } },
                cipher: { type: 'string' },
                terminalKeys: counts,
                identityNumbers: counts,
                integrationSecrets: counts,
                unknownKeyIds: { type: 'array', items: { type: 'string' } },
              },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        allow(req, ['operator']);
        return core.masterKey.inventory();
      },
    );

    app.post(
      '/api/v1/master-key/rewrap',
      {
        schema: {
          summary:
            'Re-wrap every sealed value under the current master key, while the service runs (after every ' +
            'node holds the new key and the old one as previous)',
          tags: ['access'],
          ...secured,
          response: {
            200: {
              type: 'object',
              required: ['keyId', 'terminalKeys', 'identityNumbers', 'integrationSecrets', 'skipped'],
              properties: {
                keyId: { type: 'string' },
                terminalKeys: { type: 'integer' },
                identityNumbers: { type: 'integer' },
                integrationSecrets: { type: 'integer' },
                skipped: { type: 'integer' },
              },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        allow(req, ['operator']);
        return core.masterKey.rewrap(actorOf(req));
      },
    );
  };
}
