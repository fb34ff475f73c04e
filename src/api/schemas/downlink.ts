import { DOWNLINK_STATES } from '../../core/ports/downlink-store.js';

/** Downlinks as src/api/routes/downlink-routes.ts shows them, and the times its requests take. */

export const isoTime = { type: 'string', maxLength: 40, description: 'ISO 8601' } as const;
export const nullableIso = { type: ['string', 'null'], description: 'ISO 8601' } as const;

const stepSchema = {
  type: 'object',
  required: ['state', 'at'],
  properties: {
    state: { type: 'string', enum: [...DOWNLINK_STATES] },
    at: { type: 'string' },
    stationId: { type: 'string' },
    satelliteId: { type: 'string' },
    eta: { type: 'string' },
    reason: {
      type: 'string',
      description:
        'missed-contact, no-route, replanned, no-tx-ack; the path that took it (terrestrial, directip, ' +
        'directip-queued); or why it failed (an SBD_MT_* code)',
    },
    queuePosition: {
      type: 'integer',
      description: "Iridium: its place in the gateway's queue for the terminal (1..50)",
    },
    autoIdReference: { type: 'integer', description: "Iridium: the gateway's reference for the MT message" },
    mtmsn: { type: 'integer', description: "Iridium: the MT sequence number the terminal's session reported" },
    missedContact: {
      type: 'object',
      properties: {
        stationId: { type: 'string' },
        satelliteId: { type: 'string' },
        start: { type: 'string' },
        end: { type: 'string' },
      },
    },
  },
} as const;

export const downlinkSchema = {
  $id: 'Downlink',
  type: 'object',
  required: [
    'id',
    'tenantId',
    'devEui',
    'fPort',
    'confirmed',
    'priority',
    'state',
    'eta',
    'fCntDown',
    'createdAt',
    'expiresAt',
    'history',
  ],
  properties: {
    id: { type: 'string' },
    tenantId: { type: 'string' },
    devEui: { type: 'string' },
    fPort: { type: 'integer' },
    payload: {
      type: 'string',
      description: 'application payload, base64 (left out for regulators unless the deployment allows them payloads)',
    },
    confirmed: { type: 'boolean' },
    priority: { type: 'string', enum: ['normal', 'emergency'] },
    state: { type: 'string', enum: [...DOWNLINK_STATES] },
    eta: {
      ...nullableIso,
      description: 'when the frame reaches the terminal: planned, or reported once transmitted; null without a route',
    },
    fCntDown: { type: ['integer', 'null'], description: 'the frame counter, given when first scheduled' },
    createdAt: { type: 'string' },
    expiresAt: { type: 'string' },
    alarmId: { type: 'string', description: 'the rule alarm that asked for it' },
    route: {
      type: 'object',
      properties: {
        stationId: { type: 'string' },
        satelliteId: { type: 'string' },
        contactStart: { type: 'string' },
        contactEnd: { type: 'string' },
        uploadAt: { type: 'string' },
        deliveryStart: nullableIso,
        deliveryEnd: nullableIso,
      },
    },
    history: {
      type: 'array',
      items: stepSchema,
      description: 'every state the downlink entered, with its time, oldest first',
    },
  },
} as const;
