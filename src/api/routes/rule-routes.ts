import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { Core } from '../../core/core.js';
import { parseRule, type Alarm, type Rule } from '../../rules/index.js';
import { solutionRules, SOLUTIONS, type SolutionName } from '../../solutions/index.js';
import { ADMINS, allow, authenticate, checkTenant, principalOf, READERS, tenantScope, secured } from '../auth.js';
import type { AccessControl } from '../../core/access-control.js';
import { errorRef, ref } from '../schemas/index.js';
import { alarmSchema } from '../schemas/rule.js';
import { ruleSchema } from '../schemas/rule.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { iso, isoOrUndefined } from '../../core/iso-time.js';
import { pageAnswer, pageOf } from '../schemas/page.js';

/**
 * An alarm as the API shows it; without `evidence` (values taken from payloads) when the caller may not see payloads.
 */
export function alarmJson(a: Alarm, withEvidence = true) {
  const { evidence, lastEvidence, ...rest } = a;
  return {
    ...rest,
    raisedAt: iso(a.raisedAt),
    acknowledgedAt: isoOrUndefined(a.acknowledgedAt),
    clearedAt: isoOrUndefined(a.clearedAt),
    lastFiredAt: isoOrUndefined(a.lastFiredAt),
    ...(withEvidence ? { evidence, ...(lastEvidence !== undefined ? { lastEvidence } : {}) } : {}),
  };
}

/**
 * Rules (and the solution presets that make them) and alarms with their lifecycle. A bad rule is a
 * RuleError and a refused alarm transition an AlarmError: both SatiotErrors, answered by the edge
 * (RULE_INVALID with `details.path`, ALARM_STATE with `details.alarmId`).
 */
