import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Core } from '../../core/core.js';
import type { AccessControl } from '../../core/access-control.js';
import type { FieldSeries } from '../../core/field-series.js';
import { detectAnomalies } from '../../learn/anomaly.js';
import { frameLossScores } from '../../learn/link.js';
import { forecastSeries } from '../../learn/forecast.js';
import { augursEngine } from '../../integrations/augurs-engine.js';
import { authenticate, checkTenant, secured } from '../auth.js';
import { errorRef } from '../schemas/index.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { iso, isoOrNull } from '../../core/iso-time.js';

const devEuiParams = { type: 'object', properties: { devEui: { type: 'string', maxLength: 32 } } } as const;
/** A field path as rules name it: dotted segments, no spaces. */
const fieldParam = {
  type: 'string',
  minLength: 1,
  maxLength: 256,
  pattern: '^[^.\\s]+(\\.[^.\\s]+)*$',
  description: 'a decoded field, as rules name it: values.waterLevelM, lineTemperatureC, meta.rssi',
} as const;
const range = { from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' } } as const;
/** At least this many values before a model says anything. */
const MIN_VALUES = 8;

const modelSchema = {
  type: 'object',
  additionalProperties: true,
  description: 'how the answer was made: the model, its periods or neighbourhood, its training window',
} as const;

/**
 * Learned views of a terminal's decoded fields (docs/intelligence.md): a forecast with its
 * interval, and anomaly scores with their evidence. Computed on request from the stored series
 * (up to 10,000 values), so they follow the data without a training step to schedule.
 */
export function insightRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));
    const seriesOf = async (
      req: FastifyRequest,
      devEui: string,
      field: string,
      q: { from?: string; to?: string },
    ): Promise<FieldSeries> => {
      const notFound = () => new SatiotError('TERMINAL_NOT_FOUND', `no terminal ${devEui}`);
      const t = core.registry.byDevEui(devEui.toLowerCase());
      if (!t) throw notFound();
      const p = checkTenant(req, t.record.tenantId, notFound);
      if (!access.seesPayloads(p) && !field.startsWith('meta.'))
        throw new SatiotError('FORBIDDEN', 'decoded fields are payload, which this key may not see');
      const s = await core.messageQueries.fieldSeries(
        t.record.id,
        field,
        { ...(q.from ? { from: Date.parse(q.from) } : {}), ...(q.to ? { to: Date.parse(q.to) } : {}) },
        { location: t.record.location, reportedPositions: access.seesPayloads(p) },
      );
      if (s.t.length < MIN_VALUES)
        throw new SatiotError(
          'SERIES_INVALID',
          `the terminal has ${s.t.length} numeric values at ${field} in the range; at least ${MIN_VALUES} are needed`,
          { field, values: s.t.length },
        );
      return s;
    };

    app.get<{
      Params: { devEui: string };
      Querystring: { field: string; horizon: number; level: number; from?: string; to?: string };
    }>(
      '/api/v1/terminals/:devEui/forecast',
      {
        schema: {
          summary:
            "Forecast a decoded field: the next `horizon` steps at the series' own spacing, with a " +
            'prediction interval (docs/intelligence.md)',
          tags: ['intelligence'],
          ...secured,
          params: devEuiParams,
          querystring: {
            type: 'object',
            required: ['field', 'horizon'],
            additionalProperties: false,
            properties: {
              field: fieldParam,
              horizon: { type: 'integer', minimum: 1, maximum: 1000 },
              level: { type: 'number', minimum: 0.5, maximum: 0.99, default: 0.8 },
              ...range,
            },
          },
          response: {
            200: {
              type: 'object',
              required: ['field', 'forecast', 'model', 'observations'],
              properties: {
                field: { type: 'string' },
                observations: { type: 'integer', description: 'values the model was fitted to' },
                forecast: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['timestamp', 'value', 'lower', 'upper'],
                    properties: {
                      timestamp: { type: 'string' },
                      value: { type: 'number' },
                      lower: { type: 'number' },
                      upper: { type: 'number' },
                    },
                  },
                },
                model: modelSchema,
              },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        const q = req.query;
        const s = await seriesOf(req, req.params.devEui, q.field, q);
        const f = forecastSeries(s, q.horizon, augursEngine(), { level: q.level });
        return {
          field: q.field,
          observations: s.t.length,
          forecast: f.points.map((p) => ({ timestamp: iso(p.t), value: p.value, lower: p.lower, upper: p.upper })),
          model: { ...f.model, trainedFrom: iso(f.model.trainedFrom), trainedTo: iso(f.model.trainedTo) },
        };
      },
    );

    app.get<{ Params: { devEui: string }; Querystring: { level: number } }>(
      '/api/v1/terminals/:devEui/next-message',
      {
        schema: {
          summary:
            "When the terminal's next message should reach the core: a median and an interval learned from " +
            'its own capture gaps and delivery delays, in the passes over it (docs/intelligence.md)',
          tags: ['intelligence'],
          ...secured,
          params: devEuiParams,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { level: { type: 'number', minimum: 0.5, maximum: 0.99, default: 0.8 } },
          },
          response: {
            200: {
              type: 'object',
              required: ['devEui', 'at', 'lastCapturedAt', 'lastIngestedAt', 'expected', 'overdue', 'model'],
              properties: {
                devEui: { type: 'string' },
                at: { type: 'string', description: "when the forecast was made (the core's clock)" },
                lastCapturedAt: { type: ['string', 'null'] },
                lastIngestedAt: { type: ['string', 'null'] },
                expected: {
                  type: ['object', 'null'],
                  required: ['lower', 'median', 'upper'],
                  description:
                    'null: too little history (fewer than 3 gaps), or late (every gap and delay the ' +
                    'terminal has shown would have brought a message by now)',
                  properties: { lower: { type: 'string' }, median: { type: 'string' }, upper: { type: 'string' } },
                },
                overdue: {
                  type: 'boolean',
                  description: 'silent for twice its longest gap plus its longest delivery delay',
                },
                model: modelSchema,
              },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        const notFound = () => new SatiotError('TERMINAL_NOT_FOUND', `no terminal ${req.params.devEui}`);
        const t = core.registry.byDevEui(req.params.devEui.toLowerCase());
        if (!t) throw notFound();
        checkTenant(req, t.record.tenantId, notFound);
        const f = await core.nextMessage(t.record, req.query.level);
        return {
          devEui: t.record.devEui,
          at: iso(f.at),
          lastCapturedAt: isoOrNull(f.lastCapturedAt),
          lastIngestedAt: isoOrNull(f.lastIngestedAt),
          expected: f.expected && {
            lower: iso(f.expected.lower),
            median: iso(f.expected.median),
            upper: iso(f.expected.upper),
          },
          overdue: f.overdue,
          model: {
            ...f.model,
            nextContact: f.model.nextContact && {
              start: iso(f.model.nextContact.start),
              end: iso(f.model.nextContact.end),
            },
          },
        };
      },
    );

    app.get<{
      Params: { devEui: string };
      Querystring: { field: string; threshold: number; from?: string; to?: string };
    }>(
      '/api/v1/terminals/:devEui/anomalies',
      {
        schema: {
          summary:
            'Anomalies of a decoded field: values scored 0..1 for how far they stand from what their ' +
            'neighbourhood expects, with that expectation and band (docs/intelligence.md)',
          tags: ['intelligence'],
          ...secured,
          params: devEuiParams,
          querystring: {
            type: 'object',
            required: ['field'],
            additionalProperties: false,
            properties: {
              field: fieldParam,
              threshold: { type: 'number', minimum: 0.01, maximum: 1, default: 0.5 },
              ...range,
            },
          },
          response: {
            200: {
              type: 'object',
              required: ['field', 'anomalies', 'model', 'observations'],
              properties: {
                field: { type: 'string' },
                observations: { type: 'integer' },
                anomalies: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['timestamp', 'score', 'reason', 'value', 'expected', 'lower', 'upper'],
                    properties: {
                      timestamp: { type: 'string', description: 'capture time of the message' },
                      score: { type: 'number' },
                      reason: { type: 'string', enum: ['deviation', 'flatline'] },
                      value: { type: 'number' },
                      expected: { type: 'number' },
                      lower: { type: 'number' },
                      upper: { type: 'number' },
                    },
                  },
                },
                model: modelSchema,
              },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        const q = req.query;
        const s = await seriesOf(req, req.params.devEui, q.field, q);
        if (q.field === 'meta.fCntGap') {
          // Lost frames are counts, judged against the terminal's own loss rate (learn/link.ts).
          const scored = frameLossScores(s.y, q.threshold);
          const lossRate = scored.length ? Math.min(...scored.map((x) => x.lossRate)) : 0;
          return {
            field: q.field,
            observations: s.t.length,
            anomalies: scored.flatMap((x, i) =>
              x.score >= q.threshold
                ? [
                    {
                      timestamp: iso(s.t[i]!),
                      score: x.score,
                      reason: 'deviation',
                      value: s.y[i]!,
                      expected: x.expected,
                      lower: 0,
                      upper: x.upper,
                    },
                  ]
                : [],
            ),
            model: { kind: 'frame-loss', lossRate, threshold: q.threshold },
          };
        }
        // The network's signals repeat values as a matter of course (a whole-dB RSSI, an hourly interval): no
        // stuck-sensor check.
        const r = detectAnomalies(s, { threshold: q.threshold, flatlines: !q.field.startsWith('meta.') });
        return {
          field: q.field,
          observations: s.t.length,
          anomalies: r.anomalies.map((a) => ({
            timestamp: iso(a.t),
            score: a.score,
            reason: a.reason,
            value: a.value,
            expected: a.expected,
            lower: a.lower,
            upper: a.upper,
          })),
          model: { ...r.model, ...(s.baseline ? { baseline: s.baseline } : {}) },
        };
      },
    );
  };
}
