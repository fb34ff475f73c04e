import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluateMessage } from '../../src/rules/rule-engine.js';
import { ruleApplies } from '../../src/rules/rule-applies.js';
import type { RuleState } from '../../src/rules/rule-state.js';
import { allOf, anyOf, notOf, type Truth } from '../../src/rules/truth.js';
import { HOUR, kinds, level, MIN, msg, rule, run, T0, TERMINAL } from './helpers.js';

const ABOVE = { kind: 'threshold', field: 'values.waterLevelM', op: '>', value: 12.5 };
const T: Truth[] = ['true', 'false', 'unknown'];

describe('three-valued combinations', () => {
  it("follows Kleene's tables for all, any and not", () => {
    for (const a of T) {
      for (const b of T) {
        const all = a === 'false' || b === 'false' ? 'false' : a === 'unknown' || b === 'unknown' ? 'unknown' : 'true';
        const any = a === 'true' || b === 'true' ? 'true' : a === 'unknown' || b === 'unknown' ? 'unknown' : 'false';
        expect(allOf([a, b]), `${a} all ${b}`).toBe(all);
        expect(anyOf([a, b]), `${a} any ${b}`).toBe(any);
      }
    }
    expect(T.map(notOf)).toEqual(['false', 'true', 'unknown']);
  });

  // rssi missing → unknown; waterLevelM 13 → true; voltageV 12.1 > 13 → false.
  const UNKNOWN = { kind: 'threshold', field: 'meta.rssi', op: '<', value: -120 };
  const TRUE = ABOVE;
  const FALSE = { kind: 'threshold', field: 'values.voltageV', op: '>', value: 13 };
  const truth = (condition: unknown) => evaluateMessage(rule(condition), undefined, level(T0, 13)).truth;

  it('makes all unknown when a part is unknown and none is false, and false when one is false', () => {
    expect(truth({ kind: 'all', conditions: [TRUE, UNKNOWN] })).toBe('unknown');
    expect(truth({ kind: 'all', conditions: [TRUE, UNKNOWN, FALSE] })).toBe('false');
    expect(truth({ kind: 'all', conditions: [TRUE, TRUE] })).toBe('true');
  });

  it('makes any true when one part is true despite unknowns, and unknown when the rest are false', () => {
    expect(truth({ kind: 'any', conditions: [UNKNOWN, TRUE] })).toBe('true');
    expect(truth({ kind: 'any', conditions: [UNKNOWN, FALSE] })).toBe('unknown');
    expect(truth({ kind: 'any', conditions: [FALSE, FALSE] })).toBe('false');
  });

  it('keeps not of unknown unknown', () => {
    expect(truth({ kind: 'not', condition: UNKNOWN })).toBe('unknown');
    expect(truth({ kind: 'not', condition: FALSE })).toBe('true');
  });

  it('reports every leaf with its path and truth as evidence', () => {
    const e = evaluateMessage(
      rule({ kind: 'any', conditions: [UNKNOWN, { kind: 'not', condition: FALSE }] }),
      undefined,
      level(T0, 13),
    );
    expect(
      (e.transition?.evidence.conditions as Array<{ path: string; truth: string }>).map((c) => [c.path, c.truth]),
    ).toEqual([
      ['condition.any[0]', 'unknown'],
      ['condition.any[1].not', 'false'],
    ]);
  });

  it('evaluates every leaf, so a rate window fills even when another part already decided', () => {
    const r = rule({
      kind: 'any',
      conditions: [ABOVE, { kind: 'rate', field: 'values.waterLevelM', windowMinutes: 60, rise: 1 }],
    });
    const evals = run(r, [level(T0, 13), level(T0 + MIN, 14)]);
    const leaf = evals[1]!.state.leaves['condition.any[1]'];
    expect(leaf?.kind === 'rate' && leaf.samples.length).toBe(2);
  });
});

