/** A tenant's own payload codec (src/api/routes/codec-routes.ts). */
export const userCodecSchema = {
  $id: 'UserCodec',
  type: 'object',
  required: ['id', 'tenantId', 'name', 'codec', 'createdAt'],
  properties: {
    id: { type: 'string' },
    tenantId: { type: 'string' },
    name: { type: 'string' },
    codec: { type: 'string', description: 'what a terminal names to use it: user:<id>' },
    script: { type: 'string' },
    createdAt: { type: 'string' },
  },
} as const;
