import type { FastifyPluginAsync } from 'fastify';
import type { Core } from '../../core/core.js';
import type { AccessControl } from '../../core/access-control.js';
import { usageReport, type UsageGranularity } from '../../core/usage-report.js';
import { allow, authenticate, checkTenant, READERS, tenantScope, secured } from '../auth.js';
import { errorRef } from '../schemas/index.js';
import { SatiotError } from '../../errors/satiot-error.js';

/** Longest span one usage request covers (a year and a bit). */
const MAX_SPAN_DAYS = 400;

/** Traffic per tenant and terminal per day or month, for billing and for customers' own checks. */
export function usageRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));
    app.get<{
      Querystring: { tenantId?: string; devEui?: string; from?: string; to?: string; granularity: UsageGranularity };
    }>(
      '/api/v1/usage',
      {
        schema: {
          summary:
            'Messages and payload bytes up (by ingest) and down (by queuing) per tenant and terminal, per ' +
            'UTC day or month (default: this month so far)',
          tags: ['usage'],
          ...secured,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              tenantId: { type: 'string', maxLength: 64 },
              devEui: { type: 'string', pattern: '^[0-9a-fA-F]{16}$' },
              from: { type: 'string', format: 'date-time' },
              to: { type: 'string', format: 'date-time' },
              granularity: { type: 'string', enum: ['day', 'month'], default: 'day' },
            },
          },
          response: {
            200: {
              type: 'object',
              required: ['from', 'to', 'granularity', 'items'],
              properties: {
                from: { type: 'string' },
                to: { type: 'string' },
                granularity: { type: 'string' },
                items: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: [
                      'tenantId',
                      'devEui',
                      'period',
                      'uplinkMessages',
                      'uplinkBytes',
                      'downlinkMessages',
                      'downlinkBytes',
                    ],
                    properties: {
                      tenantId: { type: 'string' },
                      devEui: { type: ['string', 'null'], description: 'null: the tenant total' },
                      period: { type: 'string' },
                      uplinkMessages: { type: 'integer' },
                      uplinkBytes: { type: 'integer' },
                      downlinkMessages: { type: 'integer', description: 'downlinks queued' },
                      downlinkBytes: { type: 'integer' },
                    },
                  },
                },
              },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        allow(req, READERS);
        const q = req.query;
        const now = new Date(core.clock.now());
        const from = q.from ? Date.parse(q.from) : Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
        const to = q.to ? Date.parse(q.to) : now.getTime() + 1;
        if (!(to > from) || to - from > MAX_SPAN_DAYS * 86_400_000)
          throw new SatiotError('INVALID_TIME', `from must be before to, at most ${MAX_SPAN_DAYS} days apart`);
        let tenantId = tenantScope(req, q.tenantId);
        let terminalId: string | undefined;
        if (q.devEui) {
          const notFound = () => new SatiotError('TERMINAL_NOT_FOUND', `no terminal ${q.devEui}`);
          const t = core.registry.byDevEui(q.devEui.toLowerCase())?.record;
          if (!t) throw notFound();
          checkTenant(req, t.tenantId, notFound);
          terminalId = t.id;
          tenantId = t.tenantId;
        }
        const scope = { from, to, ...(tenantId ? { tenantId } : {}), ...(terminalId ? { terminalId } : {}) };
        const [up, down] = [
          await core.messageQueries.uplinkUsage(scope),
          await core.messageQueries.downlinkUsage(scope),
        ];
        return {
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          granularity: q.granularity,
          items: usageReport(up, q.granularity, down),
        };
      },
    );
  };
}
