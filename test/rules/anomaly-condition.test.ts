import { describe, expect, it } from 'vitest';
import { evaluateMessage } from '../../src/rules/rule-engine.js';
import { restoreRuleState } from '../../src/rules/rule-state.js';
import { HOUR, kinds, level, rule, ruleErrorOf, run, T0 } from './helpers.js';

const ANOMALY = { kind: 'anomaly', field: 'values.waterLevelM' };
/** A station's hourly level: a daily cycle and a little noise of its own. */
const normal = (i: number) =>
  5 + 0.3 * Math.sin((2 * Math.PI * i) / 24) + 0.004 * Math.sin(i * 2.3) + 0.003 * Math.cos(i * 5.1);

describe('anomaly conditions', () => {
  it("is unknown until 16 values are known, then false for the station's usual values, and raises on a dropout with the expected level as evidence", () => {
    const r = rule(ANOMALY);
    const msgs = Array.from({ length: 40 }, (_, i) => level(T0 + i * HOUR, normal(i)));
    msgs.push(level(T0 + 40 * HOUR, 0));
    const evals = run(r, msgs);
    expect(evals.slice(0, 15).every((e) => e.truth === 'unknown')).toBe(true);
    expect(evals.slice(15, 40).map((e) => e.truth)).toEqual(new Array(25).fill('false'));
    expect(kinds(evals).at(-1)).toBe('raise');
    const leaf = (evals.at(-1)!.transition!.evidence.conditions as Array<Record<string, unknown>>)[0]!;
    expect(leaf).toMatchObject({
      kind: 'anomaly',
      truth: 'true',
      field: 'values.waterLevelM',
      value: 0,
      score: 1,
      reason: 'deviation',
      minScore: 0.5,
    });
    expect(Math.abs((leaf['expected'] as number) - normal(40))).toBeLessThan(0.1);
  });

  it('keeps only `history` values, judges a late value in its place, and takes one capture time as one reading', () => {
    const r = rule({ ...ANOMALY, history: 16 });
    const evals = run(
      r,
      Array.from({ length: 30 }, (_, i) => level(T0 + i * HOUR, normal(i))),
    );
    const samples = (evals.at(-1)!.state.leaves['condition'] as unknown as { samples: unknown[] }).samples;
    expect(samples).toHaveLength(16);
    // A late copy of hour 25 with the same value: the same reading, nothing unusual.
    const late = evaluateMessage(r, evals.at(-1)!.state, level(T0 + 25 * HOUR, normal(25)));
    expect(late.truth).toBe('false');
    expect((late.state.leaves['condition'] as unknown as { samples: unknown[] }).samples).toHaveLength(16);
    // Older than everything kept: unknown, the history unchanged.
    const ancient = evaluateMessage(r, evals.at(-1)!.state, level(T0 - 100 * HOUR, 0));
    expect(ancient.truth).toBe('unknown');
  });

  it('validates its fields and survives a stored state that was tampered with', () => {
    expect(ruleErrorOf(() => rule({ ...ANOMALY, minScore: 0 })).path).toBe('condition.minScore');
    expect(ruleErrorOf(() => rule({ ...ANOMALY, minScore: 1.5 })).path).toBe('condition.minScore');
    expect(ruleErrorOf(() => rule({ ...ANOMALY, history: 8 })).path).toBe('condition.history');
    expect(ruleErrorOf(() => rule({ ...ANOMALY, window: 4 })).path).toBe('condition.window');
    const r = rule(ANOMALY);
    const s = run(r, [level(T0, 1)])[0]!.state;
    const bad = restoreRuleState(r.condition, {
      ...s,
      leaves: { condition: { kind: 'anomaly', samples: [[1, 'x']] } },
    });
    expect(bad.leaves).toEqual({});
  });
});
