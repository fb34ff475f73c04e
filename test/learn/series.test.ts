import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseSeriesCsv, parseTimestamp, regularize, spacingMs } from '../../src/learn/series.js';
import { isSatiotError } from '../../src/errors/satiot-error.js';

const codeOf = (f: () => unknown) => {
  try {
    f();
    return 'none';
  } catch (e) {
    return isSatiotError(e) ? e.code : 'other';
  }
};

describe('series CSV', () => {
  it('reads both timestamp forms as UTC, sorts, and refuses what is not a date', () => {
    expect(parseTimestamp('2026-06-01 03:04:05')).toBe(Date.UTC(2026, 5, 1, 3, 4, 5));
    expect(parseTimestamp('2026-06-01T03:04:05Z')).toBe(Date.UTC(2026, 5, 1, 3, 4, 5));
    expect(parseTimestamp('2026-06-01T03:04:05')).toBe(Date.UTC(2026, 5, 1, 3, 4, 5));
    expect(parseTimestamp('2026-06-01T11:04:05+08:00')).toBe(Date.UTC(2026, 5, 1, 3, 4, 5));
    expect(parseTimestamp('2026-02-30 00:00:00')).toBeNaN();
    expect(parseTimestamp('yesterday')).toBeNaN();
    const s = parseSeriesCsv(
      'timestamp,value\n2026-06-01 02:00:00,3\n2026-06-01 00:00:00,1\n\n2026-06-01 01:00:00,2.5\n',
    );
    expect(s.y).toEqual([1, 2.5, 3]);
    expect(spacingMs(s)).toBe(3_600_000);
  });

  it('names the line of each kind of bad input with SERIES_INVALID', () => {
    expect(codeOf(() => parseSeriesCsv('time,value\n'))).toBe('SERIES_INVALID');
    for (const bad of ['2026-06-01 00:00:00,x', 'noon,1', '2026-06-01 00:00:00,1,2', '2026-06-01 00:00:00,']) {
      const text = `timestamp,value\n2026-06-01 01:00:00,1\n${bad}\n2026-06-01 02:00:00,1\n2026-06-01 03:00:00,1`;
      expect(() => parseSeriesCsv(text)).toThrow(/line 3/);
    }
    expect(() =>
      parseSeriesCsv('timestamp,value\n2026-06-01 01:00:00,1\n2026-06-01 01:00:00,2\n2026-06-01 02:00:00,1'),
    ).toThrow(/twice/);
    expect(() => parseSeriesCsv('timestamp,value\n2026-06-01 01:00:00,1')).toThrow(/at least 3/);
  });

  it('never throws anything but SERIES_INVALID on arbitrary text, and reads back any series it is given', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const c = codeOf(() => parseSeriesCsv(`timestamp,value\n${text}`));
        expect(['none', 'SERIES_INVALID']).toContain(c);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 3, maxLength: 40 }),
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 40, maxLength: 40 }),
        (mins, values) => {
          const t0 = Date.UTC(2026, 0, 1);
          const rows = mins.map((m, i) => `${new Date(t0 + m * 60_000).toISOString()},${values[i]}`);
          const s = parseSeriesCsv(`timestamp,value\n${rows.join('\n')}`);
          const sorted = mins.map((m, i) => [t0 + m * 60_000, values[i]!] as const).sort((a, b) => a[0] - b[0]);
          expect(s.t).toEqual(sorted.map((r) => r[0]));
          // "-0" is written as "0": compare values, not signs of zero.
          expect(s.y.map((v) => v + 0)).toEqual(sorted.map((r) => r[1] + 0));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('puts a gappy series on its own grid, carrying the last value over a gap', () => {
    const h = 3_600_000;
    const r = regularize({ t: [0, h, 2 * h, 5 * h, 6 * h], y: [1, 2, 3, 6, 7] });
    expect(r.stepMs).toBe(h);
    expect(r.y).toEqual([1, 2, 3, 3, 3, 6, 7]);
    expect(r.observed).toEqual([true, true, true, false, false, true, true]);
  });
});
