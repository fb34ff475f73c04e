import { parseRule, type Rule } from '../../src/rules/rule.js';
import { RuleError } from '../../src/rules/rule-error.js';
import type { MessageContext, MessageMeta, RuleTerminal } from '../../src/rules/rule-context.js';
import { evaluateMessage } from '../../src/rules/rule-engine.js';
import type { RuleEvaluation } from '../../src/rules/rule-evaluation.js';
import type { RuleState } from '../../src/rules/rule-state.js';
import { thrownBy } from '../support/error-of.js';

export const T0 = Date.UTC(2025, 5, 1, 8, 0, 0);
export const MIN = 60_000;
export const HOUR = 3_600_000;

export const TERMINAL: RuleTerminal = {
  id: 't-1',
  devEui: '0011223344556677',
  profile: 'fixed-collector',
  codec: 'sl651',
  tenantId: 'acme',
};

/** A rule through parseRule, with defaults for the fields a test does not care about. */
export function rule(condition: unknown, extra: Record<string, unknown> = {}): Rule {
  return parseRule({ id: 'r-1', tenantId: 'acme', name: 'test rule', severity: 'warning', condition, ...extra });
}

let seq = 0;

/** A message context captured at `at` with the given decoded object. */
export function msg(
  at: number,
  decoded: object | null,
  meta: MessageMeta = {},
  terminal: RuleTerminal = TERMINAL,
): MessageContext {
  return { terminal, message: { id: `m-${++seq}`, capturedAt: at, decoded, meta } };
}

/** Runs messages through one rule in the order given, returning every evaluation. */
export function run(r: Rule, messages: readonly MessageContext[], start?: RuleState): RuleEvaluation[] {
  let state = start;
  return messages.map((m) => {
    const e = evaluateMessage(r, state, m);
    state = e.state;
    return e;
  });
}

/** The transition kinds of a run, null for none: ['raise', null, 'clear']. */
export function kinds(evals: readonly RuleEvaluation[]): Array<'raise' | 'clear' | null> {
  return evals.map((e) => e.transition?.kind ?? null);
}

export function level(at: number, waterLevelM: number | undefined): MessageContext {
  return msg(at, {
    protocol: 'sl651',
    values: waterLevelM === undefined ? { voltageV: 12.1 } : { waterLevelM, voltageV: 12.1 },
  });
}

/** The RuleError a call throws; fails the test when it throws nothing or something else. */
export function ruleErrorOf(fn: () => unknown): RuleError {
  return thrownBy(fn, RuleError);
}
