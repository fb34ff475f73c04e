/**
 * One rule of a preset before it is a tenant's: `solutionRules` (index.ts) gives it its id, tenant,
 * `enabled` and the preset's devEuis, then parses it like any rule.
 */
export type RuleDraft = {
  name: string;
  severity: string;
  scope: Record<string, unknown>;
  condition: Record<string, unknown>;
  clearAfterMinutes?: number;
  action?: unknown;
};
