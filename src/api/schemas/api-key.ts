import { ROLES } from '../../core/model.js';

/** An API key as the API shows it: never the key itself (src/api/routes/api-key-routes.ts). */
export const apiKeySchema = {
  $id: 'ApiKey',
  type: 'object',
  required: ['id', 'role', 'tenantId', 'name', 'prefix', 'createdAt', 'expiresAt', 'revokedAt'],
  properties: {
    id: { type: 'string' },
    role: { type: 'string', enum: [...ROLES] },
    tenantId: { type: ['string', 'null'] },
    name: { type: 'string' },
    prefix: { type: 'string', description: "the key's first characters, to tell keys apart" },
    createdAt: { type: 'string' },
    expiresAt: { type: ['string', 'null'] },
    revokedAt: { type: ['string', 'null'] },
  },
} as const;
