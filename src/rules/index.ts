/**
 * The rules-and-alarms engine: pure (no I/O, no clock), state passed in and out as JSON values.
 * The core stores rules, rule states and alarms, and calls evaluateMessage per decoded message,
 * evaluateSilence on a timer, and raise/acknowledge/clear on transitions and operator actions.
 */
export { RuleError, isRuleError } from './rule-error.js';
export {
  parseRule,
  SEVERITIES,
  type Rule,
  type Severity,
  type RuleScope,
  type RuleAction,
  type DownlinkAction,
} from './rule.js';
export {
  parseCondition,
  conditionFields,
  COMPARISON_OPS,
  CONDITION_KINDS,
  MAX_CONDITION_DEPTH,
  MAX_CONDITION_LEAVES,
  type Condition,
  type ComparisonOp,
  type ThresholdCondition,
  type RateCondition,
  type GeofenceCondition,
  type GeofenceTrigger,
  type SilenceCondition,
  type AllCondition,
  type AnyCondition,
  type NotCondition,
} from './condition.js';
export { type GeofenceArea, areaContains } from './geofence-area.js';
export { type Truth } from './truth.js';
export { MAX_RATE_SAMPLES } from './rate-window.js';
export { type RuleState, type LeafState, initialRuleState } from './rule-state.js';
export type { RuleTerminal, RuleMessage, MessageMeta, MessageContext } from './rule-context.js';
export type { RuleEvaluation, RuleTransition } from './rule-evaluation.js';
export { ruleApplies } from './rule-applies.js';
export { evaluateMessage } from './rule-engine.js';
export type { ContactOracle } from './contact-oracle.js';
export { evaluateSilence, type SilenceContext } from './evaluate-silence.js';
export { AlarmError, isAlarmError } from './alarm-error.js';
export {
  raise,
  acknowledge,
  clear,
  isOpen,
  type Alarm,
  type AlarmState,
  type AlarmEvidence,
  type AlarmFiring,
} from './alarm.js';
