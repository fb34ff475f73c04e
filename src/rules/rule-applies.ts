import type { Rule } from './rule.js';
import type { RuleTerminal } from './rule-context.js';

/**
 * Whether a rule watches a terminal: enabled, of the terminal's tenant (when the terminal says
 * which), and matching every scope list the rule gives. DevEUIs compare case-insensitively; a
 * terminal without a codec never matches a codec list.
 */
export function ruleApplies(rule: Pick<Rule, 'enabled' | 'tenantId' | 'scope'>, terminal: RuleTerminal): boolean {
  if (!rule.enabled) return false;
  if (terminal.tenantId !== undefined && terminal.tenantId !== rule.tenantId) return false;
  const { devEuis, excludeDevEuis, profiles, codecs } = rule.scope;
  const eui = terminal.devEui.toLowerCase();
  if (devEuis !== undefined && !devEuis.some((e) => e.toLowerCase() === eui)) return false;
  if (excludeDevEuis?.some((e) => e.toLowerCase() === eui)) return false;
  if (profiles !== undefined && !profiles.includes(terminal.profile)) return false;
  if (codecs !== undefined && (terminal.codec === undefined || !codecs.includes(terminal.codec))) return false;
  return true;
}
