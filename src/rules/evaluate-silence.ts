import type { ContactOracle } from './contact-oracle.js';
import { MIN_GAPS } from '../learn/next-message.js';
import type { Rule } from './rule.js';
import { ruleApplies } from './rule-applies.js';
import type { RuleTerminal } from './rule-context.js';
import type { RuleEvaluation } from './rule-evaluation.js';
import { type RuleState, restoreRuleState } from './rule-state.js';

export interface SilenceContext {
  readonly terminal: RuleTerminal;
  /** Wall-clock time of the check, Unix ms. */
  readonly now: number;
  /**
   * Capture time of the terminal's newest message (or its registration time if it never spoke); null: unknown, nothing
   * happens.
   */
  readonly lastHeardAt: number | null;
  readonly contacts: ContactOracle;
  /**
   * The terminal's next-message forecast, for `learned` rules (absent: unknown, nothing happens);
   * the caller computes it only once `hours` have passed.
   */
  readonly nextMessage?: { readonly overdue: boolean; readonly medianGapMs: number | null; readonly gaps: number };
}

/**
 * A silence rule's periodic check (the core calls it on a timer for each terminal in scope).
 *
 * Raises when the terminal has not been heard for `hours` AND the network gave it at least
 * `missedContacts` satellite contacts in that time. Time alone is the wrong test on a
 * store-and-forward network: with a sparse constellation a terminal may wait hours for a satellite
 * (Tianqi's 7 satellites: 43 min on average, over 2 h at the 95th percentile, measured here on
 * 2022 element sets), and a terminal that had no chance to speak is not faulty — raising then would flood
 * operators with alarms about the network's gaps, not the terminals'. Missed contacts are the
 * evidence of a fault: flat battery, broken antenna, a vehicle in a garage.
 *
 * With `learned`, it raises only once the terminal is also overdue by its next-message forecast
 * (`ctx.nextMessage`; unknown without it), or, while it has shown fewer than MIN_GAPS gaps, on the
 * hours alone.
 *
 * Clears on the next message (evaluateMessage), or here when `lastHeardAt` has moved past the
 * value the alarm was raised with. Other rules are left alone (unknown, no transition).
 */
export function evaluateSilence(rule: Rule, state: RuleState | undefined, ctx: SilenceContext): RuleEvaluation {
  const s = restoreRuleState(rule.condition, state);
  const c = rule.condition;
  const { now, lastHeardAt } = ctx;
  if (
    c.kind !== 'silence' ||
    !ruleApplies(rule, ctx.terminal) ||
    !Number.isFinite(now) ||
    lastHeardAt === null ||
    !Number.isFinite(lastHeardAt)
  ) {
    return { state: s, transition: null, truth: 'unknown' };
  }
  const held = s.leaves.condition;
  if (s.active && held?.kind === 'silence' && lastHeardAt > held.lastHeardAt) {
    return {
      state: { ...s, active: false, raisedAt: null, falseSince: null, leaves: {} },
      transition: { kind: 'clear', at: lastHeardAt, evidence: { ruleId: rule.id, reason: 'heard', lastHeardAt } },
      truth: 'false',
    };
  }
  const silentMs = now - lastHeardAt;
  if (silentMs < c.hours * 3_600_000) return { state: s, transition: null, truth: 'false' };
  if (c.learned) {
    if (!ctx.nextMessage) return { state: s, transition: null, truth: 'unknown' };
    // Too little history to know its rhythm (fewer than MIN_GAPS gaps): the hours decide alone.
    if (ctx.nextMessage.gaps >= MIN_GAPS && !ctx.nextMessage.overdue)
      return { state: s, transition: null, truth: 'false' };
  }
  // Asked only once the time has passed: the oracle walks the contact plan.
  const contacts = c.missedContacts === 0 ? null : ctx.contacts.contactsBetween(ctx.terminal, lastHeardAt, now);
  if (contacts !== null && !Number.isFinite(contacts)) return { state: s, transition: null, truth: 'unknown' };
  if (contacts !== null && contacts < c.missedContacts) return { state: s, transition: null, truth: 'false' };
  if (s.active) return { state: s, transition: null, truth: 'true' };
  return {
    state: {
      ...s,
      active: true,
      raisedAt: now,
      falseSince: null,
      leaves: { condition: { kind: 'silence', lastHeardAt } },
    },
    transition: {
      kind: 'raise',
      at: now,
      evidence: {
        ruleId: rule.id,
        lastHeardAt,
        now,
        silentHours: silentMs / 3_600_000,
        hours: c.hours,
        contacts,
        missedContacts: c.missedContacts,
        ...(c.learned && ctx.nextMessage
          ? {
              overdue: ctx.nextMessage.overdue,
              usualGapHours: ctx.nextMessage.medianGapMs === null ? null : ctx.nextMessage.medianGapMs / 3_600_000,
              gaps: ctx.nextMessage.gaps,
              ...(ctx.nextMessage.gaps < MIN_GAPS ? { learned: 'too little history: the hours decide' } : {}),
            }
          : {}),
      },
    },
    truth: 'true',
  };
}
