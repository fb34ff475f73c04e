import { EVENT_KINDS } from '../../core/delivery/delivery-event.js';
import type { FastifyRequest } from 'fastify';
import type { Role } from '../../core/model.js';
import { isInternalHost } from '../../integrations/internal-address.js';
import { principalOf } from '../auth.js';
import { SatiotError } from '../../errors/satiot-error.js';
import type { DeliveryService } from '../../core/delivery/delivery-service.js';
import type { IntegrationKind, IntegrationRecord, LoggedAttempt } from '../../core/ports/delivery-store.js';

/**
 * JSON views and schemas shared by the webhook and MQTT integration routes: the two are one record
 * kind in the core, with the same lifecycle and the same delivery log.
 */

const iso = (ms: number) => new Date(ms).toISOString();

export const eventsSchema = { type: 'array', minItems: 1, maxItems: EVENT_KINDS.length, uniqueItems: true, items: { type: 'string', enum: [...EVENT_KINDS] } } as const;

/** One entry of a delivery log (webhooks and MQTT integrations alike). */
export const attemptSchema = {
  type: 'object', required: ['deliveryId', 'event', 'attempt', 'outcome', 'durationMs', 'at'],
  properties: {
    deliveryId: { type: 'string' }, event: { type: 'string', enum: [...EVENT_KINDS] }, messageId: { type: 'string' },
    attempt: { type: 'integer' }, outcome: { type: 'string', enum: ['delivered', 'retrying', 'failed'] },
    statusCode: { type: 'integer' }, error: { type: 'string' }, durationMs: { type: 'integer' }, at: { type: 'string' },
  },
} as const;

export function attemptJson(a: LoggedAttempt) {
  return {
    deliveryId: a.deliveryId, event: a.eventKind, attempt: a.attempt, outcome: a.outcome, durationMs: a.durationMs, at: iso(a.at),
    ...(a.messageId !== null ? { messageId: a.messageId } : {}), ...(a.statusCode !== null ? { statusCode: a.statusCode } : {}),
    ...(a.error !== null ? { error: a.error } : {}),
  };
}

/** The fields webhooks and MQTT integrations share, as JSON. */
export function integrationJson(r: IntegrationRecord) {
  return {
    id: r.id, tenantId: r.tenantId, url: r.url, events: r.events, enabled: r.disabledAt === null,
    ...(r.disabledAt !== null ? { disabledAt: iso(r.disabledAt) } : {}), ...(r.disabledReason !== null ? { disabledReason: r.disabledReason } : {}),
    consecutiveFailures: r.consecutiveFailures, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt),
  };
}

export const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;
export const enabledBody = { type: 'object', required: ['enabled'], additionalProperties: false, properties: { enabled: { type: 'boolean' } } } as const;
export const listQuery = { type: 'object', additionalProperties: false, properties: { tenantId: { type: 'string', maxLength: 64 } } } as const;
export const logQuery = {
  type: 'object', additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, cursor: { type: 'string', maxLength: 200 } },
} as const;
export const logPage = { type: 'object', required: ['items'], properties: { items: { type: 'array', items: attemptSchema }, nextCursor: { type: 'string' } } } as const;

/** The delivery log route of an integration kind (the same for webhooks and MQTT). */
export async function logRoute(delivery: DeliveryService, kind: IntegrationKind, id: string, q: { limit: number; cursor?: string }) {
  const page = await delivery.catalog.attempts(kind, id, { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) });
  return { items: page.items.map(attemptJson), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

/** Who reads integrations: their tenant's admins, operators and regulators. */
export const INTEGRATION_READERS: readonly Role[] = ['operator', 'tenant-admin', 'regulator'];

/**
 * Tenant keys may not point deliveries at the service's own network: loopback, private, link-local
 * and unique-local addresses and `localhost` are refused (operators may, e.g. for an on-site
 * receiver). A host name that resolves to such an address is not caught here.
 */
export function checkDeliveryTarget(req: FastifyRequest, url: string): void {
  if (principalOf(req).role === 'operator') return;
  let host: string;
  try {
    const raw = new URL(url).hostname;
    // mqtt: URLs keep the host as typed ('127.1', '2130706433'); parsed as http: the WHATWG rules
    // turn such shorthands into the dotted address the resolver would use.
    host = new URL(`http://${raw.includes(':') && !raw.startsWith('[') ? `[${raw}]` : raw}/`).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    throw new SatiotError('INTEGRATION_INVALID', `the URL's host cannot be read: ${url}`);
  }
  if (isInternalHost(host)) throw new SatiotError('INTEGRATION_INVALID', `deliveries to ${host} are not allowed: it is a loopback, private or link-local address`);
}


export { isInternalHost };