describe('raising and clearing', () => {
  it('raises once while the condition stays true, and clears on the first false without hysteresis', () => {
    const evals = run(rule(ABOVE), [level(T0, 13), level(T0 + MIN, 14), level(T0 + 2 * MIN, 12)]);
    expect(kinds(evals)).toEqual(['raise', null, 'clear']);
    expect(evals[2]!.transition).toMatchObject({
      kind: 'clear',
      at: T0 + 2 * MIN,
      evidence: { falseSince: T0 + 2 * MIN, clearAfterMinutes: 0 },
    });
  });

  it('neither raises nor clears on unknown', () => {
    const evals = run(rule(ABOVE), [
      level(T0, undefined),
      level(T0 + MIN, 13),
      level(T0 + 2 * MIN, undefined),
      msg(T0 + 3 * MIN, null),
    ]);
    expect(kinds(evals)).toEqual([null, 'raise', null, null]);
    expect(evals[3]!.state.active).toBe(true);
  });

  it('clears only after the condition stayed false for clearAfterMinutes', () => {
    const r = rule(ABOVE, { clearAfterMinutes: 30 });
    const evals = run(r, [level(T0, 13), level(T0 + 10 * MIN, 12), level(T0 + 25 * MIN, 12), level(T0 + 40 * MIN, 12)]);
    expect(kinds(evals)).toEqual(['raise', null, null, 'clear']);
    expect(evals[3]!.transition?.evidence).toMatchObject({ falseSince: T0 + 10 * MIN, clearAfterMinutes: 30 });
  });

  it('restarts the hysteresis clock when the condition fires again during it, counting a repeat firing', () => {
    const r = rule(ABOVE, { clearAfterMinutes: 30 });
    const evals = run(r, [
      level(T0, 13),
      level(T0 + 10 * MIN, 12),
      level(T0 + 20 * MIN, 13),
      level(T0 + 45 * MIN, 12),
      level(T0 + 70 * MIN, 12),
      level(T0 + 80 * MIN, 12),
    ]);
    expect(kinds(evals)).toEqual(['raise', null, 'raise', null, null, 'clear']);
    expect(evals[2]!.transition?.evidence.repeat).toBe(true);
  });

  it('does not let unknown readings break or extend a run of false ones', () => {
    const r = rule(ABOVE, { clearAfterMinutes: 30 });
    const evals = run(r, [
      level(T0, 13),
      level(T0 + 10 * MIN, 12),
      level(T0 + 20 * MIN, undefined),
      level(T0 + 40 * MIN, 12),
    ]);
    expect(kinds(evals)).toEqual(['raise', null, null, 'clear']);
  });

  it('raises again after a clear', () => {
    expect(kinds(run(rule(ABOVE), [level(T0, 13), level(T0 + MIN, 12), level(T0 + 2 * MIN, 13)]))).toEqual([
      'raise',
      'clear',
      'raise',
    ]);
  });
});

