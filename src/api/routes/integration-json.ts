import type { FastifyRequest } from 'fastify';
import type { Role } from '../../core/model.js';
import { isInternalHost } from '../../integrations/internal-address.js';
import { ADMINS, allow, checkTenant, principalOf, tenantScope } from '../auth.js';
import { SatiotError } from '../../errors/satiot-error.js';
import type { DeliveryService } from '../../core/delivery/delivery-service.js';
import type { IntegrationKind, IntegrationRecord, LoggedAttempt } from '../../core/ports/delivery-store.js';
import { iso } from '../../core/iso-time.js';
import { pageAnswer } from '../schemas/page.js';

/**
 * JSON views shared by the webhook and MQTT integration routes: the two are one record kind in the
 * core, with the same lifecycle and the same delivery log (their schemas: src/api/schemas/integration.ts).
 */

export function attemptJson(a: LoggedAttempt) {
  return {
    deliveryId: a.deliveryId,
    event: a.eventKind,
    attempt: a.attempt,
    outcome: a.outcome,
    durationMs: a.durationMs,
    at: iso(a.at),
    ...(a.messageId !== null ? { messageId: a.messageId } : {}),
    ...(a.statusCode !== null ? { statusCode: a.statusCode } : {}),
    ...(a.error !== null ? { error: a.error } : {}),
  };
}

/**
 * A URL as a regulator sees it: scheme, host and port only. Receivers' paths and queries often carry
 * a secret of the tenant's (a token, a per-tenant path); supervising needs only where events go.
 */
export function targetOnly(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '';
  }
}

/**
 * The fields webhooks and MQTT integrations share, as JSON: for a regulator's request the URL is
 * only its scheme and host (targetOnly); the tenant's keys and operators see all of it.
 */
export function integrationJson(r: IntegrationRecord, req: FastifyRequest) {
  const url = principalOf(req).role === 'regulator' ? targetOnly(r.url) : r.url;
  return {
    id: r.id,
    tenantId: r.tenantId,
    url,
    events: r.events,
    enabled: r.disabledAt === null,
    ...(r.disabledAt !== null ? { disabledAt: iso(r.disabledAt) } : {}),
    ...(r.disabledReason !== null ? { disabledReason: r.disabledReason } : {}),
    consecutiveFailures: r.consecutiveFailures,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

/** The delivery log route of an integration kind (the same for webhooks and MQTT). */
export async function logRoute(
  delivery: DeliveryService,
  kind: IntegrationKind,
  id: string,
  q: { limit: number; cursor?: string },
) {
  const page = await delivery.catalog.attempts(kind, id, { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) });
  return pageAnswer(page, attemptJson);
}

/** Who reads integrations: their tenant's admins, operators and regulators. */
export const INTEGRATION_READERS: readonly Role[] = ['operator', 'tenant-admin', 'regulator'];

/**
 * The tenant an integration is registered for: a tenant key's own when the body names none (naming
 * another answers TENANT_NOT_FOUND, as elsewhere); operators must name one. Only administrators
 * register integrations.
 */
export function registeringTenant(req: FastifyRequest, named: string | undefined): string {
  const tenantId = tenantScope(req, named);
  if (tenantId === undefined) {
    allow(req, ADMINS);
    throw new SatiotError('INVALID_ARGUMENT', 'name the integration\'s "tenantId"');
  }
  checkTenant(req, tenantId, () => new SatiotError('TENANT_NOT_FOUND', `no tenant ${tenantId}`), ADMINS);
  return tenantId;
}

/**
 * Deliveries may not point at the service's own network (internal-address.ts: loopback, private,
 * link-local, unique-local, multicast, IPv4 embedded in IPv6 …) unless the server was started with
 * `--allow-internal-delivery`, for an on-site receiver; the flag is the one rule for every key,
 * operators' included. A host name that resolves to such an address is refused when connecting
 * (the delivery log says `blocked: internal address`).
 */
export function checkDeliveryTarget(delivery: DeliveryService, url: string): void {
  if (delivery.allowsInternalTargets) return;
  let host: string;
  try {
    const raw = new URL(url).hostname;
    // mqtt: URLs keep the host as typed ('127.1', '2130706433'); parsed as http: the WHATWG rules
    // turn such shorthands into the dotted address the resolver would use.
    host = new URL(`http://${raw.includes(':') && !raw.startsWith('[') ? `[${raw}]` : raw}/`).hostname
      .replace(/^\[|\]$/g, '')
      .toLowerCase();
  } catch {
    throw new SatiotError('INTEGRATION_INVALID', `the URL's host cannot be read: ${url}`);
  }
  if (isInternalHost(host)) {
    throw new SatiotError(
      'INTEGRATION_INVALID',
      `deliveries to ${host} are not allowed: it is an internal (loopback, private, link-local or reserved) ` +
        `address; the server must run with --allow-internal-delivery`,
    );
  }
}

export { isInternalHost };
