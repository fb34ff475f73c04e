import type { FastifyPluginAsync } from 'fastify';
import type { Core } from '../../core/core.js';
import type { AccessControl } from '../../core/access-control.js';
import type { DeadLetterRecord } from '../../core/ports/dead-letter-store.js';
import { authenticate, allow, principalOf, SUPERVISORS, secured } from '../auth.js';
import { errorRef, ref } from '../schemas/index.js';
import { deadLetterSchema } from '../schemas/dead-letter.js';
import { iso, isoOrNull } from '../../core/iso-time.js';
import { pageAnswer, pageOf } from '../schemas/page.js';

const OPERATOR = ['operator'] as const;

/**
 * The fields of an event that identify it without carrying a terminal's data: what a regulator who
 * may not see payloads is shown (payloads, decoded values, evidence and positions are left out).
 */
const IDENTIFYING = new Set([
  'kind',
  'id',
  'messageId',
  'tenantId',
  'devEui',
  'devAddr',
  'fCnt',
  'fPort',
  'stationId',
  'satelliteId',
  'code',
  'action',
  'alarmId',
  'ruleId',
  'downlinkId',
  'state',
  'entity',
  'op',
  'capturedAt',
  'downlinkedAt',
  'ingestedAt',
  'receivedAt',
  'requestedAt',
  'decodedAt',
]);

function eventOf(d: DeadLetterRecord, full: boolean): { event: unknown; eventRedacted?: true } {
  const text = Buffer.from(d.data).toString('utf8');
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    event = text;
  }
  if (full) return { event };
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return { event: null, eventRedacted: true };
  const kept = Object.entries(event as Record<string, unknown>).filter(
    ([k, v]) => IDENTIFYING.has(k) && (v === null || typeof v !== 'object'),
  );
  return { event: Object.fromEntries(kept), eventRedacted: true };
}

function deadLetterJson(d: DeadLetterRecord, event?: { event: unknown; eventRedacted?: true }) {
  return {
    id: d.id,
    consumer: d.consumer,
    subject: d.subject,
    eventId: d.eventId,
    attempts: d.attempts,
    error: d.error,
    failedAt: iso(d.failedAt),
    state: d.resolvedAt === null ? 'open' : 'resolved',
    replays: d.replays,
    replayedAt: isoOrNull(d.replayedAt),
    lastReplayError: d.lastReplayError,
    resolvedAt: isoOrNull(d.resolvedAt),
    ...event,
  };
}

/**
 * Dead letters: events a consumer gave up on after its retries (docs/cluster.md). Operators and
 * regulators list and inspect them (a regulator without payload access sees an event's identifying
 * fields only); operators replay one through its consumer. Events carry tenants' data, so tenants
 * see none here.
 */
export function deadLetterRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));
    const idParams = {
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string', pattern: '^[0-9a-f]{32}$' } },
    } as const;

    app.get<{ Querystring: { consumer?: string; state?: 'open' | 'resolved'; limit: number; cursor?: string } }>(
      '/api/v1/dead-letters',
      {
        schema: {
          summary: 'Events consumers gave up on, newest first',
          tags: ['cluster'],
          ...secured,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              consumer: { type: 'string', maxLength: 64 },
              state: { type: 'string', enum: ['open', 'resolved'] },
              limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
              cursor: { type: 'string', maxLength: 200 },
            },
          },
          response: {
            200: pageOf(ref(deadLetterSchema)),
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        allow(req, SUPERVISORS);
        const q = req.query;
        const page = await core.deadLetters.list({
          limit: q.limit,
          ...(q.consumer !== undefined ? { consumer: q.consumer } : {}),
          ...(q.state ? { state: q.state } : {}),
          ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
        });
        return pageAnswer(page, (d) => deadLetterJson(d));
      },
    );

    app.get<{ Params: { id: string } }>(
      '/api/v1/dead-letters/:id',
      {
        schema: {
          summary: 'One dead letter, with its event',
          tags: ['cluster'],
          ...secured,
          params: idParams,
          response: { 200: ref(deadLetterSchema), '4xx': errorRef },
        },
      },
      async (req) => {
        allow(req, SUPERVISORS);
        const d = await core.deadLetters.get(req.params.id);
        return deadLetterJson(d, eventOf(d, access.seesPayloads(principalOf(req))));
      },
    );

    app.post<{ Params: { id: string } }>(
      '/api/v1/dead-letters/:id/replay',
      {
        schema: {
          summary:
            'Run a dead letter through its consumer again (idempotent: an event that got through changes nothing)',
          tags: ['cluster'],
          ...secured,
          params: idParams,
          response: { 200: ref(deadLetterSchema), '4xx': errorRef },
        },
      },
      async (req) => {
        allow(req, OPERATOR);
        return deadLetterJson(await core.deadLetters.replay(req.params.id));
      },
    );
  };
}
