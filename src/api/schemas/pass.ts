/** The passes over a terminal or a ground station (src/api/routes/pass-routes.ts). */
export const passesSchema = {
  $id: 'Passes',
  type: 'object',
  required: ['position', 'passes'],
  properties: {
    position: {
      type: 'object',
      properties: {
        lat: { type: 'number' },
        lon: { type: 'number' },
        source: { type: 'string', enum: ['registered', 'last-report', 'station'] },
      },
    },
    passes: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          satellite: { type: 'object', properties: { name: { type: 'string' }, noradId: { type: 'integer' } } },
          aos: { type: 'string' },
          tca: { type: 'string' },
          los: { type: 'string' },
          maxElevationDeg: { type: 'number' },
          aosAzimuthDeg: { type: 'number' },
          losAzimuthDeg: { type: 'number' },
          truncated: { type: 'boolean' },
        },
      },
    },
  },
} as const;
