import { logisticsRules, type LogisticsParams } from './logistics/preset.js';
import { powerRules, type PowerParams } from './power/preset.js';
import { waterRules, type WaterParams } from './water/preset.js';
import { parseRule, type Rule } from '../rules/rule.js';

/**
 * The three first solutions of the trial as rule presets a tenant switches on: each preset turns a
 * few domain parameters (warning lines, icing limits, a depot's geofence) into ordinary rules over
 * the fields the built-in codecs produce. The rules are then the tenant's own, to edit or delete.
 * Parameters are validated by the rule parser like any rule (RuleError naming the bad field).
 */
export type SolutionName = 'water' | 'power' | 'logistics';
export const SOLUTIONS: readonly SolutionName[] = ['water', 'power', 'logistics'];

export type { WaterParams } from './water/preset.js';
export type { PowerParams } from './power/preset.js';
export type { LogisticsParams } from './logistics/preset.js';

export type SolutionParams = WaterParams | PowerParams | LogisticsParams;

/**
 * The rules of a preset for `tenantId`. `newId` makes each rule's id (the core passes a UUID maker).
 * Throws RuleError when a parameter makes an invalid rule.
 */
export function solutionRules(
  solution: SolutionName,
  tenantId: string,
  params: SolutionParams,
  newId: () => string,
): Rule[] {
  const drafts =
    solution === 'water'
      ? waterRules(params as WaterParams)
      : solution === 'power'
        ? powerRules(params as PowerParams)
        : logisticsRules(params as LogisticsParams);
  return drafts.map((d) =>
    parseRule({
      id: newId(),
      tenantId,
      enabled: true,
      ...d,
      scope: { ...d.scope, ...(params.devEuis ? { devEuis: params.devEuis } : {}) },
    }),
  );
}
