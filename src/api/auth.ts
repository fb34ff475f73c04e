import type { FastifyRequest } from 'fastify';
import { matchesHash } from '../core/provisioning.js';
import { SatiotError } from '../errors/satiot-error.js';

/** The bearer token of a request, or undefined. */
export function bearerToken(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h.trim());
  return m?.[1];
}

/**
 * A preHandler that admits only the operator key (its SHA-256 is all the server keeps). Issue-level
 * roles and tenant keys build on this.
 */
export function requireOperator(adminKeyHash: string) {
  return async (req: FastifyRequest): Promise<void> => {
    const token = bearerToken(req);
    if (!token || !matchesHash(token, adminKeyHash)) throw new SatiotError('UNAUTHORIZED', 'this route needs the operator key as "Authorization: Bearer <key>"');
  };
}
