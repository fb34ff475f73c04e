import type { FastifyPluginAsync } from 'fastify';
import type { Core } from '../../core/core.js';
import type { MessageWithReceptions } from '../../core/model.js';
import type { MessageDelivery } from '../../core/ports/delivery-store.js';
import { authenticate, allow, checkTenant, principalOf, SUPERVISORS, secured } from '../auth.js';
import type { AccessControl } from '../../core/access-control.js';
import { errorRef } from '../schemas/index.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { iso } from '../../core/iso-time.js';
import { pageAnswer, pageOf } from '../schemas/page.js';

const receptionSchema = {
  type: 'object',
  properties: {
    stationId: { type: 'string' },
    satelliteId: { type: 'string' },
    capturedAt: { type: 'string' },
    downlinkedAt: { type: 'string' },
    receivedAt: { type: 'string' },
    rssi: { type: ['number', 'null'] },
    snr: { type: ['number', 'null'] },
    frequencyOffsetHz: { type: ['number', 'null'] },
    path: {
      type: 'string',
      enum: ['satellite', 'terrestrial'],
      description:
        'how the copy reached the network: relayed by a satellite to a ground station (satelliteId ' +
        '"iridium" and the Iridium gateway\'s station for an Iridium SBD session), or heard by a terrestrial ' +
        'LoRa gateway (satelliteId then empty)',
    },
    gatewayEui: { type: 'string', description: 'the terrestrial gateway that heard the copy' },
    frequencyMHz: { type: 'number' },
    dataRate: { type: 'string', description: 'e.g. SF12BW125' },
  },
} as const;

export const messageSchema = {
  type: 'object',
  required: ['id', 'devEui', 'fCnt', 'capturedAt', 'downlinkedAt', 'ingestedAt', 'receptions'],
  properties: {
    id: { type: 'string' },
    tenantId: { type: 'string' },
    devEui: { type: 'string' },
    fCnt: { type: 'integer' },
    fPort: { type: ['integer', 'null'] },
    payload: {
      type: 'string',
      description:
        'decrypted application payload, base64 (left out for regulators unless the deployment allows them payloads)',
    },
    confirmed: { type: 'boolean' },
    ack: { type: 'boolean' },
    capturedAt: { type: 'string', description: 'earliest satellite capture over all receptions' },
    downlinkedAt: { type: 'string', description: 'earliest ground-station reception' },
    ingestedAt: { type: 'string', description: 'when the core made the message durable' },
    receptions: { type: 'array', items: receptionSchema },
    reportedPosition: {
      type: 'object',
      required: ['lat', 'lon', 'cepKm', 'source'],
      description:
        'where the network placed the terminal when it sent the message (Iridium: the MO location; left out ' +
        'with the payload)',
      properties: {
        lat: { type: 'number' },
        lon: { type: 'number' },
        cepKm: { type: 'number', description: 'circular error probable radius, km' },
        source: { type: 'string', enum: ['iridium'] },
      },
    },
    deliveries: {
      type: 'array',
      description: "the last hop of the message's life: its first delivery to each integration (webhook or MQTT)",
      items: {
        type: 'object',
        required: ['integration', 'integrationId', 'deliveredAt'],
        properties: {
          integration: { type: 'string', enum: ['webhook', 'mqtt'] },
          integrationId: { type: 'string' },
          deliveredAt: { type: 'string' },
        },
      },
    },
    decode: {
      type: 'object',
      description:
        "the payload as the terminal's codec decoded it after ingest (absent until decoded, or without a codec)",
      required: ['codec', 'decoded', 'error', 'decodedAt'],
      properties: {
        codec: { type: 'string' },
        decoded: {
          type: ['object', 'null'],
          additionalProperties: true,
          description: 'JSON object the codec produced; null when it failed',
        },
        error: {
          type: ['object', 'null'],
          required: ['code', 'message'],
          properties: { code: { type: 'string' }, message: { type: 'string' } },
        },
        decodedAt: { type: 'string' },
      },
    },
  },
} as const;

