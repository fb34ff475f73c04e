import type { FastifyRequest } from 'fastify';
import type { AccessControl, Principal } from '../core/access-control.js';
import type { Role } from '../core/model.js';
import type { AuditActor } from '../core/ports/audit-log.js';
import type { GroundStationRecord } from '../core/model.js';
import type { Provisioning } from '../core/provisioning.js';
import { matchesHash } from '../core/provisioning.js';
import { SatiotError } from '../errors/satiot-error.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticate` on routes behind an API key. */
    principal?: Principal;
  }
}

/** The bearer token of a request, or undefined. */
export function bearerToken(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h.trim());
  return m?.[1];
}

/**
 * The ground station a request's bearer token names, looked up once per request: the gateway route
 * and the audit hook both ask, and tokens are read from the store (no cache: a revoked or rotated
 * token ends on every node at once).
 */
const stations = new WeakMap<FastifyRequest, Promise<GroundStationRecord | undefined>>();
export function stationOf(
  provisioning: Pick<Provisioning, 'stationForToken'>,
  req: FastifyRequest,
): Promise<GroundStationRecord | undefined> {
  let s = stations.get(req);
  if (!s) stations.set(req, (s = provisioning.stationForToken(bearerToken(req))));
  return s;
}

/**
 * Whether a request says it came through a proxy (`X-Forwarded-For`, `Forwarded`), trusted or not: such
 * a request is never taken for one from this machine (a local proxy would make every client look local).
 */
export function forwarded(req: FastifyRequest): boolean {
  return req.headers['x-forwarded-for'] !== undefined || req.headers['forwarded'] !== undefined;
}

/** A preHandler that admits any valid API key (or the bootstrap operator key) and records who it is. */
export function authenticate(access: AccessControl) {
  return async (req: FastifyRequest): Promise<void> => {
    const p = await access.authenticate(bearerToken(req));
    if (!p)
      throw new SatiotError(
        'UNAUTHORIZED',
        'this route needs an API key as "Authorization: Bearer <key>" (unknown, revoked and expired keys are refused)',
      );
    req.principal = p;
  };
}

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new SatiotError('UNAUTHORIZED', 'this route needs an API key');
  return req.principal;
}

/** The audit actor of an authenticated request: the bootstrap key is `operator`, others `api-key` with their id. */
export function actorOf(req: FastifyRequest): AuditActor {
  const p = principalOf(req);
  return p.keyId === null
    ? { kind: 'operator', role: 'operator' }
    : { kind: 'api-key', id: p.keyId, role: p.role, ...(p.tenantId ? { tenantId: p.tenantId } : {}) };
}

/** Roles that change a tenant's configuration. */
export const ADMINS: readonly Role[] = ['operator', 'tenant-admin'];
/** Roles that read a tenant's data and send downlinks. */
export const MEMBERS: readonly Role[] = ['operator', 'tenant-admin', 'tenant-user'];
/** Every role (reads: regulators read across tenants). */
export const READERS: readonly Role[] = ['operator', 'tenant-admin', 'tenant-user', 'regulator'];
/** The service's own infrastructure (stations, satellites, ingest statistics). */
export const SUPERVISORS: readonly Role[] = ['operator', 'regulator'];

/** Throws FORBIDDEN unless the caller has one of `roles`. */
export function allow(req: FastifyRequest, roles: readonly Role[]): Principal {
  const p = principalOf(req);
  if (!roles.includes(p.role)) throw new SatiotError('FORBIDDEN', `a ${p.role} key may not do this`);
  return p;
}

/** Operators and regulators see every tenant; tenant keys their own. */
export function seesTenant(p: Principal, tenantId: string): boolean {
  return p.tenantId === null || p.tenantId === tenantId;
}

/**
 * Checks a resource's tenant before any role check: another tenant's resource answers as if it did
 * not exist (`notFound`: 404), so ids never leak; then `roles` decides (403).
 */
export function checkTenant(
  req: FastifyRequest,
  tenantId: string,
  notFound: () => SatiotError,
  roles: readonly Role[] = READERS,
): Principal {
  const p = principalOf(req);
  if (!seesTenant(p, tenantId)) throw notFound();
  return allow(req, roles);
}

/**
 * The tenant a listing is limited to: a tenant key's own (asking for another answers
 * TENANT_NOT_FOUND); for operators and regulators the one asked for, or none (all tenants).
 */
export function tenantScope(req: FastifyRequest, requested: string | undefined): string | undefined {
  const p = principalOf(req);
  if (p.tenantId === null) return requested;
  if (requested !== undefined && requested !== p.tenantId)
    throw new SatiotError('TENANT_NOT_FOUND', `no tenant ${requested}`);
  return p.tenantId;
}

/**
 * A preHandler that admits only the bootstrap operator key. Kept for plugins that have not moved to
 * API keys yet.
 */
export function requireOperator(adminKeyHash: string) {
  return async (req: FastifyRequest): Promise<void> => {
    const token = bearerToken(req);
    if (!token || !matchesHash(token, adminKeyHash))
      throw new SatiotError('UNAUTHORIZED', 'this route needs the operator key as "Authorization: Bearer <key>"');
  };
}

/** An operation's OpenAPI security: a bearer API key (spread into a route's schema). */
export const secured = { security: [{ apiKey: [] }] };
