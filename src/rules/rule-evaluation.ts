import type { RuleState } from './rule-state.js';
import type { Truth } from './truth.js';

/** What one evaluation of a rule for one terminal produced. */
export interface RuleEvaluation {
  /** To persist for the next evaluation of this (rule, terminal). */
  readonly state: RuleState;
  /** A raise (also a repeat firing of an open alarm: see alarm.ts `raise`) or a clear; null most of the time. */
  readonly transition: RuleTransition | null;
  /** The condition's value for this message or tick, for display and tests. */
  readonly truth: Truth;
}

export interface RuleTransition {
  readonly kind: 'raise' | 'clear';
  /** Event time, Unix ms: the capture time of the deciding message, or `now` for silence. */
  readonly at: number;
  /** JSON-safe: the message, the values and limits that decided (per leaf, with its path), window samples. */
  readonly evidence: { readonly [k: string]: unknown };
}
