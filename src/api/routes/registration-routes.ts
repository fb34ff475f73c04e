import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Core } from '../../core/core.js';
import type { AccessControl, Principal } from '../../core/access-control.js';
import { TERMINAL_STATUSES } from '../../core/model.js';
import { ID_DOCUMENT_TYPES } from '../../core/registration-identity.js';
import {
  TRANSITIONS,
  type LifecycleAction,
  type NewRegistration,
  type Registration,
  type RegistrationDetails,
} from '../../core/registration.js';
import { isSatiotError, SatiotError } from '../../errors/satiot-error.js';
import { parseRegistrationCsv, REGISTRATION_CSV_COLUMNS } from '../../supervision/registration-csv.js';
import { registrationReport } from '../../supervision/registration-report.js';
import {
  actorOf,
  ADMINS,
  allow,
  authenticate,
  checkTenant,
  READERS,
  SUPERVISORS,
  tenantScope,
  secured,
} from '../auth.js';
import { errorRef, ref } from '../schemas/index.js';
import { registrationSchema } from '../schemas/registration.js';
import { registrationImportResultSchema, registrationRowResultSchema } from '../schemas/bulk.js';
import { terminalFromRow } from './csv-routes.js';
import { newTerminalProperties } from './provisioning-routes.js';
import { iso } from '../../core/iso-time.js';
import { pageAnswer, pageOf } from '../schemas/page.js';

const ACTIONS = Object.keys(TRANSITIONS) as LifecycleAction[];
/** Most decisions one bulk review takes. */
export const MAX_REVIEW_BATCH = 1000;

const scenarioProps = {
  sector: { type: 'string', minLength: 1, maxLength: 40, description: 'water, power, logistics, … (lower case)' },
  mobility: { type: 'string', enum: ['fixed', 'mobile'] },
  region: {
    type: 'object',
    description: 'GeoJSON Polygon ([lon, lat] positions) where the terminal is expected to be heard',
    required: ['type', 'coordinates'],
    properties: {
      type: { type: 'string', enum: ['Polygon'] },
      coordinates: {
        type: 'array',
        maxItems: 50,
        items: {
          type: 'array',
          maxItems: 2000,
          items: { type: 'array', minItems: 2, maxItems: 3, items: { type: 'number' } },
        },
      },
    },
    additionalProperties: false,
  },
  expectedMessagesPerDay: { type: 'number', minimum: 0, maximum: 100000 },
} as const;
const detailsProps = {
  owner: {
    type: 'object',
    required: ['kind', 'name', 'idType', 'idNumber'],
    additionalProperties: false,
    properties: {
      kind: { type: 'string', enum: ['organisation', 'person'] },
      name: { type: 'string', minLength: 1, maxLength: 200 },
      idType: { type: 'string', enum: [...ID_DOCUMENT_TYPES] },
      idNumber: {
        type: 'string',
        minLength: 1,
        maxLength: 64,
        description: 'sealed under the master key; shown masked, and only to operators and tenant admins',
      },
    },
  },
  scenario: {
    type: 'object',
    required: ['sector', 'mobility', 'expectedMessagesPerDay'],
    additionalProperties: false,
    properties: scenarioProps,
  },
  binding: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    description: 'hardwareId defaults to the IMEI; one hardware id is bound to one terminal',
    properties: {
      hardwareId: { type: 'string', minLength: 4, maxLength: 64 },
      imei: { type: 'string', pattern: '^[0-9]{15}$', description: '15 digits, Luhn check digit last' },
    },
  },
} as const;

const stateCounts = {
  type: 'object',
  properties: Object.fromEntries(TERMINAL_STATUSES.map((s) => [s, { type: 'integer' }])),
} as const;

/** What `p` may see of a registration: identity numbers (masked) only for operators and tenant admins. */
export function registrationJson(r: Registration, p: Principal): Record<string, unknown> {
  const { owner, statusAt, createdAt, declaredAt, ...rest } = r;
  const seesId = p.role === 'operator' || p.role === 'tenant-admin';
  return {
    ...rest,
    ...(owner ? { owner: seesId ? owner : { kind: owner.kind, name: owner.name, idType: owner.idType } } : {}),
    ...(statusAt !== undefined ? { statusAt: iso(statusAt) } : {}),
    createdAt: iso(createdAt),
    ...(declaredAt !== undefined ? { declaredAt: iso(declaredAt) } : {}),
  };
}

