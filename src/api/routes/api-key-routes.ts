import type { FastifyPluginAsync } from 'fastify';
import type { AccessControl } from '../../core/access-control.js';
import { ROLES, type ApiKeyRecord, type Role } from '../../core/model.js';
import { authenticate, principalOf, secured } from '../auth.js';
import { errorRef, ref } from '../schemas/index.js';
import { apiKeySchema } from '../schemas/api-key.js';
import { iso, isoOrNull } from '../../core/iso-time.js';

const keyJson = (k: ApiKeyRecord) => ({
  id: k.id,
  role: k.role,
  tenantId: k.tenantId,
  name: k.name,
  prefix: k.prefix,
  createdAt: iso(k.createdAt),
  expiresAt: isoOrNull(k.expiresAt),
  revokedAt: isoOrNull(k.revokedAt),
});

/** API keys: shown once, stored hashed, scoped to a tenant with a role; listed, revoked, expiring. */
export function apiKeyRoutes(access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));

    app.post<{ Body: { tenantId?: string; role: Role; name?: string; expiresAt?: string } }>(
      '/api/v1/api-keys',
      {
        schema: {
          summary:
            'Create an API key (operators: any; tenant admins: tenant-admin and tenant-user keys of their ' +
            'tenant). The key is shown once.',
          tags: ['access'],
          ...secured,
          body: {
            type: 'object',
            required: ['role'],
            additionalProperties: false,
            properties: {
              tenantId: { type: 'string', maxLength: 64 },
              role: { type: 'string', enum: [...ROLES] },
              name: { type: 'string', maxLength: 200 },
              expiresAt: { type: 'string', format: 'date-time' },
            },
          },
          response: {
            // An ApiKey and, this once, the key itself (not a reference: the shared schema has no `key`).
            201: {
              type: 'object',
              required: [...apiKeySchema.required, 'key'],
              properties: { ...apiKeySchema.properties, key: { type: 'string' } },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const { record, key } = await access.createKey(principalOf(req), {
          role: b.role,
          ...(b.tenantId ? { tenantId: b.tenantId } : {}),
          ...(b.name ? { name: b.name } : {}),
          ...(b.expiresAt ? { expiresAt: Date.parse(b.expiresAt) } : {}),
        });
        return reply.status(201).send({ ...keyJson(record), key });
      },
    );

    app.get<{ Querystring: { tenantId?: string } }>(
      '/api/v1/api-keys',
      {
        schema: {
          summary: 'API keys (never the keys themselves)',
          tags: ['access'],
          ...secured,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { tenantId: { type: 'string', maxLength: 64 } },
          },
          response: {
            200: {
              type: 'object',
              required: ['items'],
              properties: { items: { type: 'array', items: ref(apiKeySchema) } },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => ({ items: (await access.listKeys(principalOf(req), req.query.tenantId)).map(keyJson) }),
    );

    app.delete<{ Params: { id: string } }>(
      '/api/v1/api-keys/:id',
      {
        schema: {
          summary: 'Revoke an API key (takes effect on every node within 10 s)',
          tags: ['access'],
          ...secured,
          params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } },
          response: { 200: ref(apiKeySchema), '4xx': errorRef },
        },
      },
      async (req) => keyJson(await access.revokeKey(principalOf(req), req.params.id)),
    );
  };
}
