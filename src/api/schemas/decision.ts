import { DECISION_POLICIES, DECISION_STATES } from '../../core/ports/decision-store.js';

/** Decisions (src/api/routes/decision-routes.ts) and the learned models that judged them. */

export const decisionSchema = {
  $id: 'Decision',
  type: 'object',
  required: [
    'id',
    'tenantId',
    'devEui',
    'ruleId',
    'alarmId',
    'action',
    'model',
    'confidence',
    'policy',
    'state',
    'createdAt',
    'decidedBy',
    'decidedAt',
    'undoneBy',
    'undoneAt',
  ],
  properties: {
    id: { type: 'string' },
    tenantId: { type: 'string' },
    devEui: { type: 'string' },
    ruleId: { type: 'string' },
    alarmId: { type: 'string' },
    action: {
      type: 'object',
      description: 'what the decision does: a command to the terminal',
      properties: {
        kind: { type: 'string', enum: ['downlink'] },
        fPort: { type: 'integer' },
        payloadHex: { type: 'string' },
        confirmed: { type: 'boolean' },
        priority: { type: 'string' },
        command: {
          type: 'string',
          description: 'the command the bytes were built for, e.g. sl651.intensive-reporting',
        },
      },
    },
    inputs: {
      type: 'object',
      additionalProperties: true,
      description:
        "the alarm's evidence: each condition with the values behind it (left out, with the command's " +
        'payloadHex, for keys that may not see payloads)',
    },
    model: { type: 'string', description: 'what judged the inputs, e.g. rule/anomaly:local-median' },
    modelId: {
      type: ['string', 'null'],
      description:
        'the stored learned model that judged (GET /api/v1/models/{id}: its version, parameters and ' +
        'training window); null for a plain rule',
    },
    confidence: { type: 'number', description: "0..1: a learned condition's score, 1 for a plain rule" },
    policy: { type: 'string', enum: [...DECISION_POLICIES] },
    state: { type: 'string', enum: [...DECISION_STATES] },
    createdAt: { type: 'string' },
    decidedBy: { type: ['string', 'null'], description: 'policy:auto, or who approved or rejected it' },
    decidedAt: { type: ['string', 'null'] },
    reason: { type: ['string', 'null'] },
    undoneBy: { type: ['string', 'null'] },
    undoneAt: { type: ['string', 'null'] },
  },
} as const;

export const learnedModelSchema = {
  $id: 'LearnedModel',
  type: 'object',
  required: [
    'id',
    'tenantId',
    'subject',
    'kind',
    'field',
    'version',
    'trainedFrom',
    'trainedTo',
    'observations',
    'createdAt',
  ],
  properties: {
    id: { type: 'string' },
    tenantId: { type: 'string' },
    subject: { type: 'string', description: "what it models: a terminal's id" },
    devEui: { type: 'string', description: "the terminal's DevEUI, when the subject is a terminal" },
    kind: { type: 'string', description: 'forecast or anomaly' },
    field: { type: 'string', description: 'the field it models, as rules name it' },
    version: { type: 'integer', description: '1, 2, … as the series is refitted' },
    params: {
      type: 'object',
      additionalProperties: true,
      description:
        'the method and what was fitted: seasonal periods, tide, interval, thresholds (left out for keys ' +
        'that may not see payloads)',
    },
    trainedFrom: { type: 'string' },
    trainedTo: { type: 'string' },
    observations: { type: 'integer' },
    createdAt: { type: 'string' },
  },
} as const;
