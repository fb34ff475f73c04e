import { TERMINAL_STATUSES } from '../../core/model.js';

/** Registrations (src/api/routes/registration-routes.ts). */

/** A registration as shown: the identity number only masked, and only to operators and the tenant's admins. */
export const registrationSchema = {
  $id: 'Registration',
  type: 'object',
  required: ['terminalId', 'tenantId', 'devEui', 'status', 'declared', 'scenario', 'createdAt'],
  properties: {
    terminalId: { type: 'string' },
    tenantId: { type: 'string' },
    devEui: { type: 'string' },
    status: { type: 'string', enum: [...TERMINAL_STATUSES] },
    statusReason: { type: 'string' },
    statusBy: { type: 'string' },
    statusAt: { type: 'string' },
    declared: {
      type: 'boolean',
      description: 'false: registered before declarations; scenario derives from the terminal record',
    },
    owner: {
      type: 'object',
      properties: {
        kind: { type: 'string' },
        name: { type: 'string' },
        idType: { type: 'string' },
        idNumberMasked: { type: 'string' },
      },
    },
    scenario: {
      type: 'object',
      properties: {
        sector: { type: 'string' },
        mobility: { type: 'string' },
        expectedMessagesPerDay: { type: 'number' },
        region: {
          type: 'object',
          properties: {
            type: { type: 'string' },
            coordinates: {
              type: 'array',
              items: { type: 'array', items: { type: 'array', items: { type: 'number' } } },
            },
          },
        },
      },
    },
    binding: { type: 'object', properties: { hardwareId: { type: 'string' }, imei: { type: 'string' } } },
    createdAt: { type: 'string' },
    declaredAt: { type: 'string' },
  },
} as const;
