import { EVENT_KINDS } from '../../core/delivery/delivery-event.js';
import { ref } from './ref.js';

/**
 * Webhooks and MQTT integrations: one record kind in the core, with the same lifecycle and the same
 * delivery log, so their schemas share their fields (src/api/routes/webhook-routes.ts and
 * integration-routes.ts; the JSON views are in routes/integration-json.ts).
 */

/** The events an integration receives (a request's and a response's). */
export const eventsSchema = {
  type: 'array',
  minItems: 1,
  maxItems: EVENT_KINDS.length,
  uniqueItems: true,
  items: { type: 'string', enum: [...EVENT_KINDS] },
} as const;

/** Where an integration delivers and what: first in both kinds. */
const targetProperties = {
  id: { type: 'string' },
  tenantId: { type: 'string' },
  url: { type: 'string' },
  events: eventsSchema,
} as const;
/** Whether it is enabled, why not, and when it changed: last in both kinds. */
const stateProperties = {
  enabled: { type: 'boolean' },
  disabledAt: { type: 'string' },
  disabledReason: { type: 'string' },
  consecutiveFailures: { type: 'integer' },
  createdAt: { type: 'string' },
  updatedAt: { type: 'string' },
} as const;
const TARGET_REQUIRED = ['id', 'tenantId', 'url', 'events'] as const;
const STATE_REQUIRED = ['enabled', 'consecutiveFailures', 'createdAt', 'updatedAt'] as const;

/** A webhook as the API shows it: never its secret (the response schema drops anything not listed). */
export const webhookSchema = {
  $id: 'Webhook',
  type: 'object',
  required: [...TARGET_REQUIRED, ...STATE_REQUIRED],
  properties: { ...targetProperties, ...stateProperties },
} as const;

/** An MQTT integration as the API shows it: never the password, only whether there is one. */
export const mqttIntegrationSchema = {
  $id: 'MqttIntegration',
  type: 'object',
  required: [...TARGET_REQUIRED, 'topicPrefix', 'hasPassword', ...STATE_REQUIRED],
  properties: {
    ...targetProperties,
    username: { type: 'string' },
    hasPassword: { type: 'boolean' },
    topicPrefix: { type: 'string' },
    ...stateProperties,
  },
} as const;

/** One entry of a delivery log (webhooks and MQTT integrations alike). */
export const deliveryAttemptSchema = {
  $id: 'DeliveryAttempt',
  type: 'object',
  required: ['deliveryId', 'event', 'attempt', 'outcome', 'durationMs', 'at'],
  properties: {
    deliveryId: { type: 'string' },
    event: { type: 'string', enum: [...EVENT_KINDS] },
    messageId: { type: 'string' },
    attempt: { type: 'integer' },
    outcome: { type: 'string', enum: ['delivered', 'retrying', 'failed'] },
    statusCode: { type: 'integer' },
    error: { type: 'string' },
    durationMs: { type: 'integer' },
    at: { type: 'string' },
  },
} as const;

/** A page of a delivery log, newest attempt first. */
export const deliveryLogSchema = {
  $id: 'DeliveryLog',
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: ref(deliveryAttemptSchema) }, nextCursor: { type: 'string' } },
} as const;

// The requests both kinds take (path and query parameters are expanded in the OpenAPI document,
// so these stay plain schemas, not references).

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;
export const enabledBody = {
  type: 'object',
  required: ['enabled'],
  additionalProperties: false,
  properties: { enabled: { type: 'boolean' } },
} as const;
export const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { tenantId: { type: 'string', maxLength: 64 } },
} as const;
export const logQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    cursor: { type: 'string', maxLength: 200 },
  },
} as const;
/** The tenant a registering request names (a tenant key's own by default). */
export const registeringTenantProperty = {
  type: 'string',
  maxLength: 64,
  description: 'Default: the tenant of a tenant key (operators name one)',
} as const;
