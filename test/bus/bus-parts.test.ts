import { describe, expect, it } from 'vitest';
import { DeadLetterList } from '../../src/bus/dead-letter.js';
import { Fifo } from '../../src/bus/fifo.js';
import { MsgIdWindow } from '../../src/bus/msg-id-window.js';
import {
  DEFAULT_RETRY_POLICY,
  retryPolicyFor,
  retrySpanMs,
  retryDelayMs,
  retryPolicy,
} from '../../src/bus/retry-policy.js';
import { checkConsumerName, patternTokens, subjectMatches, subjectTokens } from '../../src/bus/subject-pattern.js';
import { isSatiotError } from '../../src/errors/satiot-error.js';

const matches = (pattern: string, subject: string): boolean =>
  subjectMatches(patternTokens(pattern), subjectTokens(subject));

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return isSatiotError(e) ? e.code : String(e);
  }
}

describe('subject patterns', () => {
  it.each([
    ['satiot.up.t1.d1', 'satiot.up.t1.d1', true],
    ['satiot.up.*.d1', 'satiot.up.t1.d1', true],
    ['satiot.up.*', 'satiot.up.t1.d1', false],
    ['satiot.up.>', 'satiot.up.t1.d1', true],
    ['satiot.up.>', 'satiot.up', false],
    ['satiot.up.>', 'satiot.up.x', true],
    ['>', 'a', true],
    ['*', 'a.b', false],
    ['satiot.*.t1.>', 'satiot.events.t1.kind', true],
    ['satiot.up.t1', 'satiot.up.t1.d1', false],
    ['satiot.up.t1.d1.x', 'satiot.up.t1.d1', false],
  ])('%s ~ %s → %s', (pattern, subject, expected) => {
    expect(matches(pattern, subject)).toBe(expected);
  });

  it.each(['', 'a..b', '.a', 'a.', 'a b', 'a.*', 'a.>', 'a.b*'])('rejects the subject %j', (s) => {
    expect(code(() => subjectTokens(s))).toBe('INVALID_ARGUMENT');
  });

  it.each(['', 'a..b', 'a.>.b', 'a.b*', 'a.>x', 'a\tb'])('rejects the pattern %j', (p) => {
    expect(code(() => patternTokens(p))).toBe('INVALID_ARGUMENT');
  });

  it('checks durable names', () => {
    expect(code(() => checkConsumerName('decoder_v2-1'))).toBeUndefined();
    for (const bad of ['', 'a.b', 'a*', 'a>', 'a b', 'x'.repeat(65)])
      expect(code(() => checkConsumerName(bad))).toBe('INVALID_ARGUMENT');
  });
});

describe('retry policy', () => {
  it('doubles from the base delay up to the cap', () => {
    const p = retryPolicy({ baseDelayMs: 50, maxDelayMs: 300 });
    expect([1, 2, 3, 4, 5, 60].map((n) => retryDelayMs(p, n))).toEqual([50, 100, 200, 300, 300, 300]);
  });

  it('defaults to redeliveries over at least 15 minutes (12 deliveries, 1 s doubling to 5 min)', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ maxAttempts: 12, baseDelayMs: 1_000, maxDelayMs: 300_000 });
    // 1 + 2 + 4 + … + 256 s, then 300 s twice.
    expect(retrySpanMs(DEFAULT_RETRY_POLICY)).toBe((511 + 600) * 1000);
    expect(retrySpanMs(DEFAULT_RETRY_POLICY)).toBeGreaterThanOrEqual(15 * 60_000);
  });

  it('finds the deliveries that span a wanted time (--retry-for)', () => {
    expect(retryPolicyFor(0).maxAttempts).toBe(1);
    expect(retryPolicyFor(1_000).maxAttempts).toBe(2);
    expect(retryPolicyFor(15 * 60_000)).toEqual(DEFAULT_RETRY_POLICY);
    const hour = retryPolicyFor(3_600_000);
    expect(retrySpanMs(hour)).toBeGreaterThanOrEqual(3_600_000);
    expect(retrySpanMs({ ...hour, maxAttempts: hour.maxAttempts - 1 })).toBeLessThan(3_600_000);
  });

  it('rejects nonsense', () => {
    expect(code(() => retryPolicy({ maxAttempts: 0 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => retryPolicy({ baseDelayMs: 10, maxDelayMs: 5 }))).toBe('INVALID_ARGUMENT');
  });
});

describe('MsgIdWindow', () => {
  it('admits an id once per window and forgets it afterwards', () => {
    let t = 1_000;
    const w = new MsgIdWindow(120_000, () => t);
    expect(w.admit('a')).toBe(true);
    expect(w.admit('a')).toBe(false);
    t += 60_000;
    expect(w.admit('b')).toBe(true);
    t += 60_000; // a expires now
    expect(w.admit('a')).toBe(true);
    expect(w.admit('b')).toBe(false);
    t += 500_000;
    expect(w.admit('c')).toBe(true);
    expect(w.size).toBe(1); // a and b were pruned
  });
});

describe('Fifo', () => {
  it('keeps order across compactions', () => {
    const q = new Fifo<number>();
    const out: number[] = [];
    for (let i = 0; i < 5_000; i++) {
      q.push(i);
      if (i % 3 === 0) out.push(q.shift()!);
    }
    while (q.size > 0) out.push(q.shift()!);
    expect(out).toEqual(Array.from({ length: 5_000 }, (_, i) => i));
    expect(q.shift()).toBeUndefined();
    expect(q.peek()).toBeUndefined();
  });
});

describe('DeadLetterList', () => {
  it('keeps the most recent ones', () => {
    const l = new DeadLetterList(2);
    for (const s of ['a', 'b', 'c']) l.add('c1', { subject: s, data: new Uint8Array() }, 5, new Error(s));
    expect(l.list().map((d) => d.message.subject)).toEqual(['b', 'c']);
    expect(l.list()[1]).toMatchObject({ consumer: 'c1', attempts: 5, error: 'c' });
  });
});
