import type { FastifyPluginAsync } from 'fastify';
import type { Core } from '../../core/core.js';
import type { AccessControl, Principal } from '../../core/access-control.js';
import { ANOMALY_KINDS, type Anomaly, type AnomalyKind } from '../../core/ports/anomaly-store.js';
import { authenticate, allow, tenantScope, READERS, secured } from '../auth.js';
import { errorRef } from '../schemas/index.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { pageAnswer, pageOf } from '../schemas/page.js';

export const anomalySchema = {
  type: 'object',
  required: ['id', 'kind', 'subject', 'score', 'observedAt', 'detectedAt', 'response'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: [...ANOMALY_KINDS] },
    subject: {
      type: 'object',
      required: ['kind', 'id'],
      properties: { kind: { type: 'string', enum: ['terminal', 'station'] }, id: { type: 'string' } },
    },
    tenantId: { type: 'string' },
    score: { type: 'number', minimum: 0, maximum: 1 },
    evidence: {
      type: 'object',
      additionalProperties: true,
      description:
        'counts, times, positions, speeds behind the finding (left out for regulators unless the deployment ' +
        'lets them see tenant data)',
    },
    observedAt: { type: 'string' },
    detectedAt: { type: 'string' },
    response: { type: 'string', enum: ['record', 'alert', 'suspend'] },
  },
} as const;

/** An anomaly as a caller sees it: a tenant's evidence (positions come from payloads) follows the regulator policy. */
export function anomalyJson(a: Anomaly, p: Principal, access: AccessControl) {
  const withEvidence = a.tenantId === undefined || access.seesPayloads(p);
  return {
    id: a.id,
    kind: a.kind,
    subject: a.subject,
    ...(a.tenantId ? { tenantId: a.tenantId } : {}),
    score: a.score,
    ...(withEvidence ? { evidence: a.evidence } : {}),
    observedAt: new Date(a.observedAt).toISOString(),
    detectedAt: new Date(a.detectedAt).toISOString(),
    response: a.response,
  };
}

/** Detected anomalies: operators and regulators see all (stations' included), tenant keys their own terminals'. */
export function anomalyRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));
    app.get<{
      Querystring: {
        tenantId?: string;
        kind?: AnomalyKind;
        subjectId?: string;
        from?: string;
        to?: string;
        limit: number;
        cursor?: string;
      };
    }>(
      '/api/v1/anomalies',
      {
        schema: {
          summary:
            'Detected anomalies, newest first (replays, MIC failures, impossible movement, outside region, ' +
            'rate, station out of contact)',
          tags: ['supervision'],
          ...secured,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              tenantId: { type: 'string', maxLength: 64 },
              kind: { type: 'string', enum: [...ANOMALY_KINDS] },
              subjectId: { type: 'string', maxLength: 64, description: 'a DevEUI or a ground-station id' },
              from: { type: 'string', format: 'date-time' },
              to: { type: 'string', format: 'date-time' },
              limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
              cursor: { type: 'string', maxLength: 200 },
            },
          },
          response: {
            200: pageOf(anomalySchema),
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        const tenantId = tenantScope(req, req.query.tenantId);
        const p = allow(req, READERS);
        const q = req.query;
        const time = (s: string | undefined) => {
          if (s === undefined) return undefined;
          const t = Date.parse(s);
          if (!Number.isFinite(t)) throw new SatiotError('INVALID_TIME', `${s} is not a date-time`);
          return t;
        };
        const from = time(q.from),
          to = time(q.to);
        const page = await core.anomalies.list({
          limit: q.limit,
          ...(tenantId !== undefined ? { tenantId } : {}),
          ...(q.kind ? { kind: q.kind } : {}),
          ...(q.subjectId !== undefined ? { subjectId: q.subjectId } : {}),
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
        });
        return pageAnswer(page, (a) => anomalyJson(a, p, access));
      },
    );
  };
}
