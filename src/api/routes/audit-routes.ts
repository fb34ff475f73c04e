import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Core } from '../../core/core.js';
import type { AccessControl, Principal } from '../../core/access-control.js';
import type { AuditRecord } from '../../core/ports/audit-store.js';
import type { AuditOutcome } from '../../core/ports/audit-log.js';
import { authenticate, allow, tenantScope, SUPERVISORS, secured } from '../auth.js';
import { errorRef } from '../schemas/index.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { ChainedAuditLog } from '../../supervision/audit-log.js';
import { verifyStoredChain } from '../../supervision/audit-verifier.js';
import { exportAudit } from '../../supervision/audit-export.js';
import type { Role } from '../../core/model.js';
import { pageAnswer, pageOf } from '../schemas/page.js';

/** Who reads the audit log: supervisors everywhere, a tenant's administrators their own tenant's records. */
const AUDIT_READERS: readonly Role[] = ['operator', 'regulator', 'tenant-admin'];
/** Longest export window: 366 days. */
const MAX_EXPORT_MS = 366 * 86_400_000;

const actorSchema = {
  type: 'object',
  required: ['kind'],
  properties: {
    kind: { type: 'string' },
    id: { type: 'string' },
    role: { type: 'string' },
    tenantId: { type: 'string' },
  },
} as const;

export const auditRecordSchema = {
  type: 'object',
  required: ['seq', 'at', 'actor', 'action', 'outcome', 'hash'],
  properties: {
    seq: { type: 'integer' },
    at: { type: 'string', description: 'ISO 8601' },
    actor: actorSchema,
    action: { type: 'string' },
    target: {
      type: 'object',
      required: ['kind', 'id'],
      properties: { kind: { type: 'string' }, id: { type: 'string' }, tenantId: { type: 'string' } },
    },
    outcome: { type: 'string', enum: ['ok', 'denied', 'failed'] },
    details: {
      type: 'object',
      additionalProperties: true,
      description:
        "route, status, error code, ids; for regulators, tenants' details are redacted unless the " +
        'deployment allows them',
    },
    sourceIp: { type: 'string' },
    tenantId: { type: 'string' },
    alg: { type: 'string', enum: ['sha256', 'sm3'] },
    hash: { type: 'string', description: "the record's chain hash (hex)" },
    redacted: { type: 'boolean', description: 'details and source address left out by the regulator policy' },
  },
} as const;

/**
 * A record as a caller may see it. Regulators see every tenant's records, but a tenant's details and
 * source addresses only when the deployment lets regulators see tenant data (`regulatorSeesPayloads`):
 * the fields that stay (who, what, when, outcome, hash) are what supervision needs.
 */
export function auditJson(r: AuditRecord, p: Principal, access: AccessControl) {
  const redact = p.role === 'regulator' && r.tenantId !== undefined && !access.seesPayloads(p);
  // A tenant reads records filed under it, including another tenant's probes of its resources and
  // operators' actions on them: it learns that someone tried or acted and in which role, never who
  // (key id, tenant, address). The service's own components (`system`) keep their names.
  const stranger = p.tenantId !== null && r.actor.kind !== 'system' && r.actor.tenantId !== p.tenantId;
  const actor = stranger ? { kind: r.actor.kind, ...(r.actor.role ? { role: r.actor.role } : {}) } : r.actor;
  return {
    seq: r.seq,
    at: new Date(r.at).toISOString(),
    actor,
    action: r.action,
    ...(r.target ? { target: r.target } : {}),
    outcome: r.outcome,
    ...(!redact && r.details ? { details: r.details } : {}),
    ...(!redact && !stranger && r.sourceIp ? { sourceIp: r.sourceIp } : {}),
    ...(r.tenantId !== undefined ? { tenantId: r.tenantId } : {}),
    alg: r.alg,
    hash: r.hash,
    ...(redact ? { redacted: true } : {}),
  };
}

function timeOf(s: string | undefined, name: string): number | undefined {
  if (s === undefined) return undefined;
  const t = Date.parse(s);
  if (!Number.isFinite(t)) throw new SatiotError('INVALID_TIME', `${name} is not a date-time`);
  return t;
}

function auditLogOf(core: Core): ChainedAuditLog | undefined {
  return core.audit instanceof ChainedAuditLog ? core.audit : undefined;
}

