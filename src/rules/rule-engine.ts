import { evaluateCondition } from './evaluate-condition.js';
import type { Rule } from './rule.js';
import { ruleApplies } from './rule-applies.js';
import type { MessageContext } from './rule-context.js';
import type { RuleEvaluation, RuleTransition } from './rule-evaluation.js';
import { type RuleState, restoreRuleState } from './rule-state.js';

/**
 * Evaluates one rule for one decoded message of one terminal. Pure: the state in is not modified,
 * the state out is to be persisted; nothing is thrown for any decoded object or stored state.
 *
 * Time is event time (capturedAt). Store-and-forward delivers out of order, so a message captured
 * before the newest one already evaluated is *late*, and is handled so that it never rewinds the
 * rule:
 * - its rate samples are inserted in capture order (rate-window.ts);
 * - its threshold and inside/outside values are judged as of its capture time and may raise — an
 *   SOS flag or a flood reading that arrives late is still an alarm, raised at its capture time;
 * - it never clears and never advances the hysteresis clock: newer messages are already known,
 *   and a past false reading says nothing about now;
 * - enter/leave cannot tell which side the terminal came from, so they are unknown for it.
 *
 * Hysteresis: an active alarm clears once the condition has been false for `clearAfterMinutes` of
 * event time without being true in between (unknown readings neither extend nor break the run). A
 * true reading after some false ones, before the clear, is a repeat firing: a second 'raise' that
 * the alarm records as count + 1 rather than a new alarm.
 *
 * Silence rules are timer-driven (evaluateSilence); a message clears their alarm at once.
 * An operator's manual clear does not touch this state: pass `undefined` to start the rule afresh.
 */
export function evaluateMessage(rule: Rule, state: RuleState | undefined, ctx: MessageContext): RuleEvaluation {
  const s = restoreRuleState(rule.condition, state);
  const { terminal, message } = ctx;
  const at = message.capturedAt;
  if (!ruleApplies(rule, terminal) || !Number.isFinite(at)) return { state: s, transition: null, truth: 'unknown' };
  const late = s.latestAt !== null && at < s.latestAt;
  const latestAt = late ? s.latestAt : at;

  if (rule.condition.kind === 'silence') {
    const next: RuleState = { ...s, latestAt, active: false, raisedAt: null, falseSince: null, leaves: {} };
    if (!s.active) return { state: { ...s, latestAt }, transition: null, truth: 'false' };
    return {
      state: next,
      transition: {
        kind: 'clear',
        at,
        evidence: { ruleId: rule.id, messageId: message.id, capturedAt: at, reason: 'heard' },
      },
      truth: 'false',
    };
  }

  const leaves = { ...s.leaves };
  const { truth, evidence: conditions } = evaluateCondition(rule.condition, leaves, {
    decoded: message.decoded,
    meta: message.meta,
    location: terminal.location,
    at,
    late,
    ...(ctx.engine ? { engine: ctx.engine } : {}),
  });
  const next: RuleState = { ...s, leaves, latestAt };
  const evidence = (extra: object): RuleTransition['evidence'] => ({
    ruleId: rule.id,
    messageId: message.id,
    capturedAt: at,
    late,
    ...extra,
    conditions,
  });

  if (truth === 'true') {
    if (!s.active) {
      return {
        state: { ...next, active: true, raisedAt: at, falseSince: null },
        transition: { kind: 'raise', at, evidence: evidence({ repeat: false }) },
        truth,
      };
    }
    // Fired again during the hysteresis hold: the false run is broken and the open alarm counts it.
    // A late true from before the run began belongs to the firing already raised.
    if (s.falseSince !== null && at >= s.falseSince) {
      return {
        state: { ...next, falseSince: null },
        transition: { kind: 'raise', at, evidence: evidence({ repeat: true }) },
        truth,
      };
    }
    return { state: next, transition: null, truth };
  }

  if (truth === 'false' && s.active && !late) {
    const falseSince = s.falseSince ?? at;
    const holdMinutes = rule.clearAfterMinutes ?? 0;
    if (at - falseSince >= holdMinutes * 60_000) {
      return {
        state: { ...next, active: false, raisedAt: null, falseSince: null },
        transition: { kind: 'clear', at, evidence: evidence({ falseSince, clearAfterMinutes: holdMinutes }) },
        truth,
      };
    }
    return { state: { ...next, falseSince }, transition: null, truth };
  }
  return { state: next, transition: null, truth };
}