/** A message as the API shows it; `withPayload` false leaves out the payload and its decode (metadata only). */
export function messageJson(m: MessageWithReceptions, withPayload = true, deliveries: readonly MessageDelivery[] = []) {
  return {
    id: m.id,
    tenantId: m.tenantId,
    devEui: m.devEui,
    fCnt: m.fCnt,
    fPort: m.fPort,
    ...(withPayload ? { payload: Buffer.from(m.payload).toString('base64') } : {}),
    confirmed: m.confirmed,
    ack: m.ack,
    capturedAt: iso(m.capturedAt),
    downlinkedAt: iso(m.downlinkedAt),
    ingestedAt: iso(m.ingestedAt),
    receptions: m.receptions.map((r) => ({
      stationId: r.stationId,
      satelliteId: r.satelliteId,
      capturedAt: iso(r.capturedAt),
      downlinkedAt: iso(r.downlinkedAt),
      receivedAt: iso(r.receivedAt),
      rssi: r.rssi,
      snr: r.snr,
      frequencyOffsetHz: r.frequencyOffsetHz,
      path: r.gatewayEui !== undefined ? ('terrestrial' as const) : ('satellite' as const),
      ...(r.gatewayEui !== undefined ? { gatewayEui: r.gatewayEui } : {}),
      ...(r.frequencyMHz != null ? { frequencyMHz: r.frequencyMHz } : {}),
      ...(r.dataRate != null ? { dataRate: r.dataRate } : {}),
    })),
    ...(m.reportedPosition && withPayload ? { reportedPosition: m.reportedPosition } : {}),
    deliveries: deliveries.map((d) => ({
      integration: d.integrationKind,
      integrationId: d.integrationId,
      deliveredAt: iso(d.deliveredAt),
    })),
    ...(m.decode && withPayload
      ? {
          decode: {
            codec: m.decode.codec,
            decoded: m.decode.decoded,
            error: m.decode.error,
            decodedAt: iso(m.decode.decodedAt),
          },
        }
      : {}),
  };
}

/** A terminal's messages, newest first, each with its receptions and hop timestamps; ingest statistics. */
export function messageRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));
    app.get<{
      Params: { devEui: string };
      Querystring: { limit: number; cursor?: string; from?: string; to?: string; fPort?: number };
    }>(
      '/api/v1/terminals/:devEui/messages',
      {
        schema: {
          summary: "A terminal's messages, newest first (cursor pagination)",
          tags: ['messages'],
          ...secured,
          params: { type: 'object', properties: { devEui: { type: 'string', maxLength: 32 } } },
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
              cursor: { type: 'string', maxLength: 200 },
              from: { type: 'string', format: 'date-time' },
              to: { type: 'string', format: 'date-time' },
              fPort: { type: 'integer', minimum: 0, maximum: 255 },
            },
          },
          response: {
            200: pageOf(messageSchema),
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        const notFound = () => new SatiotError('TERMINAL_NOT_FOUND', `no terminal ${req.params.devEui}`);
        const t = core.registry.byDevEui(req.params.devEui.toLowerCase());
        if (!t) throw notFound();
        checkTenant(req, t.record.tenantId, notFound);
        const withPayload = access.seesPayloads(principalOf(req));
        const q = req.query;
        const page = await core.messageQueries.listMessages({
          terminalId: t.record.id,
          limit: q.limit,
          ...(q.cursor ? { cursor: q.cursor } : {}),
          ...(q.from ? { from: Date.parse(q.from) } : {}),
          ...(q.to ? { to: Date.parse(q.to) } : {}),
          ...(q.fPort !== undefined ? { fPort: q.fPort } : {}),
        });
        const deliveries = core.delivery
          ? await core.delivery.deliveriesOf(page.items.map((m) => m.id))
          : new Map<string, MessageDelivery[]>();
        return pageAnswer(page, (m) => messageJson(m, withPayload, deliveries.get(m.id)));
      },
    );

    app.get(
      '/api/v1/ingest/rejections',
      {
        schema: {
          summary: 'Rejected frames by station and code',
          tags: ['messages'],
          ...secured,
          response: {
            200: {
              type: 'object',
              required: ['items'],
              properties: {
                items: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: { stationId: { type: 'string' }, code: { type: 'string' }, count: { type: 'integer' } },
                  },
                },
              },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        allow(req, SUPERVISORS);
        return { items: await core.messageQueries.rejectionTallies() };
      },
    );
  };
}
