import { describe, expect, it } from 'vitest';
import { evaluateMessage } from '../../src/rules/rule-engine.js';
import { HOUR, kinds, level, MIN, msg, rule, run, T0, TERMINAL } from './helpers.js';

const ABOVE = { kind: 'threshold', field: 'values.waterLevelM', op: '>', value: 12.5 };

describe('threshold conditions', () => {
  it('is true above the threshold and raises, with the value and threshold as evidence', () => {
    const e = evaluateMessage(rule(ABOVE), undefined, level(T0, 13.1));
    expect(e.truth).toBe('true');
    expect(e.transition).toMatchObject({ kind: 'raise', at: T0 });
    expect(e.transition?.evidence.conditions).toEqual([
      {
        path: 'condition',
        kind: 'threshold',
        truth: 'true',
        field: 'values.waterLevelM',
        value: 13.1,
        op: '>',
        threshold: 12.5,
      },
    ]);
  });

  it('is false at or below the threshold and raises nothing', () => {
    const e = evaluateMessage(rule(ABOVE), undefined, level(T0, 12.5));
    expect(e.truth).toBe('false');
    expect(e.transition).toBeNull();
  });

  it('is unknown when the field is missing, not numeric, or nothing was decoded', () => {
    const r = rule(ABOVE);
    expect(evaluateMessage(r, undefined, level(T0, undefined)).truth).toBe('unknown');
    expect(evaluateMessage(r, undefined, msg(T0, { values: { waterLevelM: '13.1' } })).truth).toBe('unknown');
    expect(evaluateMessage(r, undefined, msg(T0, null)).truth).toBe('unknown');
  });

  it.each([
    ['>', 5, 'false'],
    ['>=', 5, 'true'],
    ['<', 5, 'false'],
    ['<=', 5, 'true'],
    ['==', 5, 'true'],
    ['!=', 5, 'false'],
    ['!=', 4, 'true'],
    ['<', 6, 'true'],
  ])('compares with %s against %d', (op, value, truth) => {
    expect(
      evaluateMessage(rule({ kind: 'threshold', field: 'speedKmh', op, value }), undefined, msg(T0, { speedKmh: 5 }))
        .truth,
    ).toBe(truth);
  });

  it('reads message metadata under meta.', () => {
    const r = rule({ kind: 'threshold', field: 'meta.rssi', op: '<', value: -125 });
    expect(evaluateMessage(r, undefined, msg(T0, null, { rssi: -131 })).truth).toBe('true');
    expect(evaluateMessage(r, undefined, msg(T0, null, { rssi: null })).truth).toBe('unknown');
  });

  it('reads JT/T 808 alarm flags as 1 and 0', () => {
    const r = rule({ kind: 'threshold', field: 'alarm.sos', op: '==', value: 1 });
    expect(evaluateMessage(r, undefined, msg(T0, { protocol: 'jt808', alarm: { sos: true } })).truth).toBe('true');
    expect(evaluateMessage(r, undefined, msg(T0, { protocol: 'jt808', alarm: { sos: false } })).truth).toBe('false');
  });

  it('indexes arrays with numeric segments and never reads inherited properties', () => {
    expect(
      evaluateMessage(
        rule({ kind: 'threshold', field: 'readings.1.v', op: '>', value: 1 }),
        undefined,
        msg(T0, { readings: [{ v: 0 }, { v: 2 }] }),
      ).truth,
    ).toBe('true');
    expect(
      evaluateMessage(
        rule({ kind: 'threshold', field: 'constructor.length', op: '>=', value: 0 }),
        undefined,
        msg(T0, {}),
      ).truth,
    ).toBe('unknown');
  });
});

describe('rate conditions', () => {
  const RISE = { kind: 'rate', field: 'values.waterLevelM', windowMinutes: 60, rise: 0.5 };

  it('is true when the field rose by at least `rise` from the oldest sample in the window', () => {
    const evals = run(rule(RISE), [level(T0, 10), level(T0 + 20 * MIN, 10.2), level(T0 + 50 * MIN, 10.5)]);
    expect(evals.map((e) => e.truth)).toEqual(['unknown', 'false', 'true']);
    expect(evals[2]!.transition?.evidence.conditions).toMatchObject([
      {
        kind: 'rate',
        truth: 'true',
        from: [T0, 10],
        to: [T0 + 50 * MIN, 10.5],
        change: 0.5,
        samples: [
          [T0, 10],
          [T0 + 20 * MIN, 10.2],
          [T0 + 50 * MIN, 10.5],
        ],
      },
    ]);
  });

  it('measures from the oldest sample inside the window only', () => {
    // 70 minutes after the first sample it is outside the window; the change from 10.2 is 0.3.
    const evals = run(rule(RISE), [level(T0, 10), level(T0 + 20 * MIN, 10.2), level(T0 + 80 * MIN, 10.5)]);
    expect(evals[2]!.truth).toBe('false');
  });

  it('is true on a fall of at least `fall`', () => {
    const r = rule({ kind: 'rate', field: 'values.voltageV', windowMinutes: 30, fall: 1 });
    const evals = run(r, [msg(T0, { values: { voltageV: 12.4 } }), msg(T0 + 10 * MIN, { values: { voltageV: 11.3 } })]);
    expect(evals[1]!.truth).toBe('true');
  });

  it('is unknown with no earlier sample in the window (no baseline) and when the field is missing', () => {
    const evals = run(rule(RISE), [level(T0, 10), level(T0 + 2 * HOUR, 13), level(T0 + 2 * HOUR + MIN, undefined)]);
    expect(evals.map((e) => e.truth)).toEqual(['unknown', 'unknown', 'unknown']);
  });

  it('keeps at most 256 samples, the newest', () => {
    const r = rule({ kind: 'rate', field: 'values.waterLevelM', windowMinutes: 600, rise: 100 });
    const evals = run(
      r,
      Array.from({ length: 300 }, (_, i) => level(T0 + i * MIN, i)),
    );
    const leaf = evals[299]!.state.leaves.condition;
    expect(leaf?.kind === 'rate' && leaf.samples.length).toBe(256);
    expect(leaf?.kind === 'rate' && leaf.samples[0]).toEqual([T0 + 44 * MIN, 44]);
  });
});