describe('out-of-order messages', () => {
  it('raises on a late message whose reading was true at its capture time, at that time', () => {
    const evals = run(rule(ABOVE), [level(T0 + 10 * MIN, 12), level(T0, 13)]);
    expect(evals[1]!.transition).toMatchObject({ kind: 'raise', at: T0, evidence: { late: true, capturedAt: T0 } });
    expect(evals[1]!.state.latestAt).toBe(T0 + 10 * MIN);
  });

  it('does not clear on a late false reading', () => {
    const evals = run(rule(ABOVE), [level(T0 + 10 * MIN, 13), level(T0, 12)]);
    expect(kinds(evals)).toEqual(['raise', null]);
    expect(evals[1]!.state.active).toBe(true);
  });

  it('does not count a late true from before the false run as a repeat firing', () => {
    const r = rule(ABOVE, { clearAfterMinutes: 60 });
    const evals = run(r, [level(T0, 13), level(T0 + 20 * MIN, 12), level(T0 + 10 * MIN, 14)]);
    expect(kinds(evals)).toEqual(['raise', null, null]);
    expect(evals[2]!.state.falseSince).toBe(T0 + 20 * MIN);
  });

  it('inserts a late sample into the rate window in capture order', () => {
    const r = rule({ kind: 'rate', field: 'values.waterLevelM', windowMinutes: 60, rise: 1 });
    // The 08:00 reading arrives last. Its own window (07:00–08:00) holds nothing older: unknown.
    const evals = run(r, [level(T0 + 30 * MIN, 10.5), level(T0 + 50 * MIN, 11.2), level(T0, 10)]);
    expect(evals.map((e) => e.truth)).toEqual(['unknown', 'false', 'unknown']);
    const leaf = evals[2]!.state.leaves.condition;
    expect(leaf?.kind === 'rate' && leaf.samples).toEqual([
      [T0, 10],
      [T0 + 30 * MIN, 10.5],
      [T0 + 50 * MIN, 11.2],
    ]);
    // The next reading in order measures from the late one: 11.1 − 10 (without it, 11.1 − 10.5).
    expect(evaluateMessage(r, evals[2]!.state, level(T0 + 55 * MIN, 11.1)).truth).toBe('true');
  });

  it('judges a late rate sample over its own window, ending at its capture time', () => {
    const r = rule({ kind: 'rate', field: 'values.waterLevelM', windowMinutes: 60, rise: 1 });
    const evals = run(r, [level(T0, 10), level(T0 + 50 * MIN, 10), level(T0 + 20 * MIN, 11.5)]);
    expect(evals[2]!.transition).toMatchObject({ kind: 'raise', at: T0 + 20 * MIN });
  });

  it('is unknown for a late rate sample whose window was already dropped', () => {
    const r = rule({ kind: 'rate', field: 'values.waterLevelM', windowMinutes: 60, rise: 1 });
    const evals = run(r, [level(T0, 10), level(T0 + 3 * HOUR, 10), level(T0 + 10 * MIN, 12)]);
    expect(evals[2]!.truth).toBe('unknown');
    const leaf = evals[2]!.state.leaves.condition;
    expect(leaf?.kind === 'rate' && leaf.samples).toEqual([[T0 + 3 * HOUR, 10]]);
  });

  it('does not judge enter or leave on a late position, nor let it move the remembered side', () => {
    const YARD = {
      type: 'Polygon',
      coordinates: [
        [
          [116, 39],
          [117, 39],
          [117, 40],
          [116, 40],
          [116, 39],
        ],
      ],
    };
    const pos = (i: number, lat: number) => msg(T0 + i * MIN, { position: { lat, lon: 116.5 } });
    const evals = run(rule({ kind: 'geofence', area: YARD, trigger: 'enter' }), [
      pos(0, 41),
      pos(10, 41),
      pos(5, 39.5),
      pos(11, 39.5),
    ]);
    expect(evals.map((e) => e.truth)).toEqual(['unknown', 'false', 'unknown', 'true']);
  });

  it('gives the same window, truth and alarm state for any arrival order of the same samples', () => {
    const r = rule({ kind: 'rate', field: 'values.waterLevelM', windowMinutes: 120, rise: 0.5, fall: 0.5 });
    // Samples all inside the probe's window, or spread over five hours so that some are dropped.
    const spanS = fc.constantFrom(119 * 60, 5 * 3600);
    const samples = spanS.chain((span) =>
      fc
        .uniqueArray(fc.integer({ min: 0, max: span }), { minLength: 2, maxLength: 30 })
        .chain((times) =>
          fc.tuple(
            fc.constant(span),
            fc.constant(times.map((t) => T0 + t * 1000)),
            fc.array(fc.double({ min: 0, max: 20, noNaN: true }), { minLength: times.length, maxLength: times.length }),
          ),
        ),
    );
    const cases = samples.chain(([span, times, values]) => {
      const pairs = times.map((t, i) => [t, values[i]!] as const);
      return fc.tuple(fc.constant(span), fc.constant(pairs), fc.shuffledSubarray(pairs, { minLength: pairs.length }));
    });
    fc.assert(
      fc.property(cases, ([span, pairs, shuffled]) => {
        const probe = level(T0 + span * 1000 + 30_000, 10);
        const finish = (order: ReadonlyArray<readonly [number, number]>) => {
          const evals = run(r, [...order.map(([t, v]) => level(t, v)), probe]);
          return evals[evals.length - 1]!;
        };
        const a = finish([...pairs].sort((x, y) => x[0] - y[0])),
          b = finish(shuffled);
        expect(b.truth).toBe(a.truth);
        expect(b.state.leaves).toEqual(a.state.leaves);
        expect(b.state.latestAt).toBe(a.state.latestAt);
        // A known truth decides the alarm; after an unknown one it still shows history (a late
        // sample may have raised for a past change that the in-order run raised and cleared).
        if (a.truth !== 'unknown') expect(b.state.active).toBe(a.state.active);
      }),
      { numRuns: 300 },
    );
  });
});

describe('scope', () => {
  it('applies a rule to terminals matching every scope list given', () => {
    const r = rule(ABOVE, {
      scope: { devEuis: ['0011223344556677'], profiles: ['fixed-collector'], codecs: ['sl651'] },
    });
    expect(ruleApplies(r, TERMINAL)).toBe(true);
    expect(ruleApplies(r, { ...TERMINAL, devEui: '0011223344556678' })).toBe(false);
    expect(ruleApplies(r, { ...TERMINAL, profile: 'vehicle' })).toBe(false);
    expect(ruleApplies(r, { ...TERMINAL, codec: 'jt808' })).toBe(false);
    expect(ruleApplies(rule(ABOVE, { scope: { codecs: ['sl651'] } }), { ...TERMINAL, codec: undefined })).toBe(false);
  });

  it('applies an unscoped rule to every terminal of its tenant, and none of another tenant', () => {
    expect(ruleApplies(rule(ABOVE), { ...TERMINAL, profile: 'vessel', codec: undefined })).toBe(true);
    expect(ruleApplies(rule(ABOVE), { ...TERMINAL, tenantId: 'other' })).toBe(false);
  });

  it('matches DevEUIs regardless of case', () => {
    expect(
      ruleApplies(rule(ABOVE, { scope: { devEuis: ['00AABBCCDDEEFF01'] } }), {
        ...TERMINAL,
        devEui: '00AaBbCcDdEeFf01',
      }),
    ).toBe(true);
  });

  it('evaluates nothing for a disabled rule or a terminal out of scope', () => {
    expect(evaluateMessage(rule(ABOVE, { enabled: false }), undefined, level(T0, 13)).transition).toBeNull();
    expect(
      evaluateMessage(rule(ABOVE, { scope: { profiles: ['vehicle'] } }), undefined, level(T0, 13)).transition,
    ).toBeNull();
  });
});