/** The audit log over the API: listing, a verifiable export, and verification. */
export function auditRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));

    app.get<{
      Querystring: {
        tenantId?: string;
        from?: string;
        to?: string;
        action?: string;
        outcome?: AuditOutcome;
        limit: number;
        cursor?: string;
      };
    }>(
      '/api/v1/audit',
      {
        schema: {
          summary:
            'Audit records, newest first (operators and regulators: all tenants; tenant administrators: their own)',
          tags: ['supervision'],
          ...secured,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              tenantId: { type: 'string', maxLength: 64 },
              from: { type: 'string', format: 'date-time' },
              to: { type: 'string', format: 'date-time' },
              action: {
                type: 'string',
                maxLength: 100,
                description: "exact action, or a prefix ending in '.' (terminal.)",
              },
              outcome: { type: 'string', enum: ['ok', 'denied', 'failed'] },
              limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
              cursor: { type: 'string', maxLength: 200 },
            },
          },
          response: {
            200: pageOf(auditRecordSchema),
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        // Another tenant answers as if it did not exist (404) before any role check (403).
        const tenantId = tenantScope(req, req.query.tenantId);
        const p = allow(req, AUDIT_READERS);
        const q = req.query;
        const from = timeOf(q.from, 'from');
        const to = timeOf(q.to, 'to');
        const page = await core.auditRecords.list({
          limit: q.limit,
          ...(tenantId !== undefined ? { tenantId } : {}),
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          ...(q.action !== undefined ? { action: q.action } : {}),
          ...(q.outcome !== undefined ? { outcome: q.outcome } : {}),
          ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
        });
        return pageAnswer(page, (r) => auditJson(r, p, access));
      },
    );

    app.get<{ Querystring: { from: string; to: string } }>(
      '/api/v1/audit/export',
      {
        schema: {
          summary:
            'Audit records of a time range as JSON lines with the chain anchor and signed checkpoints ' +
            '(operators: verifiable with `satiot audit verify --file`; regulators: redacted per policy)',
          tags: ['supervision'],
          ...secured,
          querystring: {
            type: 'object',
            required: ['from', 'to'],
            additionalProperties: false,
            properties: { from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' } },
          },
          response: { 200: { type: 'string', description: 'application/x-ndjson' }, '4xx': errorRef },
        },
      },
      async (req, reply) => {
        const p = allow(req, SUPERVISORS);
        const from = timeOf(req.query.from, 'from')!;
        const to = timeOf(req.query.to, 'to')!;
        if (!(to > from) || to - from > MAX_EXPORT_MS)
          throw new SatiotError('INVALID_TIME', 'to must be after from, at most 366 days later');
        // Streamed line by line: a half-year window holds millions of records.
        const source = exportAudit(core.auditRecords, from, to, auditLogOf(core)?.verifierKey, core.clock.now());
        async function* ndjson(): AsyncGenerator<string> {
          for await (const line of source) {
            if (line.type === 'record' && p.role === 'regulator') {
              const { type: _t, inRange, ...r } = line;
              yield `${JSON.stringify({ type: 'record', inRange, ...auditJson(r, p, access) })}\n`;
            } else {
              yield `${JSON.stringify(line)}\n`;
            }
          }
        }
        void reply.header('content-type', 'application/x-ndjson; charset=utf-8');
        return reply.send(Readable.from(ndjson()));
      },
    );

    app.get(
      '/api/v1/audit/verify',
      {
        schema: {
          summary:
            'Verify the whole audit chain now (operators): hashes, signed checkpoints and their cadence, ' +
            'the anchor of pruned records; `warning` says what an unpinned key does not prove',
          tags: ['supervision'],
          ...secured,
          response: {
            200: {
              type: 'object',
              required: ['ok', 'records', 'checkpointsVerified'],
              properties: {
                ok: { type: 'boolean' },
                records: { type: 'integer' },
                firstSeq: { type: 'integer' },
                lastSeq: { type: 'integer' },
                checkpointsVerified: { type: 'integer' },
                checkpointsUnchecked: { type: 'integer' },
                unsignedTail: { type: 'integer' },
                broken: {
                  type: 'object',
                  properties: {
                    seq: { type: 'integer' },
                    reason: { type: 'string' },
                    message: { type: 'string' },
                    expected: { type: 'string' },
                    found: { type: 'string' },
                  },
                },
                keySource: {
                  type: 'string',
                  enum: ['pinned', 'environment', 'data-dir', 'signer', 'export-file', 'none'],
                  description:
                    'where the trusted public key came from; only pinned (--audit-public-key) holds against ' +
                    'someone who controls the data',
                },
                warning: {
                  type: 'string',
                  description: 'what the verification does not prove (the key was not pinned)',
                },
              },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req: FastifyRequest) => {
        allow(req, ['operator']);
        const log = auditLogOf(core);
        return verifyStoredChain(core.auditRecords, log?.trust, {
          now: core.clock.now(),
          ...(log
            ? {
                retentionMs: log.retentionDays * 86_400_000,
                checkpointEvery: log.checkpointEvery,
                checkpointIntervalMs: log.checkpointIntervalMs,
              }
            : {}),
        });
      },
    );
  };
}