describe('geofence conditions', () => {
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
  const at = (i: number, lat: number, lon: number) =>
    msg(T0 + i * MIN, { protocol: 'jt808', type: 'location', position: { lat, lon, altitudeM: 50 } });
  const IN = [39.5, 116.5] as const,
    OUT = [41, 116.5] as const;

  it('raises enter on the message that crosses into the area, and not again while inside', () => {
    const evals = run(rule({ kind: 'geofence', area: YARD, trigger: 'enter' }), [
      at(0, ...OUT),
      at(1, ...IN),
      at(2, ...IN),
      at(3, ...OUT),
      at(4, ...IN),
    ]);
    expect(evals.map((e) => e.truth)).toEqual(['unknown', 'true', 'false', 'false', 'true']);
    expect(kinds(evals)).toEqual([null, 'raise', 'clear', null, 'raise']);
    expect(evals[1]!.transition?.evidence.conditions).toMatchObject([
      { inside: true, previousInside: false, position: { lat: 39.5, lon: 116.5, source: 'message' } },
    ]);
  });

  it('raises leave on the message that crosses out of the area', () => {
    const evals = run(rule({ kind: 'geofence', area: YARD, trigger: 'leave' }), [
      at(0, ...IN),
      at(1, ...IN),
      at(2, ...OUT),
      at(3, ...OUT),
    ]);
    expect(evals.map((e) => e.truth)).toEqual(['unknown', 'false', 'true', 'false']);
  });

  it('does not call the first position ever seen an enter or a leave', () => {
    expect(
      evaluateMessage(rule({ kind: 'geofence', area: YARD, trigger: 'enter' }), undefined, at(0, ...IN)).truth,
    ).toBe('unknown');
  });

  it('keeps the last known side across messages without a position', () => {
    const noFix = msg(T0 + 90 * 1000, { protocol: 'jt808', type: 'heartbeat' });
    const evals = run(
      rule({ kind: 'geofence', area: YARD, trigger: 'enter' }),
      [at(0, ...OUT), noFix, at(2, ...IN)],
      undefined,
    );
    expect(evals.map((e) => e.truth)).toEqual(['unknown', 'unknown', 'true']);
  });

  it('treats a point on the boundary as inside', () => {
    expect(
      evaluateMessage(rule({ kind: 'geofence', area: YARD, trigger: 'inside' }), undefined, at(0, 39.5, 116)).truth,
    ).toBe('true');
  });

  it('judges inside and outside on every message', () => {
    const r = rule({ kind: 'geofence', area: YARD, trigger: 'outside' });
    expect(run(r, [at(0, ...IN), at(1, ...OUT)]).map((e) => e.truth)).toEqual(['false', 'true']);
  });

  it("falls back to the terminal's registered location, and is unknown without either", () => {
    const r = rule({ kind: 'geofence', area: YARD, trigger: 'inside' });
    const fixed = { ...TERMINAL, location: { lat: 39.9, lon: 116.4 } };
    const e = evaluateMessage(r, undefined, msg(T0, { values: { waterLevelM: 1 } }, {}, fixed));
    expect(e.truth).toBe('true');
    expect(e.transition?.evidence.conditions).toMatchObject([{ position: { source: 'registered' } }]);
    expect(evaluateMessage(r, undefined, msg(T0, { values: { waterLevelM: 1 } })).truth).toBe('unknown');
  });

  it('ignores a position out of range and uses the registered location instead', () => {
    const r = rule({ kind: 'geofence', area: YARD, trigger: 'inside' });
    const e = evaluateMessage(
      r,
      undefined,
      msg(T0, { position: { lat: 95, lon: 116.5 } }, {}, { ...TERMINAL, location: { lat: 0, lon: 0 } }),
    );
    expect(e.truth).toBe('false');
  });
});
