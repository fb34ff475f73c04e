/** A satellite of the catalogue (src/api/routes/satellite-routes.ts). */
export const satelliteSchema = {
  $id: 'Satellite',
  type: 'object',
  required: ['noradId', 'name', 'epoch', 'format'],
  properties: {
    noradId: { type: 'integer' },
    name: { type: 'string' },
    epoch: { type: 'string' },
    format: { type: 'string', enum: ['tle', 'omm'] },
    updatedAt: { type: 'string' },
    position: {
      type: ['object', 'null'],
      description: 'sub-satellite point at `at` (WGS84; null where SGP4 cannot propagate the set to that time)',
      properties: { lat: { type: 'number' }, lon: { type: 'number' }, altKm: { type: 'number' } },
    },
  },
} as const;
