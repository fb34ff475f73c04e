import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Core } from '../../core/core.js';
import type { AccessControl } from '../../core/access-control.js';
import type { LearnedModel } from '../../core/ports/model-store.js';
import {
  DECISION_POLICIES,
  DECISION_STATES,
  type Decision,
  type DecisionPolicy,
  type DecisionState,
} from '../../core/ports/decision-store.js';
import {
  actorOf,
  ADMINS,
  allow,
  authenticate,
  checkTenant,
  principalOf,
  READERS,
  tenantScope,
  secured,
} from '../auth.js';
import { errorRef, ref } from '../schemas/index.js';
import { learnedModelSchema } from '../schemas/decision.js';
import { decisionSchema } from '../schemas/decision.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { iso, isoOrNull } from '../../core/iso-time.js';
import { pageAnswer, pageOf } from '../schemas/page.js';

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } } as const;

/**
 * A decision as the API shows it; without payloads (a regulator's key) its inputs and the command's bytes are left out.
 */
function decisionJson(d: Decision, withInputs: boolean) {
  const { payloadHex: _p, ...command } = d.action;
  return {
    id: d.id,
    tenantId: d.tenantId,
    devEui: d.devEui,
    ruleId: d.ruleId,
    alarmId: d.alarmId,
    action: withInputs ? d.action : command,
    ...(withInputs ? { inputs: d.inputs } : {}),
    model: d.model,
    modelId: d.modelId,
    confidence: d.confidence,
    policy: d.policy,
    state: d.state,
    createdAt: iso(d.createdAt),
    decidedBy: d.decidedBy,
    decidedAt: isoOrNull(d.decidedAt),
    reason: d.reason,
    undoneBy: d.undoneBy,
    undoneAt: isoOrNull(d.undoneAt),
  };
}

function modelJson(m: LearnedModel, devEui: string | undefined, withParams: boolean) {
  return {
    id: m.id,
    tenantId: m.tenantId,
    subject: m.subject,
    ...(devEui ? { devEui } : {}),
    kind: m.kind,
    field: m.field,
    version: m.version,
    ...(withParams ? { params: m.params } : {}),
    trainedFrom: iso(m.trainedFrom),
    trainedTo: iso(m.trainedTo),
    observations: m.observations,
    createdAt: iso(m.createdAt),
  };
}

/**
 * Automated decisions (docs/intelligence.md): what the rules decided, under which policy, who
 * approved it; approve or reject a proposed one, undo an executed one; each tenant's policy.
 */
