import { describe, expect, it } from 'vitest';
import { acknowledge, type Alarm, type AlarmFiring, clear, raise } from '../../src/rules/alarm.js';
import { AlarmError } from '../../src/rules/alarm-error.js';
import { T0 } from './helpers.js';
import { thrownBy } from '../support/error-of.js';

const FIRING: AlarmFiring = {
  id: 'a-1',
  rule: { id: 'r-1', tenantId: 'acme', severity: 'critical' },
  terminal: { id: 't-1', devEui: '0011223344556677' },
  at: T0,
  evidence: { field: 'values.waterLevelM', value: 13.1, threshold: 12.5 },
};

const alarmErrorOf = (fn: () => unknown): AlarmError => thrownBy(fn, AlarmError);

describe('alarms', () => {
  it('opens a raised alarm from a firing, counted once', () => {
    expect(raise(undefined, FIRING)).toEqual({
      id: 'a-1',
      tenantId: 'acme',
      ruleId: 'r-1',
      terminalId: 't-1',
      devEui: '0011223344556677',
      severity: 'critical',
      state: 'raised',
      raisedAt: T0,
      evidence: FIRING.evidence,
      count: 1,
    });
  });

  it('counts a firing on the open alarm instead of opening a second one', () => {
    const a = raise(raise(undefined, FIRING), { ...FIRING, id: 'a-2', at: T0 + 1000, evidence: { value: 14 } });
    expect(a).toMatchObject({
      id: 'a-1',
      count: 2,
      raisedAt: T0,
      lastFiredAt: T0 + 1000,
      lastEvidence: { value: 14 },
      evidence: FIRING.evidence,
    });
  });

  it('counts firings on an acknowledged alarm and keeps it acknowledged', () => {
    const a = raise(acknowledge(raise(undefined, FIRING), 'op-7', T0 + 60_000), { ...FIRING, id: 'a-2' });
    expect(a).toMatchObject({ id: 'a-1', state: 'acknowledged', count: 2 });
  });

  it('opens a new alarm when the previous one is cleared', () => {
    const cleared = clear(raise(undefined, FIRING), 'rule', T0 + 60_000);
    expect(raise(cleared, { ...FIRING, id: 'a-2', at: T0 + 120_000 })).toMatchObject({
      id: 'a-2',
      state: 'raised',
      count: 1,
      raisedAt: T0 + 120_000,
    });
  });

  it('acknowledges a raised alarm, recording who and when', () => {
    expect(acknowledge(raise(undefined, FIRING), 'op-7', T0 + 60_000)).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'op-7',
      acknowledgedAt: T0 + 60_000,
    });
  });

  it('clears a raised or acknowledged alarm, by the rule or by an operator', () => {
    const raised = raise(undefined, FIRING);
    expect(clear(raised, 'rule', T0 + 1)).toMatchObject({ state: 'cleared', clearedBy: 'rule', clearedAt: T0 + 1 });
    expect(clear(acknowledge(raised, 'op-7', T0 + 2), 'op-7', T0 + 3)).toMatchObject({
      state: 'cleared',
      clearedBy: 'op-7',
      acknowledgedBy: 'op-7',
    });
  });

  it('accepts a rule clear captured before an acknowledgement made later in wall time', () => {
    const acked = acknowledge(raise(undefined, FIRING), 'op-7', T0 + 30 * 60_000);
    expect(clear(acked, 'rule', T0 + 20 * 60_000).state).toBe('cleared');
  });

  it('does not modify the alarm passed in', () => {
    const raised = raise(undefined, FIRING);
    const copy = structuredClone(raised);
    acknowledge(raised, 'op-7', T0 + 1);
    raise(raised, FIRING);
    clear(raised, 'rule', T0 + 2);
    expect(raised).toEqual(copy);
  });

  it.each<[string, (a: Alarm) => unknown, RegExp]>([
    [
      'acknowledging a cleared alarm',
      (a) => acknowledge(clear(a, 'rule', T0 + 1), 'op-7', T0 + 2),
      /is cleared and cannot be acknowledged/,
    ],
    [
      'acknowledging an alarm twice',
      (a) => acknowledge(acknowledge(a, 'op-7', T0 + 1), 'op-8', T0 + 2),
      /is acknowledged and cannot be acknowledged/,
    ],
    ['clearing an alarm twice', (a) => clear(clear(a, 'rule', T0 + 1), 'op-7', T0 + 2), /is already cleared/],
    [
      "counting another rule's firing on an open alarm",
      (a) => raise(a, { ...FIRING, rule: { ...FIRING.rule, id: 'r-2' } }),
      /belongs to rule r-1 on terminal t-1/,
    ],
    [
      "counting another terminal's firing on an open alarm",
      (a) => raise(a, { ...FIRING, terminal: { id: 't-2', devEui: '0011223344556678' } }),
      /not rule r-1 on terminal t-2/,
    ],
    ['reopening a cleared alarm under its own id', (a) => raise(clear(a, 'rule', T0 + 1), FIRING), /is not reopened/],
  ])('refuses %s with ALARM_STATE', (_what, act, message) => {
    const e = alarmErrorOf(() => act(raise(undefined, FIRING)));
    expect(e.code).toBe('ALARM_STATE');
    expect(e.alarmId).toBe('a-1');
    expect(e.message).toMatch(message);
  });
});
