import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { forecastNextMessage, naiveNextMessage, type Arrival } from '../../src/learn/next-message.js';
import { Random } from '../../src/twin/model/random.js';

const MIN = 60_000,
  H = 3_600_000,
  T0 = Date.UTC(2026, 5, 1);

/** A terminal reporting every `gapMs` (± jitter), each report reaching the core after a delay drawn from `delay`. */
function reports(n: number, gapMs: number, delay: (r: Random) => number, seed = 1, jitterMs = 0): Arrival[] {
  const r = new Random(seed);
  return Array.from({ length: n }, (_, i) => {
    const capturedAt = T0 + i * gapMs + (jitterMs ? (r.next() - 0.5) * 2 * jitterMs : 0);
    return { capturedAt, ingestedAt: capturedAt + delay(r) };
  });
}

describe('next-message forecast', () => {
  it('an hourly reporter with 10–30 min store-and-forward delays: next due an hour after its last capture plus a delay', () => {
    const h = reports(48, H, (r) => 10 * MIN + r.next() * 20 * MIN);
    const last = h.at(-1)!;
    const f = forecastNextMessage(h, last.ingestedAt + MIN);
    expect(f.overdue).toBe(false);
    expect(f.model).toMatchObject({ kind: 'renewal', gaps: 47, medianGapMs: H, delays: 48, contactPlan: false });
    const e = f.expected!;
    expect(e.median).toBeGreaterThan(last.capturedAt + H + 15 * MIN);
    expect(e.median).toBeLessThan(last.capturedAt + H + 25 * MIN);
    expect(e.lower).toBeGreaterThanOrEqual(last.capturedAt + H + 10 * MIN);
    expect(e.upper).toBeLessThanOrEqual(last.capturedAt + H + 30 * MIN);
  });

  it('a late terminal moves its forecast on with the silence, is late once every gap and delay it has shown would have brought a message, and overdue once it missed its longest gap again', () => {
    const h = reports(48, H, (r) => 10 * MIN + r.next() * 20 * MIN, 2, 10 * MIN);
    const last = h.at(-1)!;
    const onTime = forecastNextMessage(h, last.capturedAt + 30 * MIN).expected!;
    const late = forecastNextMessage(h, last.capturedAt + H + 35 * MIN);
    expect(late.expected!.lower).toBeGreaterThan(last.capturedAt + H + 35 * MIN);
    expect(late.expected!.median).toBeGreaterThan(onTime.median);
    // Later than every gap and delay it has shown (≤ 1 h 10 min + 30 min): late, no forecast, not yet overdue…
    const lateStill = forecastNextMessage(h, last.capturedAt + 2 * H);
    expect([lateStill.overdue, lateStill.expected]).toEqual([false, null]);
    // …overdue once it has missed its longest gap again.
    const gone = forecastNextMessage(h, last.capturedAt + 3 * H + 15 * MIN);
    expect([gone.overdue, gone.expected]).toEqual([true, null]);
  });

  it('a terminal heard only in passes: a report due between passes reaches the core after the next pass', () => {
    const h = reports(30, H, () => 5 * MIN);
    const last = h.at(-1)!;
    // Passes at +1 h 40 min and +3 h: the report due at +1 h waits for the first.
    const passes = [
      { start: last.capturedAt + 100 * MIN, end: last.capturedAt + 110 * MIN },
      { start: last.capturedAt + 3 * H, end: last.capturedAt + 3 * H + 10 * MIN },
    ];
    const f = forecastNextMessage(h, last.ingestedAt + MIN, { contacts: passes });
    expect(f.model.contactPlan).toBe(true);
    expect(f.model.nextContact).toEqual(passes[0]);
    expect(f.expected).toEqual({
      lower: last.capturedAt + 105 * MIN,
      median: last.capturedAt + 105 * MIN,
      upper: last.capturedAt + 105 * MIN,
    });
    // Without the plan it would be due at +1 h 05.
    expect(forecastNextMessage(h, last.ingestedAt + MIN).expected!.median).toBe(last.capturedAt + 65 * MIN);
  });

  it('says nothing from fewer than three gaps; a copy heard twice within a minute is one report, not a gap', () => {
    expect(forecastNextMessage([], T0)).toMatchObject({ expected: null, overdue: false, lastCapturedAt: null });
    const few = reports(3, H, () => MIN);
    expect(forecastNextMessage(few, few.at(-1)!.ingestedAt).expected).toBeNull();
    const copies = reports(10, H, () => MIN).flatMap((a) => [
      a,
      { capturedAt: a.capturedAt + 20_000, ingestedAt: a.ingestedAt + 20_000 },
    ]);
    expect(forecastNextMessage(copies, copies.at(-1)!.ingestedAt).model).toMatchObject({ gaps: 9, medianGapMs: H });
  });

  it("a young terminal borrows its peers' rhythm: forecast from its first report, its own history taking over by the twentieth", () => {
    const peers = reports(60, 2 * H, () => 15 * MIN, 3);
    const prior = {
      key: 'fixed-collector@832830fffffffff',
      terminals: 3,
      gaps: peers.slice(1).map((a, i) => a.capturedAt - peers[i]!.capturedAt),
      delays: peers.map((a) => a.ingestedAt - a.capturedAt),
    };
    const one = [{ capturedAt: T0, ingestedAt: T0 + 15 * MIN }];
    expect(forecastNextMessage(one, T0 + 20 * MIN).expected).toBeNull();
    const f = forecastNextMessage(one, T0 + 20 * MIN, { prior });
    expect(f.expected).toEqual({
      lower: T0 + 2 * H + 15 * MIN,
      median: T0 + 2 * H + 15 * MIN,
      upper: T0 + 2 * H + 15 * MIN,
    });
    expect(f.model.prior).toEqual({ key: 'fixed-collector@832830fffffffff', terminals: 3, gaps: 20, delays: 19 });
    // Five gaps of its own (hourly): fifteen borrowed; twenty-five: none.
    const own = reports(6, H, () => 15 * MIN);
    expect(forecastNextMessage(own, own.at(-1)!.ingestedAt, { prior }).model.prior).toMatchObject({ gaps: 15 });
    const grown = reports(26, H, () => 15 * MIN);
    const g = forecastNextMessage(grown, grown.at(-1)!.ingestedAt, { prior });
    expect([g.model.prior, g.model.medianGapMs]).toEqual([null, H]);
  });

  it('is calibrated: over many forecast times, the next arrival falls in the 80 % interval about 80 % of the time', () => {
    const r = new Random(7);
    let inside = 0,
      n = 0;
    for (let k = 0; k < 40; k++) {
      // A jittery reporter (exponential gaps around 2 h) with long-tailed delays.
      const h: Arrival[] = [];
      let t = T0;
      for (let i = 0; i < 160; i++) {
        t += 20 * MIN + r.exponential(100 * MIN);
        h.push({ capturedAt: t, ingestedAt: t + 5 * MIN + r.exponential(30 * MIN) });
      }
      const byArrival = [...h].sort((a, b) => a.ingestedAt - b.ingestedAt);
      for (let j = 100; j < 150; j += 7) {
        const now = byArrival[j]!.ingestedAt + r.next() * 30 * MIN;
        const known = h.filter((a) => a.ingestedAt <= now);
        const next = Math.min(...h.filter((a) => a.ingestedAt > now).map((a) => a.ingestedAt));
        const f = forecastNextMessage(known, now);
        if (!f.expected) continue;
        n++;
        if (next >= f.expected.lower && next <= f.expected.upper) inside++;
      }
    }
    expect(n).toBeGreaterThan(200);
    expect(inside / n).toBeGreaterThan(0.7);
    expect(inside / n).toBeLessThan(0.9);
  });

  it("never throws on any history, and its interval is ordered and after the forecast's time", () => {
    const arrival = fc
      .record({ capturedAt: fc.integer({ min: T0 - 1e9, max: T0 + 1e9 }), delay: fc.integer({ min: 0, max: 1e8 }) })
      .map((a) => ({ capturedAt: a.capturedAt, ingestedAt: a.capturedAt + a.delay }));
    fc.assert(
      fc.property(fc.array(arrival, { maxLength: 60 }), fc.integer({ min: T0 - 1e9, max: T0 + 2e9 }), (h, now) => {
        const f = forecastNextMessage(h, now);
        if (f.expected) {
          expect(f.expected.lower).toBeLessThanOrEqual(f.expected.median);
          expect(f.expected.median).toBeLessThanOrEqual(f.expected.upper);
          expect(f.expected.lower).toBeGreaterThan(now);
          expect(f.overdue).toBe(false);
        }
      }),
    );
  });

  it('the baseline: the newest arrival plus the median gap between arrivals', () => {
    const h = reports(10, H, () => 10 * MIN);
    expect(naiveNextMessage(h, h.at(-1)!.ingestedAt)).toBe(h.at(-1)!.ingestedAt + H);
    expect(naiveNextMessage(h, h.at(-1)!.ingestedAt + 2 * H)).toBe(h.at(-1)!.ingestedAt + 3 * H);
    expect(naiveNextMessage(h.slice(0, 3), T0 + 10 * H)).toBeNull();
  });
});