/**
 * Registration and lifecycle: tenants register and declare their terminals; operators review
 * (approve, reject, suspend, reinstate, retire — one at a time or in bulk); regulators read the
 * supervision report. Another tenant's terminal answers 404, as if it did not exist.
 */
export function registrationRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: 8 * 1024 * 1024 }, (_req, body, done) =>
      done(null, body),
    );
    app.addHook('preHandler', authenticate(access));
    const devEuiParams = { type: 'object', properties: { devEui: { type: 'string', maxLength: 32 } } } as const;

    /** The terminal's registration after the tenant check (404 for another tenant's). */
    const visible = async (
      req: FastifyRequest,
      devEui: string,
      roles = READERS,
    ): Promise<{ r: Registration; p: Principal }> => {
      const notFound = () => new SatiotError('TERMINAL_NOT_FOUND', `no terminal ${devEui}`);
      const r = await core.registration.get(devEui);
      if (!r) throw notFound();
      return { r, p: checkTenant(req, r.tenantId, notFound, roles) };
    };

    app.post<{ Body: NewRegistration }>(
      '/api/v1/registrations',
      {
        schema: {
          summary:
            "Register a terminal with its owner, usage scenario and device binding (an operator's is " +
            "approved at once; a tenant's waits for review when the deployment requires it)",
          tags: ['registration'],
          ...secured,
          body: {
            type: 'object',
            required: ['tenantId', 'devEui', 'devAddr', 'nwkSKey', 'appSKey', 'owner', 'scenario', 'binding'],
            additionalProperties: false,
            properties: {
              ...newTerminalProperties,
              codec: { type: 'string', minLength: 1, maxLength: 80 },
              ...detailsProps,
            },
          },
          response: { 201: ref(registrationSchema), '4xx': errorRef },
        },
      },
      async (req, reply) => {
        const p = checkTenant(
          req,
          req.body.tenantId,
          () => new SatiotError('TENANT_NOT_FOUND', `no tenant ${req.body.tenantId}`),
          ADMINS,
        );
        const r = await core.registration.register(req.body, actorOf(req));
        return reply.status(201).send(registrationJson(r, p));
      },
    );

    app.get<{ Params: { devEui: string } }>(
      '/api/v1/terminals/:devEui/registration',
      {
        schema: {
          summary: "A terminal's registration and lifecycle state",
          tags: ['registration'],
          ...secured,
          params: devEuiParams,
          response: { 200: ref(registrationSchema), '4xx': errorRef },
        },
      },
      async (req) => {
        const { r, p } = await visible(req, req.params.devEui);
        return registrationJson(r, p);
      },
    );

    app.put<{ Params: { devEui: string }; Body: RegistrationDetails }>(
      '/api/v1/terminals/:devEui/registration',
      {
        schema: {
          summary:
            "Declare (or replace) a terminal's owner, scenario and binding; under review policy a tenant's " +
            'change sends an approved terminal back to pending',
          tags: ['registration'],
          ...secured,
          params: devEuiParams,
          body: {
            type: 'object',
            required: ['owner', 'scenario', 'binding'],
            additionalProperties: false,
            properties: detailsProps,
          },
          response: { 200: ref(registrationSchema), '4xx': errorRef },
        },
      },
      async (req) => {
        const { p } = await visible(req, req.params.devEui, ADMINS);
        return registrationJson(await core.registration.declare(req.params.devEui, req.body, actorOf(req)), p);
      },
    );

    app.post<{ Params: { devEui: string }; Body: { action: LifecycleAction; reason?: string } }>(
      '/api/v1/terminals/:devEui/lifecycle',
      {
        schema: {
          summary:
            `Change a terminal's lifecycle state (operators): ` +
            `${ACTIONS.map((a) => `${a}: ${TRANSITIONS[a].from.join('|')} → ${TRANSITIONS[a].to}`).join('; ')}` +
            `. Illegal changes are 409 INVALID_TRANSITION; retired is final`,
          tags: ['registration'],
          ...secured,
          params: devEuiParams,
          body: {
            type: 'object',
            required: ['action'],
            additionalProperties: false,
            properties: {
              action: { type: 'string', enum: ACTIONS },
              reason: { type: 'string', maxLength: 500, description: 'required to reject, suspend or retire' },
            },
          },
          response: { 200: ref(registrationSchema), '4xx': errorRef },
        },
      },
      async (req) => {
        const { p } = await visible(req, req.params.devEui);
        // The service refuses (and audits) non-operators: a tenant cannot approve its own terminal.
        const r = await core.registration.transition(req.body.action, req.params.devEui, actorOf(req), req.body.reason);
        return registrationJson(r, p);
      },
    );

    app.post<{ Params: { devEui: string } }>(
      '/api/v1/terminals/:devEui/counters/reset',
      {
        schema: {
          summary:
            "Reset a LoRaWAN terminal's uplink counters (operators): an ABP terminal that restarted " +
            'counting from 0 is heard again; its earlier messages are kept, stored apart (docs/security.md). ' +
            'Audited as terminal.counters-reset',
          tags: ['registration'],
          ...secured,
          params: devEuiParams,
          response: {
            200: {
              type: 'object',
              required: ['devEui', 'epoch', 'previousTop'],
              additionalProperties: false,
              properties: {
                devEui: { type: 'string' },
                epoch: {
                  type: 'integer',
                  description: 'resets so far: new messages are stored under counter epoch × 2^32 + FCnt',
                },
                previousTop: { type: 'integer', description: 'highest counter accepted before the reset (-1: none)' },
              },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        await visible(req, req.params.devEui);
        // The service refuses (and audits) non-operators: a reset makes the terminal's old frames acceptable again.
        return core.registration.resetCounters(req.params.devEui, actorOf(req));
      },
    );

    app.get<{ Querystring: { tenantId?: string; limit: number; cursor?: string } }>(
      '/api/v1/registrations/review-queue',
      {
        schema: {
          summary: 'Terminals waiting for review (operators), oldest first',
          tags: ['registration'],
          ...secured,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              tenantId: { type: 'string', maxLength: 64 },
              limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
              cursor: { type: 'string', maxLength: 200 },
            },
          },
          response: {
            200: pageOf(ref(registrationSchema)),
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        const p = allow(req, ['operator']);
        const q = await core.registration.reviewQueue({
          limit: req.query.limit,
          ...(req.query.tenantId ? { tenantId: req.query.tenantId } : {}),
          ...(req.query.cursor ? { cursor: req.query.cursor } : {}),
        });
        return pageAnswer(q, (r) => registrationJson(r, p));
      },
    );

    app.post<{ Body: { action: 'approve' | 'reject'; devEuis: string[]; reason?: string } }>(
      '/api/v1/registrations/review',
      {
        schema: {
          summary:
            `Approve or reject many pending terminals at once (operators; at most ${MAX_REVIEW_BATCH}); each ` +
            `succeeds or fails on its own`,
          tags: ['registration'],
          ...secured,
          body: {
            type: 'object',
            required: ['action', 'devEuis'],
            additionalProperties: false,
            properties: {
              action: { type: 'string', enum: ['approve', 'reject'] },
              devEuis: {
                type: 'array',
                minItems: 1,
                maxItems: MAX_REVIEW_BATCH,
                items: { type: 'string', maxLength: 32 },
              },
              reason: { type: 'string', maxLength: 500 },
            },
          },
          response: {
            200: {
              type: 'object',
              required: ['done', 'failed', 'results'],
              properties: {
                done: { type: 'integer' },
                failed: { type: 'integer' },
                results: { type: 'array', items: ref(registrationRowResultSchema) },
              },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        allow(req, ['operator']);
        const by = actorOf(req);
        const results = [];
        for (const devEui of req.body.devEuis) {
          try {
            const r = await core.registration.transition(req.body.action, devEui, by, req.body.reason);
            results.push({ devEui: r.devEui, status: r.status });
          } catch (e) {
            if (!isSatiotError(e)) throw e;
            results.push({ devEui: devEui.toLowerCase(), status: 'failed', code: e.code, message: e.message });
          }
        }
        const failed = results.filter((r) => r.status === 'failed').length;
        return { done: results.length - failed, failed, results };
      },
    );

    app.post<{ Querystring: { tenantId: string }; Body: string }>(
      '/api/v1/registrations/import',
      {
        schema: {
          summary:
            `Register many terminals with their declarations from CSV (header row; columns ` +
            `${REGISTRATION_CSV_COLUMNS.join(', ')}); each row succeeds or fails on its own`,
          tags: ['registration'],
          ...secured,
          consumes: ['text/csv'],
          querystring: {
            type: 'object',
            required: ['tenantId'],
            additionalProperties: false,
            properties: { tenantId: { type: 'string', maxLength: 64 } },
          },
          response: {
            200: ref(registrationImportResultSchema),
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        const tenantId = req.query.tenantId;
        checkTenant(req, tenantId, () => new SatiotError('TENANT_NOT_FOUND', `no tenant ${tenantId}`), ADMINS);
        if (typeof req.body !== 'string')
          throw new SatiotError('INVALID_ARGUMENT', 'send the CSV with Content-Type: text/csv');
        const by = actorOf(req);
        const results = [];
        let created = 0;
        for (const row of parseRegistrationCsv(req.body, tenantId, terminalFromRow)) {
          const base = { line: row.line, ...(row.devEui ? { devEui: row.devEui } : {}) };
          if ('error' in row) {
            results.push({ ...base, status: 'rejected', ...row.error });
            continue;
          }
          try {
            const r = await core.registration.register(row.input, by);
            results.push({ ...base, devEui: r.devEui, status: r.status });
            created++;
          } catch (e) {
            if (!isSatiotError(e)) throw e;
            results.push({ ...base, status: 'rejected', code: e.code, message: e.message });
          }
        }
        return { created, rejected: results.length - created, results };
      },
    );

    app.get<{ Querystring: { tenantId?: string } }>(
      '/api/v1/supervision/registrations',
      {
        schema: {
          summary:
            'Supervision report (operators, regulators): terminals by lifecycle state and declared sector, ' +
            'and the suspended terminals with reason — metadata only, no identities or payloads',
          tags: ['supervision'],
          ...secured,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { tenantId: { type: 'string', maxLength: 64 } },
          },
          response: {
            200: {
              type: 'object',
              required: ['generatedAt', 'total', 'byState', 'bySector', 'suspended', 'suspendedTruncated'],
              properties: {
                generatedAt: { type: 'string' },
                total: { type: 'integer' },
                byState: stateCounts,
                bySector: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: { sector: { type: 'string' }, total: { type: 'integer' }, byState: stateCounts },
                  },
                },
                suspended: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      devEui: { type: 'string' },
                      tenantId: { type: 'string' },
                      sector: { type: 'string' },
                      mobility: { type: 'string' },
                      reason: { type: ['string', 'null'] },
                      by: { type: ['string', 'null'] },
                      at: { type: ['string', 'null'] },
                    },
                  },
                },
                suspendedTruncated: { type: 'boolean' },
              },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        allow(req, SUPERVISORS);
        const tenantId = tenantScope(req, req.query.tenantId);
        if (tenantId !== undefined) await core.registryQueries.requireTenant(tenantId);
        const rep = await registrationReport(core.registration, core.clock.now(), tenantId ? { tenantId } : {});
        await core.audit.append({
          actor: actorOf(req),
          action: 'supervision.report',
          target: { kind: 'report', id: 'registrations', ...(tenantId ? { tenantId } : {}) },
          outcome: 'ok',
          details: { total: rep.total, suspended: rep.suspended.length },
        });
        return {
          ...rep,
          generatedAt: iso(rep.generatedAt),
          suspended: rep.suspended.map((s) => ({ ...s, at: s.at === null ? null : iso(s.at) })),
        };
      },
    );
  };
}
