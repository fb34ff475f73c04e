import { describe, expect, it } from 'vitest';
import { evaluateMessage } from '../../src/rules/rule-engine.js';
import { augursEngine } from '../../src/integrations/augurs-engine.js';
import type { RuleState } from '../../src/rules/rule-state.js';
import { HOUR, level, rule, ruleErrorOf, T0, TERMINAL } from './helpers.js';
import type { MessageContext } from '../../src/rules/rule-context.js';

const engine = augursEngine();
/** A river rising 5 cm an hour on its daily cycle: 6.0 m now, the warning line at 7.5 m. */
const rising = (i: number) => 4 + 0.05 * i + 0.1 * Math.sin((2 * Math.PI * i) / 24);
const CREST = { kind: 'forecast', field: 'values.waterLevelM', op: '>=', value: 7.5, horizonMinutes: 12 * 60 };

function feed(
  condition: object,
  n: number,
  withEngine = true,
): Array<{ truth: string; state: RuleState; evidence: Array<Record<string, unknown>> }> {
  const r = rule(condition);
  let state: RuleState | undefined;
  const out = [];
  for (let i = 0; i < n; i++) {
    const ctx: MessageContext = { ...level(T0 + i * HOUR, rising(i)), ...(withEngine ? { engine } : {}) };
    const e = evaluateMessage(r, state, ctx);
    state = e.state;
    out.push({
      truth: e.truth,
      state: e.state,
      evidence: (e.transition?.evidence.conditions ?? []) as Array<Record<string, unknown>>,
    });
  }
  return out;
}

describe('forecast conditions', () => {
  it("raises a pre-alarm when the forecast's upper bound reaches the line within the horizon, carrying when and the interval", () => {
    // After 40 h the level is 6.0 m: 1.5 m below the line, 30 h away at 5 cm/h — outside 12 h.
    const early = feed(CREST, 40);
    expect(early.slice(0, 23).every((e) => e.truth === 'unknown')).toBe(true);
    expect(early.at(-1)!.truth).toBe('false');
    // After 62 h (7.1 m) the line is 8 h away: inside the horizon.
    const late = feed(CREST, 62);
    const first = late.findIndex((e) => e.truth === 'true');
    expect(first).toBeGreaterThan(40);
    const leaf = late[first]!.evidence[0]!;
    expect(leaf).toMatchObject({
      kind: 'forecast',
      truth: 'true',
      quantile: 'upper',
      threshold: 7.5,
      horizonMinutes: 720,
    });
    const crossing = leaf['crossing'] as { at: string; forecast: number; lower: number; upper: number };
    expect(crossing.upper).toBeGreaterThanOrEqual(7.5);
    expect(crossing.lower).toBeLessThanOrEqual(crossing.forecast);
    expect(Date.parse(crossing.at)).toBeLessThanOrEqual(T0 + first * HOUR + 12 * HOUR);
  }, 30_000);

  it('reading the lower bound warns later than the upper one', () => {
    const upper = feed(CREST, 70).findIndex((e) => e.truth === 'true');
    const lower = feed({ ...CREST, quantile: 'lower' }, 70).findIndex((e) => e.truth === 'true');
    expect(upper).toBeGreaterThan(0);
    expect(lower).toBeGreaterThanOrEqual(upper);
  }, 30_000);

  it('is unknown without a forecaster, for a late value, and validates its fields', () => {
    expect(feed(CREST, 30, false).every((e) => e.truth === 'unknown')).toBe(true);
    const r = rule(CREST);
    const s = feed(CREST, 30).at(-1)!.state;
    const late = evaluateMessage(r, s, {
      terminal: TERMINAL,
      message: { id: 'late', capturedAt: T0 + 5 * HOUR + 1, decoded: { values: { waterLevelM: 4 } }, meta: {} },
      engine,
    });
    expect(late.truth).toBe('unknown');
    expect(ruleErrorOf(() => rule({ ...CREST, horizonMinutes: 0 })).path).toBe('condition.horizonMinutes');
    expect(ruleErrorOf(() => rule({ ...CREST, op: '==' })).path).toBe('condition.op');
    expect(ruleErrorOf(() => rule({ ...CREST, quantile: 'median' })).path).toBe('condition.quantile');
    expect(ruleErrorOf(() => rule({ ...CREST, history: 10 })).path).toBe('condition.history');
  });
});