export function decisionRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));
    const visible = async (req: FastifyRequest, id: string, roles = READERS): Promise<Decision> => {
      const notFound = () => new SatiotError('DECISION_NOT_FOUND', `no decision ${id}`, { decisionId: id });
      const d = await core.decisions.get(id).catch(() => {
        throw notFound();
      });
      checkTenant(req, d.tenantId, notFound, roles);
      return d;
    };

    app.get<{ Querystring: { tenantId?: string; state?: DecisionState; limit: number; cursor?: string } }>(
      '/api/v1/decisions',
      {
        schema: {
          summary:
            'Automated decisions, newest first (cursor pagination); state=proposed is the queue waiting for approval',
          tags: ['intelligence'],
          ...secured,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              tenantId: { type: 'string', maxLength: 64 },
              state: { type: 'string', enum: [...DECISION_STATES] },
              limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
              cursor: { type: 'string', maxLength: 200 },
            },
          },
          response: {
            200: pageOf(ref(decisionSchema)),
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        allow(req, READERS);
        const q = req.query;
        const tenantId = tenantScope(req, q.tenantId);
        const page = await core.decisions.list({
          limit: q.limit,
          ...(tenantId ? { tenantId } : {}),
          ...(q.state ? { state: q.state } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
        });
        const withInputs = access.seesPayloads(principalOf(req));
        return pageAnswer(page, (d) => decisionJson(d, withInputs));
      },
    );

    app.get<{ Querystring: { tenantId: string } }>(
      '/api/v1/decisions/policy',
      {
        schema: {
          summary:
            "A tenant's decision policy: auto (rule actions are taken at once) or suggest (proposed for approval)",
          tags: ['intelligence'],
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
              required: ['tenantId', 'policy'],
              properties: { tenantId: { type: 'string' }, policy: { type: 'string', enum: [...DECISION_POLICIES] } },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        const tenantId = tenantScope(req, req.query.tenantId)!;
        allow(req, READERS);
        return { tenantId, policy: await core.decisions.policy(tenantId) };
      },
    );

    app.put<{ Body: { tenantId: string; policy: DecisionPolicy } }>(
      '/api/v1/decisions/policy',
      {
        schema: {
          summary: "Set a tenant's decision policy (audited); a rule's own action.policy overrides it",
          tags: ['intelligence'],
          ...secured,
          body: {
            type: 'object',
            required: ['tenantId', 'policy'],
            additionalProperties: false,
            properties: {
              tenantId: { type: 'string', maxLength: 64 },
              policy: { type: 'string', enum: [...DECISION_POLICIES] },
            },
          },
          response: {
            200: {
              type: 'object',
              required: ['tenantId', 'policy'],
              properties: { tenantId: { type: 'string' }, policy: { type: 'string' } },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        const tenantId = tenantScope(req, req.body.tenantId)!;
        allow(req, ADMINS);
        await core.registryQueries.requireTenant(tenantId);
        await core.decisions.setPolicy(tenantId, req.body.policy, actorOf(req));
        return { tenantId, policy: req.body.policy };
      },
    );

    app.get<{ Params: { id: string } }>(
      '/api/v1/decisions/:id',
      {
        schema: {
          summary: 'One decision with its inputs, model, confidence and who decided',
          tags: ['intelligence'],
          ...secured,
          params: idParams,
          response: { 200: ref(decisionSchema), '4xx': errorRef },
        },
      },
      async (req) => decisionJson(await visible(req, req.params.id), access.seesPayloads(principalOf(req))),
    );

    // Learned models: the versions behind decisions, with their parameters and training window.
    app.get<{
      Querystring: {
        tenantId?: string;
        devEui?: string;
        kind?: string;
        field?: string;
        limit: number;
        cursor?: string;
      };
    }>(
      '/api/v1/models',
      {
        schema: {
          summary:
            'Learned models that judged decisions, newest first (cursor pagination): each version with its ' +
            'parameters and training window',
          tags: ['intelligence'],
          ...secured,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              tenantId: { type: 'string', maxLength: 64 },
              devEui: { type: 'string', pattern: '^[0-9a-fA-F]{16}$' },
              kind: { type: 'string', maxLength: 32 },
              field: { type: 'string', maxLength: 256 },
              limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
              cursor: { type: 'string', maxLength: 200 },
            },
          },
          response: {
            200: pageOf(ref(learnedModelSchema)),
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        allow(req, READERS);
        const q = req.query;
        const tenantId = tenantScope(req, q.tenantId);
        let subject: string | undefined;
        if (q.devEui !== undefined) {
          const t = await core.registryQueries.getTerminalByDevEui(q.devEui.toLowerCase());
          if (!t || (tenantId !== undefined && t.tenantId !== tenantId))
            throw new SatiotError('TERMINAL_NOT_FOUND', `no terminal ${q.devEui}`, { devEui: q.devEui });
          subject = t.id;
        }
        const page = await core.decisions.models({
          limit: q.limit,
          ...(tenantId ? { tenantId } : {}),
          ...(subject ? { subject } : {}),
          ...(q.kind ? { kind: q.kind } : {}),
          ...(q.field ? { field: q.field } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
        });
        const withParams = access.seesPayloads(principalOf(req));
        return pageAnswer(page, (m) => modelJson(m, q.devEui?.toLowerCase(), withParams));
      },
    );

    app.get<{ Params: { id: string } }>(
      '/api/v1/models/:id',
      {
        schema: {
          summary: 'One learned model: its version, parameters and training window',
          tags: ['intelligence'],
          ...secured,
          params: idParams,
          response: { 200: ref(learnedModelSchema), '4xx': errorRef },
        },
      },
      async (req) => {
        const notFound = () =>
          new SatiotError('MODEL_NOT_FOUND', `no model ${req.params.id}`, { modelId: req.params.id });
        const m = await core.decisions.model(req.params.id).catch(() => {
          throw notFound();
        });
        checkTenant(req, m.tenantId, notFound);
        return modelJson(m, undefined, access.seesPayloads(principalOf(req)));
      },
    );

    const steps = {
      approve: 'Approve a proposed decision: its command is queued at once',
      reject: 'Reject a proposed decision, saying why',
      undo:
        'Undo an executed decision: its command is withdrawn while it has not left (DECISION_NOT_UNDOABLE ' +
        'once it has)',
    } as const;
    for (const [step, summary] of Object.entries(steps) as Array<[keyof typeof steps, string]>) {
      app.post<{ Params: { id: string }; Body: { reason?: string } | null }>(
        `/api/v1/decisions/:id/${step}`,
        {
          schema: {
            summary,
            tags: ['intelligence'],
            ...secured,
            params: idParams,
            body: {
              type: ['object', 'null'],
              additionalProperties: false,
              properties: {
                reason: {
                  type: 'string',
                  maxLength: 500,
                  description:
                    'why a decision is rejected or undone, kept on the decision and in the audit record (an ' +
                    'approval takes none)',
                },
              },
              description: 'optional: no body at all is fine',
            },
            response: { 200: ref(decisionSchema), '4xx': errorRef },
          },
          // No body at all is fine: validated as null.
          preValidation: async (req) => {
            if (req.body === undefined || (req.body as unknown) === '') req.body = null;
          },
        },
        async (req) => {
          await visible(req, req.params.id, ADMINS);
          const by = actorOf(req),
            reason = req.body?.reason;
          const d =
            step === 'approve'
              ? await core.decisions.approve(req.params.id, by)
              : step === 'reject'
                ? await core.decisions.reject(req.params.id, by, reason)
                : await core.decisions.undo(req.params.id, by, reason);
          return decisionJson(d, access.seesPayloads(principalOf(req)));
        },
      );
    }
  };
}