export function ruleRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));
    const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } } as const;

    const save = async (rule: Rule): Promise<Rule> => {
      await core.registryQueries.requireTenant(rule.tenantId);
      await core.rules.save(rule);
      return rule;
    };

    app.post<{ Body: Record<string, unknown> }>(
      '/api/v1/rules',
      {
        schema: {
          summary: 'Create a rule (threshold, rate, geofence, silence, all/any/not; see docs/rules.md)',
          tags: ['rules'],
          ...secured,
          body: {
            type: 'object',
            required: ['tenantId', 'name', 'condition'],
            additionalProperties: true,
            properties: { tenantId: { type: 'string', maxLength: 64 } },
          },
          response: { 201: ref(ruleSchema), '4xx': errorRef },
        },
      },
      async (req, reply) => {
        const tenantId = String(req.body['tenantId']);
        checkTenant(req, tenantId, () => new SatiotError('TENANT_NOT_FOUND', `no tenant ${tenantId}`), ADMINS);
        return reply
          .status(201)
          .send(
            await save(parseRule({ enabled: true, scope: {}, severity: 'warning', ...req.body, id: randomUUID() })),
          );
      },
    );

    app.get<{ Querystring: { tenantId: string } }>(
      '/api/v1/rules',
      {
        schema: {
          summary: "A tenant's rules",
          tags: ['rules'],
          ...secured,
          querystring: {
            type: 'object',
            required: ['tenantId'],
            additionalProperties: false,
            properties: { tenantId: { type: 'string', maxLength: 64 } },
          },
          response: {
            200: {
              type: 'object',
              required: ['items'],
              properties: { items: { type: 'array', items: ref(ruleSchema) } },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        checkTenant(
          req,
          req.query.tenantId,
          () => new SatiotError('TENANT_NOT_FOUND', `no tenant ${req.query.tenantId}`),
        );
        return { items: await core.rules.list(req.query.tenantId) };
      },
    );

    app.get<{ Params: { id: string } }>(
      '/api/v1/rules/:id',
      {
        schema: {
          summary: 'One rule',
          tags: ['rules'],
          ...secured,
          params: idParams,
          response: { 200: ref(ruleSchema), '4xx': errorRef },
        },
      },
      async (req) => {
        const notFound = () => new SatiotError('RULE_NOT_FOUND', `no rule ${req.params.id}`);
        const r = await core.rules.get(req.params.id);
        if (!r) throw notFound();
        checkTenant(req, r.tenantId, notFound);
        return r;
      },
    );

    app.put<{ Params: { id: string }; Body: Record<string, unknown> }>(
      '/api/v1/rules/:id',
      {
        schema: {
          summary: 'Replace a rule (its per-terminal state restarts when the condition changes)',
          tags: ['rules'],
          ...secured,
          params: idParams,
          body: { type: 'object', additionalProperties: true },
          response: { 200: ref(ruleSchema), '4xx': errorRef },
        },
      },
      async (req) => {
        const notFound = () => new SatiotError('RULE_NOT_FOUND', `no rule ${req.params.id}`);
        const old = await core.rules.get(req.params.id);
        if (!old) throw notFound();
        checkTenant(req, old.tenantId, notFound, ADMINS);
        return save(parseRule({ ...req.body, id: old.id, tenantId: old.tenantId }));
      },
    );

    app.delete<{ Params: { id: string } }>(
      '/api/v1/rules/:id',
      {
        schema: {
          summary: 'Delete a rule (its alarms stay as history)',
          tags: ['rules'],
          ...secured,
          params: idParams,
          response: { 204: { type: 'null' }, '4xx': errorRef },
        },
      },
      async (req, reply) => {
        const notFound = () => new SatiotError('RULE_NOT_FOUND', `no rule ${req.params.id}`);
        const old = await core.rules.get(req.params.id);
        if (!old) throw notFound();
        checkTenant(req, old.tenantId, notFound, ADMINS);
        if (!(await core.rules.delete(old))) throw notFound();
        return reply.status(204).send();
      },
    );

    app.post<{ Params: { tenantId: string; solution: SolutionName }; Body: Record<string, unknown> }>(
      '/api/v1/tenants/:tenantId/solutions/:solution',
      {
        schema: {
          summary: 'Switch on a solution preset (water, power, logistics): creates its rules from the parameters given',
          tags: ['rules'],
          ...secured,
          params: {
            type: 'object',
            properties: {
              tenantId: { type: 'string', maxLength: 64 },
              solution: { type: 'string', enum: [...SOLUTIONS] },
            },
          },
          body: { type: 'object', additionalProperties: true },
          response: {
            201: {
              type: 'object',
              required: ['items'],
              properties: { items: { type: 'array', items: ref(ruleSchema) } },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req, reply) => {
        checkTenant(
          req,
          req.params.tenantId,
          () => new SatiotError('TENANT_NOT_FOUND', `no tenant ${req.params.tenantId}`),
          ADMINS,
        );
        await core.registryQueries.requireTenant(req.params.tenantId);
        const rules = solutionRules(req.params.solution, req.params.tenantId, req.body as never, randomUUID);
        for (const r of rules) await save(r);
        return reply.status(201).send({ items: rules });
      },
    );

    app.get<{
      Querystring: {
        tenantId?: string;
        devEui?: string;
        state?: 'raised' | 'acknowledged' | 'cleared' | 'open';
        limit: number;
        cursor?: string;
      };
    }>(
      '/api/v1/alarms',
      {
        schema: {
          summary: 'Alarms, newest raised first (cursor pagination)',
          tags: ['rules'],
          ...secured,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              tenantId: { type: 'string', maxLength: 64 },
              devEui: { type: 'string', pattern: '^[0-9a-fA-F]{16}$' },
              state: { type: 'string', enum: ['raised', 'acknowledged', 'cleared', 'open'] },
              limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
              cursor: { type: 'string', maxLength: 200 },
            },
          },
          response: {
            200: pageOf(ref(alarmSchema)),
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        allow(req, READERS);
        const q = req.query;
        const tenantId = tenantScope(req, q.tenantId);
        const page = await core.rules.alarms({
          limit: q.limit,
          ...(tenantId ? { tenantId } : {}),
          ...(q.devEui ? { devEui: q.devEui.toLowerCase() } : {}),
          ...(q.state ? { state: q.state } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
        });
        const withEvidence = access.seesPayloads(principalOf(req));
        return pageAnswer(page, (a) => alarmJson(a, withEvidence));
      },
    );

    for (const action of ['acknowledge', 'clear'] as const) {
      app.post<{ Params: { id: string } }>(
        `/api/v1/alarms/:id/${action}`,
        {
          schema: {
            summary: action === 'acknowledge' ? 'Acknowledge a raised alarm' : 'Clear an open alarm',
            tags: ['rules'],
            ...secured,
            params: idParams,
            response: { 200: ref(alarmSchema), '4xx': errorRef },
          },
        },
        async (req) => {
          const notFound = () => new SatiotError('ALARM_NOT_FOUND', `no alarm ${req.params.id}`);
          const a = await core.rules.alarm(req.params.id);
          if (!a) throw notFound();
          const p = checkTenant(req, a.tenantId, notFound, ADMINS);
          return alarmJson(await core.rules[action](req.params.id, p.keyId ?? 'operator'));
        },
      );
    }
  };
}
