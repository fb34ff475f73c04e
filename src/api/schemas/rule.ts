/** Rules and their alarms (src/api/routes/rule-routes.ts). */

/** Rules are JSON the rules engine validates (docs/rules.md); the schema here only bounds their size. */
export const ruleSchema = {
  $id: 'Rule',
  type: 'object',
  additionalProperties: true,
  required: ['id', 'tenantId', 'name', 'severity', 'enabled', 'scope', 'condition'],
  properties: { id: { type: 'string' }, tenantId: { type: 'string' } },
} as const;

export const alarmSchema = {
  $id: 'Alarm',
  type: 'object',
  required: ['id', 'tenantId', 'ruleId', 'devEui', 'severity', 'state', 'raisedAt', 'count'],
  properties: {
    id: { type: 'string' },
    tenantId: { type: 'string' },
    ruleId: { type: 'string' },
    terminalId: { type: 'string' },
    devEui: { type: 'string' },
    severity: { type: 'string' },
    state: { type: 'string', enum: ['raised', 'acknowledged', 'cleared'] },
    raisedAt: { type: 'string' },
    acknowledgedAt: { type: 'string' },
    acknowledgedBy: { type: 'string' },
    clearedAt: { type: 'string' },
    clearedBy: { type: 'string' },
    count: { type: 'integer' },
    lastFiredAt: { type: 'string' },
    evidence: { type: 'object', additionalProperties: true },
    lastEvidence: { type: 'object', additionalProperties: true },
  },
} as const;
