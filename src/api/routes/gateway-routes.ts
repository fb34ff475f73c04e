import type { FastifyPluginAsync } from 'fastify';
import type { Core } from '../../core/core.js';
import type { UplinkFrameInput } from '../../core/ingest-pipeline.js';
import { stationOf } from '../auth.js';
import { errorRef } from '../schemas/index.js';
import { SatiotError } from '../../errors/satiot-error.js';

/** Largest batch one request may carry. */
export const MAX_FRAMES_PER_BATCH = 5000;

export const uplinkFrameSchema = {
  type: 'object',
  required: ['phyPayload', 'satelliteId', 'capturedAt', 'downlinkedAt'],
  properties: {
    phyPayload: { type: 'string', maxLength: 400, description: 'LoRaWAN PHYPayload, base64' },
    satelliteId: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      description: 'the satellite that captured and relayed the frame',
    },
    capturedAt: { type: 'string', maxLength: 40, description: 'when the satellite captured the frame (ISO 8601)' },
    downlinkedAt: {
      type: 'string',
      maxLength: 40,
      description: 'when this ground station received it from the satellite (ISO 8601)',
    },
    rssi: { type: 'number', minimum: -200, maximum: 50 },
    snr: { type: 'number', minimum: -50, maximum: 50 },
    frequencyOffsetHz: { type: 'number', minimum: -1e6, maximum: 1e6 },
  },
} as const;

const resultsSchema = {
  type: 'object',
  required: ['results'],
  properties: {
    results: {
      type: 'array',
      items: {
        type: 'object',
        required: ['status'],
        properties: {
          status: { type: 'string', enum: ['accepted', 'duplicate', 'rejected'] },
          code: { type: 'string' },
          messageId: { type: 'string' },
        },
      },
    },
  },
} as const;

/**
 * Gateway API for ground stations: batches of raw frames with reception metadata, answered per
 * frame once accepted frames are durable. Authenticated by the station's own bearer token.
 */
export function gatewayRoutes(core: Core): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: { frames: UplinkFrameInput[] } }>(
      '/api/v1/gateway/uplinks',
      {
        schema: {
          summary: 'Hand in frames received from satellites (ground stations)',
          tags: ['gateway'],
          security: [{ stationToken: [] }],
          body: {
            type: 'object',
            required: ['frames'],
            additionalProperties: false,
            properties: {
              frames: { type: 'array', minItems: 1, maxItems: MAX_FRAMES_PER_BATCH, items: uplinkFrameSchema },
            },
          },
          response: { 200: resultsSchema, '4xx': errorRef },
        },
      },
      async (req) => {
        const station = await stationOf(core.provisioning, req);
        if (!station) {
          core.pipeline.countUnauthorized(req.body.frames.length);
          throw new SatiotError(
            'UNAUTHORIZED_STATION',
            'a ground-station token is required: "Authorization: Bearer <token>" as returned by POST ' +
              '/api/v1/ground-stations',
          );
        }
        return { results: await core.pipeline.ingest(station, req.body.frames) };
      },
    );
  };
}
