import { AlarmError } from './alarm-error.js';
import type { Severity } from './rule.js';

/**
 * An alarm: one episode of a rule's condition on one terminal, from raise to clear.
 *
 *   raised ──acknowledge──▶ acknowledged
 *     │                        │
 *     └──────── clear ─────────┴──▶ cleared   (by the rule, or by an operator)
 *
 * While open (raised or acknowledged) further firings of the same rule on the same terminal are
 * counted on it, not opened as new alarms. Times are Unix ms; they are not checked against each
 * other, because one record mixes event time (a rule raises and clears at capture times) with wall
 * time (an operator acknowledges now), and under store-and-forward a clear captured at 10:20 may
 * arrive after an acknowledgement at 10:30.
 */
export interface Alarm {
  readonly id: string;
  readonly tenantId: string;
  readonly ruleId: string;
  readonly terminalId: string;
  readonly devEui: string;
  readonly severity: Severity;
  readonly state: AlarmState;
  readonly raisedAt: number;
  readonly acknowledgedAt?: number;
  readonly acknowledgedBy?: string;
  readonly clearedAt?: number;
  /** 'rule' when the condition cleared it, else the operator's id. */
  readonly clearedBy?: 'rule' | string;
  /** What made it fire first (the engine's transition evidence). */
  readonly evidence: AlarmEvidence;
  /** Firings while open, the first included: 1 on raise. */
  readonly count: number;
  /** The latest firing counted, when count > 1. */
  readonly lastFiredAt?: number;
  readonly lastEvidence?: AlarmEvidence;
}

export type AlarmState = 'raised' | 'acknowledged' | 'cleared';

export type AlarmEvidence = { readonly [k: string]: unknown };

/** One firing of a rule on a terminal, as the core assembles it from a 'raise' transition. */
export interface AlarmFiring {
  /** The id a new alarm gets; unused when the firing is counted on an open alarm. */
  readonly id: string;
  readonly rule: { readonly id: string; readonly tenantId: string; readonly severity: Severity };
  readonly terminal: { readonly id: string; readonly devEui: string };
  readonly at: number;
  readonly evidence: AlarmEvidence;
}

export function isOpen(a: Alarm): boolean {
  return a.state !== 'cleared';
}

/**
 * A firing: a new alarm when `current` is absent or cleared, else the open alarm with its count
 * bumped (dedupe: one open alarm per rule and terminal). The severity is the one it was raised with.
 */
export function raise(current: Alarm | undefined, firing: AlarmFiring): Alarm {
  if (current !== undefined && isOpen(current)) {
    if (current.ruleId !== firing.rule.id || current.terminalId !== firing.terminal.id) {
      throw new AlarmError(
        `alarm ${current.id} belongs to rule ${current.ruleId} on terminal ${current.terminalId}, not rule ` +
          `${firing.rule.id} on terminal ${firing.terminal.id}`,
        current.id,
      );
    }
    return { ...current, count: current.count + 1, lastFiredAt: firing.at, lastEvidence: firing.evidence };
  }
  if (current !== undefined && current.id === firing.id) {
    throw new AlarmError(
      `alarm ${current.id} is cleared and is not reopened: a new firing needs a new alarm id`,
      current.id,
    );
  }
  return {
    id: firing.id,
    tenantId: firing.rule.tenantId,
    ruleId: firing.rule.id,
    terminalId: firing.terminal.id,
    devEui: firing.terminal.devEui,
    severity: firing.rule.severity,
    state: 'raised',
    raisedAt: firing.at,
    evidence: firing.evidence,
    count: 1,
  };
}

/** An operator takes the alarm on. Only a raised alarm can be acknowledged, and only once. */
export function acknowledge(alarm: Alarm, by: string, at: number): Alarm {
  if (alarm.state !== 'raised')
    throw new AlarmError(`alarm ${alarm.id} is ${alarm.state} and cannot be acknowledged`, alarm.id);
  return { ...alarm, state: 'acknowledged', acknowledgedAt: at, acknowledgedBy: by };
}

/** Ends the alarm: `by` is 'rule' for an automatic clear, else the operator's id. An alarm clears once. */
export function clear(alarm: Alarm, by: 'rule' | string, at: number): Alarm {
  if (alarm.state === 'cleared') throw new AlarmError(`alarm ${alarm.id} is already cleared`, alarm.id);
  return { ...alarm, state: 'cleared', clearedAt: at, clearedBy: by };
}
