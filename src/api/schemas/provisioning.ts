import { TERMINAL_STATUSES, TERMINAL_TRANSPORTS } from '../../core/model.js';

/**
 * Tenants, terminals and ground stations as the provisioning routes show them (src/api/routes/provisioning-routes.ts).
 */

/** A terminal as shown by the API: no key material, ever (the response schema drops anything else). */
export const terminalSchema = {
  $id: 'Terminal',
  type: 'object',
  required: ['id', 'tenantId', 'devEui', 'devAddr', 'suite', 'profile', 'enabled', 'createdAt'],
  properties: {
    id: { type: 'string' },
    tenantId: { type: 'string' },
    devEui: { type: 'string' },
    devAddr: { type: 'string' },
    suite: { type: 'string' },
    profile: { type: 'string' },
    expectedMessagesPerDay: { type: 'number' },
    enabled: { type: 'boolean' },
    status: {
      type: 'string',
      enum: [...TERMINAL_STATUSES],
      description: 'registration lifecycle: only approved terminals are heard',
    },
    location: {
      type: 'object',
      properties: { lat: { type: 'number' }, lon: { type: 'number' }, altM: { type: 'number' } },
    },
    codec: { type: 'string', description: 'payload codec: a built-in name or user:<id>' },
    transport: { type: 'string', enum: [...TERMINAL_TRANSPORTS], description: 'lorawan (absent) or iridium-sbd' },
    imei: { type: 'string', description: "an Iridium terminal's IMEI" },
    name: { type: 'string', description: 'what people call it' },
    createdAt: { type: 'string' },
  },
} as const;

export const groundStationSchema = {
  $id: 'GroundStation',
  type: 'object',
  required: ['id', 'name', 'lat', 'lon', 'altM', 'enabled', 'tokenRevoked', 'createdAt'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    lat: { type: 'number' },
    lon: { type: 'number' },
    altM: { type: 'number' },
    enabled: { type: 'boolean' },
    tokenRevoked: { type: 'boolean', description: 'its token was revoked (POST …/token issues a new one)' },
    createdAt: { type: 'string' },
  },
} as const;

export const tenantSchema = {
  $id: 'Tenant',
  type: 'object',
  required: ['id', 'name', 'createdAt'],
  properties: { id: { type: 'string' }, name: { type: 'string' }, createdAt: { type: 'string' } },
} as const;
