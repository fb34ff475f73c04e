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
  const { devEuis, profiles, codecs } = rule.scope;
  if (devEuis !== undefined && !devEuis.some((e) => e.toLowerCase() === terminal.devEui.toLowerCase())) return false;
  if (profiles !== undefined && !profiles.includes(terminal.profile)) return false;
  if (codecs !== undefined && (terminal.codec === undefined || !codecs.includes(terminal.codec))) return false;
  return true;
}
