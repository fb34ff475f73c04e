import { describe, expect, it } from 'vitest';
import type { ContactOracle } from '../../src/rules/contact-oracle.js';
import { evaluateSilence } from '../../src/rules/evaluate-silence.js';
import { evaluateMessage } from '../../src/rules/rule-engine.js';
import type { RuleState } from '../../src/rules/rule-state.js';
import { HOUR, level, rule, T0, TERMINAL } from './helpers.js';

const SILENCE = rule({ kind: 'silence', hours: 6, missedContacts: 3 });

/** An oracle with a contact window every `everyMs`, recording what it was asked. */
function contactsEvery(everyMs: number): ContactOracle & { calls: Array<[number, number]> } {
  const calls: Array<[number, number]> = [];
  return {
    calls,
    contactsBetween: (_terminal, from, to) => {
      calls.push([from, to]);
      return Math.floor((to - from) / everyMs);
    },
  };
}

const NO_SATELLITE: ContactOracle = { contactsBetween: () => 0 };

describe('silence', () => {
  it('raises when the terminal stayed silent for the hours and missed enough contacts', () => {
    const e = evaluateSilence(SILENCE, undefined, {
      terminal: TERMINAL,
      now: T0 + 7 * HOUR,
      lastHeardAt: T0,
      contacts: contactsEvery(HOUR),
    });
    expect(e.truth).toBe('true');
    expect(e.transition).toEqual({
      kind: 'raise',
      at: T0 + 7 * HOUR,
      evidence: {
        ruleId: 'r-1',
        lastHeardAt: T0,
        now: T0 + 7 * HOUR,
        silentHours: 7,
        hours: 6,
        contacts: 7,
        missedContacts: 3,
      },
    });
  });

  it('does not raise while no satellite was overhead, however long the silence', () => {
    const e = evaluateSilence(SILENCE, undefined, {
      terminal: TERMINAL,
      now: T0 + 48 * HOUR,
      lastHeardAt: T0,
      contacts: NO_SATELLITE,
    });
    expect(e.truth).toBe('false');
    expect(e.transition).toBeNull();
  });

  it('does not raise with too few contacts', () => {
    const e = evaluateSilence(SILENCE, undefined, {
      terminal: TERMINAL,
      now: T0 + 7 * HOUR,
      lastHeardAt: T0,
      contacts: contactsEvery(3 * HOUR),
    });
    expect(e.transition).toBeNull();
  });

  it('does not raise before the hours have passed, and does not ask the contact plan then', () => {
    const oracle = contactsEvery(HOUR / 4);
    const e = evaluateSilence(SILENCE, undefined, {
      terminal: TERMINAL,
      now: T0 + 5 * HOUR,
      lastHeardAt: T0,
      contacts: oracle,
    });
    expect(e.transition).toBeNull();
    expect(oracle.calls).toEqual([]);
  });

  it('raises at exactly the hours and contacts given', () => {
    const e = evaluateSilence(SILENCE, undefined, {
      terminal: TERMINAL,
      now: T0 + 6 * HOUR,
      lastHeardAt: T0,
      contacts: contactsEvery(2 * HOUR),
    });
    expect(e.transition?.kind).toBe('raise');
  });

  it("learned: unknown without the terminal's next-message forecast, quiet while it is not overdue, raises with the usual gap once it is", () => {
    const r = rule({ kind: 'silence', hours: 6, missedContacts: 0, learned: true });
    const ctx = { terminal: TERMINAL, now: T0 + 7 * HOUR, lastHeardAt: T0, contacts: NO_SATELLITE };
    expect(evaluateSilence(r, undefined, ctx)).toMatchObject({ truth: 'unknown', transition: null });
    expect(
      evaluateSilence(r, undefined, { ...ctx, nextMessage: { overdue: false, medianGapMs: 4 * HOUR, gaps: 30 } }),
    ).toMatchObject({ truth: 'false', transition: null });
    const e = evaluateSilence(r, undefined, {
      ...ctx,
      nextMessage: { overdue: true, medianGapMs: 2 * HOUR, gaps: 30 },
    });
    expect(e.transition).toMatchObject({
      kind: 'raise',
      evidence: { overdue: true, usualGapHours: 2, gaps: 30, silentHours: 7 },
    });
    // The hours stay the least silence: overdue before them is not enough.
    expect(
      evaluateSilence(r, undefined, {
        ...ctx,
        now: T0 + 5 * HOUR,
        nextMessage: { overdue: true, medianGapMs: HOUR, gaps: 30 },
      }).transition,
    ).toBeNull();
  });

  it('learned, with fewer than three gaps to learn from: the hours decide alone, and the evidence says so', () => {
    const r = rule({ kind: 'silence', hours: 6, missedContacts: 0, learned: true });
    const e = evaluateSilence(r, undefined, {
      terminal: TERMINAL,
      now: T0 + 7 * HOUR,
      lastHeardAt: T0,
      contacts: NO_SATELLITE,
      nextMessage: { overdue: false, medianGapMs: null, gaps: 1 },
    });
    expect(e.transition).toMatchObject({
      kind: 'raise',
      evidence: { overdue: false, gaps: 1, learned: 'too little history: the hours decide' },
    });
  });

  it('raises on time alone when missedContacts is 0', () => {
    const r = rule({ kind: 'silence', hours: 6, missedContacts: 0 });
    expect(
      evaluateSilence(r, undefined, { terminal: TERMINAL, now: T0 + 6 * HOUR, lastHeardAt: T0, contacts: NO_SATELLITE })
        .transition?.kind,
    ).toBe('raise');
  });

  it('raises once, not at every check', () => {
    const oracle = contactsEvery(HOUR);
    const first = evaluateSilence(SILENCE, undefined, {
      terminal: TERMINAL,
      now: T0 + 7 * HOUR,
      lastHeardAt: T0,
      contacts: oracle,
    });
    const second = evaluateSilence(SILENCE, first.state, {
      terminal: TERMINAL,
      now: T0 + 8 * HOUR,
      lastHeardAt: T0,
      contacts: oracle,
    });
    expect(second.transition).toBeNull();
    expect(second.state.active).toBe(true);
  });

  it('clears on the next message', () => {
    const raised = evaluateSilence(SILENCE, undefined, {
      terminal: TERMINAL,
      now: T0 + 7 * HOUR,
      lastHeardAt: T0,
      contacts: contactsEvery(HOUR),
    });
    const e = evaluateMessage(SILENCE, raised.state, level(T0 + 7.5 * HOUR, 3));
    expect(e.transition).toMatchObject({ kind: 'clear', at: T0 + 7.5 * HOUR });
    expect(evaluateMessage(SILENCE, e.state, level(T0 + 8 * HOUR, 3)).transition).toBeNull();
  });

  it('clears at a check when the terminal has been heard since the raise', () => {
    const oracle = contactsEvery(HOUR);
    const raised = evaluateSilence(SILENCE, undefined, {
      terminal: TERMINAL,
      now: T0 + 7 * HOUR,
      lastHeardAt: T0,
      contacts: oracle,
    });
    const e = evaluateSilence(SILENCE, raised.state, {
      terminal: TERMINAL,
      now: T0 + 8 * HOUR,
      lastHeardAt: T0 + 7.5 * HOUR,
      contacts: oracle,
    });
    expect(e.transition).toMatchObject({ kind: 'clear', at: T0 + 7.5 * HOUR });
  });

  it('passes the terminal and the silent span to the contact oracle', () => {
    let asked: unknown;
    const oracle: ContactOracle = {
      contactsBetween: (t, from, to) => {
        asked = [t.id, from, to];
        return 5;
      },
    };
    evaluateSilence(SILENCE, undefined, { terminal: TERMINAL, now: T0 + 7 * HOUR, lastHeardAt: T0, contacts: oracle });
    expect(asked).toEqual(['t-1', T0, T0 + 7 * HOUR]);
  });

  it('does nothing without a last-heard time, for a rule that is not a silence rule, or out of scope', () => {
    const ctx = { terminal: TERMINAL, now: T0 + 7 * HOUR, lastHeardAt: T0, contacts: contactsEvery(HOUR) };
    expect(evaluateSilence(SILENCE, undefined, { ...ctx, lastHeardAt: null }).truth).toBe('unknown');
    expect(
      evaluateSilence(rule({ kind: 'threshold', field: 'x', op: '>', value: 1 }), undefined, ctx).transition,
    ).toBeNull();
    expect(
      evaluateSilence(
        rule({ kind: 'silence', hours: 6, missedContacts: 3 }, { scope: { profiles: ['vehicle'] } }),
        undefined,
        ctx,
      ).transition,
    ).toBeNull();
  });

  it('treats a contact count that is not a number as unknown', () => {
    const e = evaluateSilence(SILENCE, undefined, {
      terminal: TERMINAL,
      now: T0 + 7 * HOUR,
      lastHeardAt: T0,
      contacts: { contactsBetween: () => NaN },
    });
    expect(e.truth).toBe('unknown');
  });

  it('keeps its state as plain JSON', () => {
    const e = evaluateSilence(SILENCE, undefined, {
      terminal: TERMINAL,
      now: T0 + 7 * HOUR,
      lastHeardAt: T0,
      contacts: contactsEvery(HOUR),
    });
    const s = JSON.parse(JSON.stringify(e.state)) as RuleState;
    expect(evaluateMessage(SILENCE, s, level(T0 + 8 * HOUR, 1)).transition?.kind).toBe('clear');
  });
});
