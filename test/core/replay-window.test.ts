import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ReplayWindow } from '../../src/core/replay-window.js';

/** A plain set-based model of the window: what was accepted, and the rules of RFC 4303 §3.4.3. */
function model(size: number) {
  const seen = new Set<number>();
  let top = -1;
  return {
    classify(n: number): 'new' | 'seen' | 'below' {
      if (top < 0 || n > top) return 'new';
      if (top - n >= size) return 'below';
      return seen.has(n) ? 'seen' : 'new';
    },
    accept(n: number) {
      seen.add(n);
      top = Math.max(top, n);
    },
  };
}

describe('ReplayWindow', () => {
  it('classifies every counter as a set-based model does, for any arrival order and window size', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(8, 13, 64, 100, 1024),
        fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 300 }),
        (size, arrivals) => {
          let w = ReplayWindow.empty(size);
          const m = model(size);
          for (const n of arrivals) {
            const c = w.classify(n);
            expect(c).toBe(m.classify(n));
            if (c === 'new') {
              w = w.accept(n);
              m.accept(n);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('accepts in place exactly as it accepts into a new window', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(8, 13, 64, 1024),
        fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 200 }),
        (size, arrivals) => {
          let w = ReplayWindow.empty(size);
          const m = ReplayWindow.empty(size).clone();
          for (const n of arrivals) {
            if (w.classify(n) !== 'new') continue;
            w = w.accept(n);
            m.acceptInPlace(n);
            expect([m.top, m.toHex()]).toEqual([w.top, w.toHex()]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('survives a round trip through its stored form', () => {
    let w = ReplayWindow.empty();
    for (const n of [5, 9, 7, 1000, 998, 20]) w = w.accept(n);
    const back = ReplayWindow.fromState(w.top, w.toHex());
    for (let n = 0; n < 1100; n++) expect(back.classify(n)).toBe(w.classify(n));
  });

  it('accepts 11 before 10 and then treats both as seen', () => {
    const w = ReplayWindow.empty().accept(11).accept(10);
    expect([w.classify(10), w.classify(11), w.classify(12), w.classify(9)]).toEqual(['seen', 'seen', 'new', 'new']);
  });
});