describe('rule state', () => {
  it('is plain JSON: a state round-tripped through JSON evaluates the same', () => {
    const r = rule(
      { kind: 'all', conditions: [ABOVE, { kind: 'rate', field: 'values.waterLevelM', windowMinutes: 60, rise: 1 }] },
      { clearAfterMinutes: 10 },
    );
    const evals = run(r, [level(T0, 12), level(T0 + 10 * MIN, 13), level(T0 + 20 * MIN, 12)]);
    const s = evals[2]!.state;
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    const next = level(T0 + 40 * MIN, 12);
    expect(evaluateMessage(r, JSON.parse(JSON.stringify(s)) as RuleState, next)).toEqual(evaluateMessage(r, s, next));
  });

  it('does not modify the state passed in', () => {
    const r = rule({ kind: 'rate', field: 'values.waterLevelM', windowMinutes: 60, rise: 1 });
    const s = run(r, [level(T0, 10)])[0]!.state;
    const copy = structuredClone(s);
    evaluateMessage(r, s, level(T0 + MIN, 12));
    expect(s).toEqual(copy);
  });

  it("drops leaf memory when the rule's condition is edited, but still clears an alarm that is up", () => {
    const before = rule({ kind: 'rate', field: 'values.waterLevelM', windowMinutes: 60, rise: 1 });
    const evals = run(before, [level(T0, 10), level(T0 + MIN, 12)]);
    expect(evals[1]!.state.active).toBe(true);
    const after = rule({ kind: 'rate', field: 'values.waterLevelM', windowMinutes: 60, rise: 2 });
    const e = evaluateMessage(after, evals[1]!.state, msg(T0 + 2 * MIN, { values: { waterLevelM: 12 } }));
    const leaf = e.state.leaves.condition;
    expect(leaf?.kind === 'rate' && leaf.samples).toEqual([[T0 + 2 * MIN, 12]]);
    expect(evaluateMessage(rule(ABOVE), evals[1]!.state, level(T0 + 3 * MIN, 1)).transition?.kind).toBe('clear');
  });

  it('starts afresh from a stored state it cannot read', () => {
    for (const junk of [null, 42, 'x', [], { version: 2, active: true }, { version: 1, active: 'yes' }]) {
      expect(evaluateMessage(rule(ABOVE), junk as unknown as RuleState, level(T0, 13)).transition?.kind).toBe('raise');
    }
  });

  it('never throws on arbitrary decoded objects and metadata, and always returns JSON state', () => {
    const YARD = {
      type: 'Polygon',
      coordinates: [
        [
          [116, 39],
          [117, 39],
          [117, 40],
          [116, 40],
          [116, 39],
        ],
      ],
    };
    const r = rule(
      {
        kind: 'any',
        conditions: [
          { kind: 'all', conditions: [ABOVE, { kind: 'threshold', field: 'meta.snr', op: '<', value: -10 }] },
          { kind: 'rate', field: 'values.waterLevelM', windowMinutes: 30, rise: 1 },
          { kind: 'not', condition: { kind: 'geofence', area: YARD, trigger: 'leave' } },
          { kind: 'threshold', field: 'position.lat', op: '>', value: 0 },
        ],
      },
      { clearAfterMinutes: 5 },
    );
    const decoded = fc.oneof(
      fc.constant(null),
      fc.object(),
      fc.record({
        values: fc.dictionary(fc.constantFrom('waterLevelM', 'x'), fc.jsonValue()),
        position: fc.oneof(fc.jsonValue(), fc.record({ lat: fc.double(), lon: fc.double() })),
      }),
    );
    const message = fc.record({
      at: fc.integer({ min: T0 - HOUR, max: T0 + HOUR }),
      decoded,
      meta: fc.dictionary(fc.constantFrom('snr', 'rssi', 'fPort'), fc.jsonValue()),
    });
    fc.assert(
      fc.property(fc.array(message, { maxLength: 12 }), (ms) => {
        const evals = run(
          r,
          ms.map((m) => msg(m.at, m.decoded as object | null, m.meta)),
        );
        const last = evals[evals.length - 1];
        if (last) expect(JSON.parse(JSON.stringify(last.state))).toEqual(last.state);
      }),
      { numRuns: 400 },
    );
  });
});
