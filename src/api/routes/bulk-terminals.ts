import type { FastifyRequest } from 'fastify';
import type { Core } from '../../core/core.js';
import type { NewTerminal } from '../../core/provisioning.js';
import { isSatiotError, SatiotError } from '../../errors/satiot-error.js';
import { actorOf, ADMINS, allow, checkTenant } from '../auth.js';

/** Most terminals one bulk request (JSON or CSV) creates: 100,000 (a larger fleet goes in parts). */
export const MAX_BULK_TERMINALS = 100_000;

/** One row's outcome: `at` is the CSV line or the JSON array index. */
export type BulkResult =
  | { readonly at: number; readonly devEui: string; readonly status: 'created'; readonly id: string }
  | {
      readonly at: number;
      readonly devEui?: string;
      readonly status: 'rejected';
      readonly code: string;
      readonly message: string;
    };

/** A row read from the request: the terminal, or why the row cannot become one. */
export type BulkRow =
  | { readonly at: number; readonly terminal: NewTerminal }
  | { readonly at: number; readonly devEui?: string; readonly error: SatiotError };

/**
 * Creates the rows' terminals for the caller in one bulk call (src/core/provisioning.ts): the
 * caller's role is checked once (a tenant's admins and operators); a row of a tenant the caller
 * cannot see, or that does not read as a terminal, is rejected on its own, as every other row that
 * fails. Each row is registered under the policy and audited as a single registration is.
 */
export async function createInBulk(
  core: Core,
  req: FastifyRequest,
  rows: readonly BulkRow[],
): Promise<{ created: number; rejected: number; results: BulkResult[] }> {
  allow(req, ADMINS);
  const results: BulkResult[] = new Array(rows.length);
  const todo: Array<{ index: number; terminal: NewTerminal }> = [];
  for (const [i, r] of rows.entries()) {
    if ('error' in r) {
      results[i] = rejected(r.at, r.devEui, r.error);
      continue;
    }
    try {
      checkTenant(
        req,
        r.terminal.tenantId,
        () => new SatiotError('TENANT_NOT_FOUND', `no tenant ${r.terminal.tenantId}`),
        ADMINS,
      );
      todo.push({ index: i, terminal: r.terminal });
    } catch (e) {
      if (!isSatiotError(e)) throw e;
      results[i] = rejected(r.at, r.terminal.devEui, e);
    }
  }
  const out = await core.registration.createTerminals(
    todo.map((t) => t.terminal),
    actorOf(req),
  );
  let created = 0;
  out.forEach((o, k) => {
    const { index, terminal } = todo[k]!;
    const at = rows[index]!.at;
    if (o instanceof SatiotError) {
      results[index] = rejected(at, terminal.devEui, o);
    } else {
      results[index] = { at, devEui: o.devEui, status: 'created', id: o.id };
      created++;
    }
  });
  return { created, rejected: rows.length - created, results };
}

function rejected(at: number, devEui: string | undefined, e: SatiotError): BulkResult {
  return {
    at,
    ...(typeof devEui === 'string' && devEui !== '' ? { devEui } : {}),
    status: 'rejected',
    code: e.code,
    message: e.message,
  };
}
