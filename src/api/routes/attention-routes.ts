import type { FastifyPluginAsync } from 'fastify';
import type { Core } from '../../core/core.js';
import type { AccessControl } from '../../core/access-control.js';
import { allow, authenticate, READERS, tenantScope, secured } from '../auth.js';
import { errorRef } from '../schemas/index.js';
import { INTEGRATION_READERS } from './integration-json.js';

const KINDS = [
  'alarm',
  'decision',
  'registration',
  'integration-disabled',
  'integration-failing',
  'downlink-expiring',
] as const;

/**
 * What needs a person now, in one list (docs/dashboard.md, "Needs attention"): the dashboard's first
 * page shows it, each item linking to where it is resolved.
 */
export function attentionRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));
    app.get<{ Querystring: { tenantId?: string } }>(
      '/api/v1/attention',
      {
        schema: {
          summary:
            'What needs a person now: unacknowledged alarms, proposed decisions, registrations to review ' +
            '(operators), integrations disabled or failing (for keys that may read them), downlinks about to ' +
            'expire — most severe first',
          tags: ['operations'],
          ...secured,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { tenantId: { type: 'string', maxLength: 64 } },
          },
          response: {
            200: {
              type: 'object',
              required: ['at', 'items', 'counts', 'more'],
              properties: {
                at: { type: 'string', description: "the core's clock when the list was made" },
                items: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['kind', 'severity', 'id', 'tenantId', 'title', 'detail', 'at', 'link'],
                    properties: {
                      kind: { type: 'string', enum: [...KINDS] },
                      severity: { type: 'string', enum: ['emergency', 'critical', 'warning', 'info'] },
                      id: { type: 'string' },
                      tenantId: { type: 'string' },
                      title: { type: 'string' },
                      detail: { type: 'string' },
                      at: {
                        type: 'string',
                        description:
                          'when it began (raised, proposed, registered, disabled; for a downlink, when it expires)',
                      },
                      devEui: { type: 'string' },
                      link: { type: 'string', description: 'the dashboard path where it is resolved' },
                    },
                  },
                },
                counts: {
                  type: 'object',
                  description: 'how many of each kind the list holds',
                  properties: Object.fromEntries(KINDS.map((k) => [k, { type: 'integer' }])),
                },
                more: {
                  type: 'array',
                  items: { type: 'string', enum: [...KINDS] },
                  description:
                    'kinds with more than the list holds (50 each): it shows the most severe, then the oldest',
                },
              },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        const p = allow(req, READERS);
        const tenantId = tenantScope(req, req.query.tenantId);
        const at = core.clock.now(); // taken on arrival: a browser measures the core's clock from it
        const a = await core.attention(tenantId, {
          reviews: p.role === 'operator',
          integrations: INTEGRATION_READERS.includes(p.role),
        });
        return {
          at: new Date(at).toISOString(),
          items: a.items.map((i) => ({ ...i, at: new Date(i.at).toISOString() })),
          counts: a.counts,
          more: a.more,
        };
      },
    );
  };
}
