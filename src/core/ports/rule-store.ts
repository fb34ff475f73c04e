import type { Rule, RuleState } from '../../rules/index.js';

/** The key of a (rule, terminal) pair in RuleStore.getStates' answer. */
export function ruleStateKey(ruleId: string, terminalId: string): string {
  return `${ruleId}\n${terminalId}`;
}

/** Tenants' rules and each rule's state per terminal. */
export interface RuleStore {
  /**
   * Creates or replaces a rule (validated by the rules engine's parser before it gets here); an
   * unknown tenant is TENANT_NOT_FOUND.
   */
  save(r: Rule, at: number): Promise<void>;
  get(id: string): Promise<Rule | undefined>;
  /** One tenant's rules, oldest first. */
  list(tenantId: string): Promise<Rule[]>;
  /** Deletes a rule and its per-terminal states (its alarms stay, as history); false when there was none. */
  delete(id: string): Promise<boolean>;
  getState(ruleId: string, terminalId: string): Promise<RuleState | undefined>;
  saveState(ruleId: string, terminalId: string, state: RuleState): Promise<void>;
  /** The states of many (rule, terminal) pairs in a few queries, by ruleStateKey; pairs without one are absent. */
  getStates(pairs: ReadonlyArray<{ ruleId: string; terminalId: string }>): Promise<Map<string, RuleState>>;
  /** Creates or replaces many states in a few statements (for a pair given twice, the last wins). */
  saveStates(states: ReadonlyArray<{ ruleId: string; terminalId: string; state: RuleState }>): Promise<void>;
}
