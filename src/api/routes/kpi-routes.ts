import type { FastifyPluginAsync } from 'fastify';
import type { Core } from '../../core/core.js';
import type { AccessControl } from '../../core/access-control.js';
import type { MessageWithReceptions } from '../../core/model.js';
import { allow, authenticate, principalOf, READERS, SUPERVISORS, tenantScope, secured } from '../auth.js';
import { errorRef } from '../schemas/index.js';

/** Most messages one KPI answer reads (newest first per terminal); beyond it the figures are a sample and say so. */
export const MAX_KPI_MESSAGES = 20_000;
/** Elevation mask of a ground-station contact, degrees (as the downlink contact plan). */
const STATION_MASK_DEG = 5;
const HOUR = 3_600_000;
/**
 * Messages are listed by capture time; one ingested in the window may have been captured this much
 * earlier (store and forward), so the listing starts that much before the window.
 */
const CAPTURE_LOOKBACK_MS = 48 * HOUR;

const HOPS = ['captured→downlinked', 'downlinked→ingested', 'ingested→delivered', 'captured→ingested'] as const;

/** Nearest-rank percentile of sorted values (q in 0..1); null for none. */
function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? null;
}

const hourSchema = {
  type: 'object',
  required: ['hour', 'messages'],
  properties: { hour: { type: 'string' }, messages: { type: 'integer' } },
} as const;
const hopSchema = {
  type: 'object',
  required: ['hop', 'count', 'p50Seconds', 'p95Seconds'],
  properties: {
    hop: { type: 'string', enum: [...HOPS] },
    count: { type: 'integer' },
    p50Seconds: { type: ['number', 'null'] },
    p95Seconds: { type: ['number', 'null'] },
  },
} as const;

/**
 * Service KPIs for the dashboard: messages per hour (by ingest), per-hop delivery latency from the
 * stored hop timestamps of the messages ingested in the window (captured at most 48 h before it), and, for operators
 * and regulators, rejections by code and ground-station contacts today.
 */
