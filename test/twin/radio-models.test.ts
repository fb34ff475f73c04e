import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeProbability, freeSpacePathLossDb, slantRangeKm, uplinkSnrDb } from '../../src/twin/model/link-budget.js';
import { pureAlohaThroughput, resolveCollisions } from '../../src/twin/model/aloha.js';
import { SatelliteBuffer } from '../../src/twin/model/satellite-buffer.js';
import { Random } from '../../src/twin/model/random.js';
import { DEFAULT_RADIO } from '../../src/twin/index.js';

describe('link budget', () => {
  // Hand-computed: 20·log10(1000) = 60, 20·log10(470) = 53.442, + 32.44 → 145.882 dB.
  it('computes free-space loss from the textbook formula', () => {
    expect(freeSpacePathLossDb(1000, 470)).toBeCloseTo(145.882, 3);
    expect(freeSpacePathLossDb(2000, 470) - freeSpacePathLossDb(1000, 470)).toBeCloseTo(6.0206, 4);
  });

  // EIRP 20 dBm = −10 dBW; C/N0 = −10 − 145.882 − 3 − 30 + 228.6 = 39.718 dBHz; 10·log10(125 kHz) = 50.969 → SNR −11.251 dB.
  it('derives the SNR from EIRP, losses, G/T and bandwidth', () => {
    expect(uplinkSnrDb(1000, DEFAULT_RADIO)).toBeCloseTo(-11.251, 2);
    // 1/(1 + e^−8.749) at 8.749 dB of margin with a 1 dB slope.
    expect(decodeProbability(-11.251, DEFAULT_RADIO)).toBeCloseTo(0.99984, 4);
    expect(decodeProbability(DEFAULT_RADIO.requiredSnrDb, DEFAULT_RADIO)).toBe(0.5);
  });

  // √((6371+550)² − 6371²) = √7,310,600 = 2703.81 km at the horizon; the altitude at zenith.
  it('gives the slant range at the horizon and at zenith', () => {
    expect(slantRangeKm(0, 550)).toBeCloseTo(2703.81, 1);
    expect(slantRangeKm(90, 550)).toBeCloseTo(550, 6);
  });
});

describe('ALOHA with capture', () => {
  const air = 1000,
    cap = 6;

  it('loses both of two equal overlapping frames on one channel, keeps both on two channels or apart in time', () => {
    expect([...resolveCollisions([0, 500], [0, 0], [-120, -120], air, cap)]).toEqual([0, 0]);
    expect([...resolveCollisions([0, 500], [0, 1], [-120, -120], air, cap)]).toEqual([1, 1]);
    expect([...resolveCollisions([0, 1000], [0, 0], [-120, -120], air, cap)]).toEqual([1, 1]);
  });

  it('lets the stronger frame through when it is at least the capture margin above', () => {
    expect([...resolveCollisions([0, 300], [0, 0], [-113, -120], air, cap)]).toEqual([1, 0]);
    expect([...resolveCollisions([0, 300], [0, 0], [-115, -120], air, cap)]).toEqual([0, 0]);
    // A frame strong against one neighbour is still lost to a second as strong as itself.
    expect([...resolveCollisions([0, 300, 600], [0, 0, 0], [-110, -120, -110], air, cap)]).toEqual([0, 0, 0]);
  });

  it('agrees with a brute force over every pair', () => {
    const frame = fc.record({
      t: fc.integer({ min: 0, max: 20_000 }),
      ch: fc.integer({ min: 0, max: 2 }),
      pw: fc.integer({ min: -130, max: -100 }),
    });
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 40 }), (fs) => {
        const s = [...fs].sort((a, b) => a.t - b.t);
        const got = resolveCollisions(
          s.map((f) => f.t),
          s.map((f) => f.ch),
          s.map((f) => f.pw),
          air,
          cap,
        );
        s.forEach((f, i) => {
          const lost = s.some((g, j) => j !== i && g.ch === f.ch && Math.abs(g.t - f.t) < air && f.pw - g.pw < cap);
          expect(got[i]).toBe(lost ? 0 : 1);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('matches pure-ALOHA throughput e^(−2G) without capture', () => {
    const rnd = new Random(7);
    for (const g of [0.1, 0.25, 0.5]) {
      const n = 40_000;
      const t: number[] = [];
      let x = 0;
      for (let i = 0; i < n; i++) {
        x += rnd.exponential(air / g);
        t.push(x);
      }
      const ok = resolveCollisions(t, new Array(n).fill(0), new Array(n).fill(-120), air, Infinity);
      const share = ok.reduce((a, b) => a + b, 0) / n;
      expect(share).toBeCloseTo(pureAlohaThroughput(g) / g, 1);
      expect(Math.abs(share - Math.exp(-2 * g))).toBeLessThan(0.015);
    }
  });
});

describe('satellite buffer', () => {
  it('drops the oldest normal frame when full and dumps emergencies first', () => {
    const b = new SatelliteBuffer(3);
    expect([b.push(1, false), b.push(2, false), b.push(3, false)]).toEqual([-1, -1, -1]);
    expect(b.push(4, false)).toBe(1);
    expect(b.push(5, true)).toBe(2);
    expect(b.size).toBe(3);
    expect([b.shift(), b.shift(), b.shift(), b.shift()]).toEqual([5, 3, 4, -1]);
  });

  it('refuses a normal frame when only emergencies are on board, and evicts the oldest emergency for a new one', () => {
    const b = new SatelliteBuffer(2);
    b.push(1, true);
    b.push(2, true);
    expect(b.push(3, false)).toBe(3);
    expect(b.push(4, true)).toBe(1);
    expect([b.shift(), b.shift()]).toEqual([2, 4]);
    expect(b.peak).toBe(2);
  });

  it('never holds more than its capacity and never loses an emergency while a normal frame is on board', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.boolean(), fc.constant(null)), { maxLength: 200 }),
        fc.integer({ min: 1, max: 10 }),
        (ops, cap) => {
          const b = new SatelliteBuffer(cap);
          const on = new Map<number, boolean>();
          let id = 0;
          for (const op of ops) {
            if (op === null) {
              const x = b.shift();
              if (x >= 0) on.delete(x);
              continue;
            }
            const me = id++;
            const normalsBefore = [...on.values()].some((e) => !e);
            const d = b.push(me, op);
            on.set(me, op);
            if (d >= 0) {
              if (on.get(d) === true && d !== me) expect(normalsBefore).toBe(false);
              on.delete(d);
            }
            expect(b.size).toBeLessThanOrEqual(cap);
            expect(b.size).toBe(on.size);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