export function kpiRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  // Contacts per station and UTC day only change with the constellation: cached for 10 minutes.
  let contactCache:
    { key: string; until: number; items: Array<{ stationId: string; name: string; contacts: number }> } | undefined;

  return async (app) => {
    app.addHook('preHandler', authenticate(access));
    app.get<{ Querystring: { tenantId?: string; hours: number } }>(
      '/api/v1/kpis',
      {
        schema: {
          summary: 'Messages per hour, per-hop latency P50/P95, rejections by code and ground-station contacts today',
          tags: ['kpis'],
          ...secured,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              tenantId: { type: 'string', maxLength: 64 },
              hours: { type: 'integer', minimum: 1, maximum: 168, default: 24 },
            },
          },
          response: {
            200: {
              type: 'object',
              required: [
                'from',
                'to',
                'messagesScanned',
                'sampled',
                'messagesPerHour',
                'latency',
                'rejections',
                'contactsToday',
              ],
              properties: {
                from: { type: 'string' },
                to: { type: 'string' },
                messagesScanned: { type: 'integer' },
                sampled: {
                  type: 'boolean',
                  description:
                    `true when more than ${MAX_KPI_MESSAGES} messages fell in the window: the figures come ` +
                    `from the newest of each terminal`,
                },
                messagesPerHour: {
                  type: 'array',
                  items: hourSchema,
                  description: 'by ingest time, one entry per UTC hour of the window, oldest first',
                },
                latency: {
                  type: 'array',
                  items: hopSchema,
                  description: 'ingested→delivered: the first delivery to any integration',
                },
                rejections: {
                  type: ['array', 'null'],
                  description: 'operators and regulators only (null otherwise)',
                  items: {
                    type: 'object',
                    required: ['code', 'count'],
                    properties: { code: { type: 'string' }, count: { type: 'integer' } },
                  },
                },
                contactsToday: {
                  type: ['array', 'null'],
                  description:
                    `passes above ${STATION_MASK_DEG}° over each ground station in this UTC day; operators ` +
                    `and regulators only`,
                  items: {
                    type: 'object',
                    required: ['stationId', 'name', 'contacts'],
                    properties: {
                      stationId: { type: 'string' },
                      name: { type: 'string' },
                      contacts: { type: 'integer' },
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
        const tenantId = tenantScope(req, req.query.tenantId);
        const to = core.clock.now();
        const firstHour = Math.floor(to / HOUR) * HOUR - (req.query.hours - 1) * HOUR;
        const from = firstHour;

        const messages: MessageWithReceptions[] = [];
        let sampled = false;
        const terminals = [...core.registry.all()]
          .map((e) => e.record)
          .filter((t) => tenantId === undefined || t.tenantId === tenantId);
        for (const t of terminals) {
          let cursor: string | undefined;
          do {
            const room = MAX_KPI_MESSAGES - messages.length;
            if (room <= 0) {
              sampled = true;
              break;
            }
            const page = await core.messageQueries.listMessages({
              terminalId: t.id,
              from: from - CAPTURE_LOOKBACK_MS,
              to: to + 1,
              limit: Math.min(1000, room),
              ...(cursor ? { cursor } : {}),
            });
            messages.push(...page.items.filter((m) => m.ingestedAt >= from && m.ingestedAt <= to));
            cursor = page.nextCursor;
          } while (cursor);
        }

        const perHour = new Map<number, number>();
        for (let h = firstHour; h <= to; h += HOUR) perHour.set(h, 0);
        const hops: Record<(typeof HOPS)[number], number[]> = {
          'captured→downlinked': [],
          'downlinked→ingested': [],
          'ingested→delivered': [],
          'captured→ingested': [],
        };
        const deliveries = core.delivery ? await core.delivery.deliveriesOf(messages.map((m) => m.id)) : new Map();
        for (const m of messages) {
          const h = Math.floor(m.ingestedAt / HOUR) * HOUR;
          if (perHour.has(h)) perHour.set(h, (perHour.get(h) ?? 0) + 1);
          hops['captured→downlinked'].push((m.downlinkedAt - m.capturedAt) / 1000);
          hops['downlinked→ingested'].push((m.ingestedAt - m.downlinkedAt) / 1000);
          hops['captured→ingested'].push((m.ingestedAt - m.capturedAt) / 1000);
          const first = (deliveries.get(m.id) as Array<{ deliveredAt: number }> | undefined)?.[0];
          if (first) hops['ingested→delivered'].push((first.deliveredAt - m.ingestedAt) / 1000);
        }
        const latency = HOPS.map((hop) => {
          const v = hops[hop].sort((a, b) => a - b);
          return { hop, count: v.length, p50Seconds: percentile(v, 0.5), p95Seconds: percentile(v, 0.95) };
        });

        const supervisor = SUPERVISORS.includes(principalOf(req).role);
        let rejections: Array<{ code: string; count: number }> | null = null;
        let contactsToday: Array<{ stationId: string; name: string; contacts: number }> | null = null;
        if (supervisor) {
          const byCode = new Map<string, number>();
          for (const r of await core.messageQueries.rejectionTallies())
            byCode.set(r.code, (byCode.get(r.code) ?? 0) + r.count);
          rejections = [...byCode]
            .map(([code, count]) => ({ code, count }))
            .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
          const day = Math.floor(to / 86_400_000) * 86_400_000;
          const stations = await core.registryQueries.listGroundStations();
          const sats = await core.registryQueries.listSatellites();
          const key =
            `${day}|${stations.map((s) => s.id).join(',')}|` +
            `${sats.map((s) => `${s.noradId}@${s.epoch}`).join(',')}`;
          if (!contactCache || contactCache.key !== key || contactCache.until < to) {
            contactCache = {
              key,
              until: to + 10 * 60_000,
              items: stations.map((s) => ({
                stationId: s.id,
                name: s.name,
                contacts: core.contacts.passesOver(s, day, day + 86_400_000, STATION_MASK_DEG).length,
              })),
            };
          }
          contactsToday = contactCache.items;
        }
        return {
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          messagesScanned: messages.length,
          sampled,
          messagesPerHour: [...perHour].map(([h, n]) => ({ hour: new Date(h).toISOString(), messages: n })),
          latency,
          rejections,
          contactsToday,
        };
      },
    );
  };
}
