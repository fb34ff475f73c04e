import { describe, expect, it } from 'vitest';
import { parseChoice, parseInteger, parseNumber, parseTime } from '../../src/cli/options.js';
import { SatiotError } from '../../src/errors/satiot-error.js';

/** The SatiotError `fn` throws (fails the test if it throws nothing or something else). */
function thrown(fn: () => unknown): SatiotError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SatiotError);
    return e as SatiotError;
  }
  throw new Error('expected a SatiotError, nothing was thrown');
}

describe('parseTime', () => {
  it('reads an ISO 8601 time ending in Z as that UTC instant', () => {
    expect(parseTime('2026-01-15T00:00:00Z')).toBe(Date.UTC(2026, 0, 15));
    expect(parseTime('2026-01-15T12:34:56Z')).toBe(Date.UTC(2026, 0, 15, 12, 34, 56));
    expect(parseTime('2026-01-15t12:34:56z')).toBe(Date.UTC(2026, 0, 15, 12, 34, 56));
  });

  it('keeps fractional seconds to the millisecond', () => {
    expect(parseTime('2026-01-15T00:00:00.5Z')).toBe(Date.UTC(2026, 0, 15, 0, 0, 0, 500));
    expect(parseTime('2026-01-15T00:00:00.123456Z')).toBe(Date.UTC(2026, 0, 15, 0, 0, 0, 123));
  });

  it('applies an explicit UTC offset, with or without a colon', () => {
    expect(parseTime('2026-01-15T08:00:00+08:00')).toBe(Date.UTC(2026, 0, 15, 0, 0, 0));
    expect(parseTime('2026-01-15T08:00:00+0800')).toBe(Date.UTC(2026, 0, 15, 0, 0, 0));
    expect(parseTime('2026-01-14T18:30:00-05:30')).toBe(Date.UTC(2026, 0, 15, 0, 0, 0));
  });

  it('takes a date alone as UTC midnight', () => {
    expect(parseTime('2026-01-15')).toBe(Date.UTC(2026, 0, 15));
    expect(parseTime('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });

  it('takes a date-time without a zone as UTC, whatever the local zone', () => {
    expect(parseTime('2026-01-15T06:30:00')).toBe(Date.UTC(2026, 0, 15, 6, 30, 0));
    expect(parseTime('2026-01-15T06:30')).toBe(Date.UTC(2026, 0, 15, 6, 30, 0));
    expect(parseTime('2026-01-15 06:30:00')).toBe(Date.UTC(2026, 0, 15, 6, 30, 0));
  });

  it('ignores surrounding whitespace', () => {
    expect(parseTime('  2026-01-15T00:00:00Z \n')).toBe(Date.UTC(2026, 0, 15));
  });

  it("reads 'now' as the current time", () => {
    const before = Date.now();
    const t = parseTime('now');
    const after = Date.now();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(after);
  });

  it.each([
    ['2026-02-30', 'a day past the end of February'],
    ['2025-02-29', 'February 29 of a common year'],
    ['2026-04-31', 'April 31'],
    ['2026-13-01', 'month 13'],
    ['2026-00-10', 'month 0'],
    ['2026-01-15T24:00:00Z', 'hour 24'],
    ['2026-01-15T12:60:00Z', 'minute 60'],
    ['x', 'a word'],
    ['', 'an empty string'],
    ['15/01/2026', 'a day-first date'],
    ['2026-01-15T00:00:00+25:00', 'an offset beyond 24 h'],
    ['NOW', "'now' in capitals"],
  ])('rejects %s (%s) with INVALID_TIME', (text) => {
    const e = thrown(() => parseTime(text));
    expect(e.code).toBe('INVALID_TIME');
  });

  it('names the flag and echoes the value in the INVALID_TIME message', () => {
    const e = thrown(() => parseTime('yesterday', '--epoch'));
    expect(e.message).toContain('--epoch');
    expect(e.message).toContain('yesterday');
    expect(e.details).toMatchObject({ value: 'yesterday' });
    expect(thrown(() => parseTime('x')).message).toContain('--start');
  });

  it('accepts the years 1957 through 2100', () => {
    expect(parseTime('1957-01-01')).toBe(Date.UTC(1957, 0, 1));
    expect(parseTime('2100-12-31T23:59:59Z')).toBe(Date.UTC(2100, 11, 31, 23, 59, 59));
  });

  it.each(['1956-12-31', '1900-01-01', '0050-01-01', '2101-01-01', '9999-12-31T00:00:00Z'])(
    'rejects %s, outside 1957..2100, with INVALID_TIME',
    (text) => {
      const e = thrown(() => parseTime(text));
      expect(e.code).toBe('INVALID_TIME');
      expect(e.message).toMatch(/1957\.\.2100|not a valid/);
    },
  );
});

describe('parseNumber', () => {
  it('returns the number for numeric text or a number within the bounds (inclusive)', () => {
    expect(parseNumber('40', '--lat', -90, 90)).toBe(40);
    expect(parseNumber(' -12.5 ', '--lat', -90, 90)).toBe(-12.5);
    expect(parseNumber('90', '--lat', -90, 90)).toBe(90);
    expect(parseNumber('-90', '--lat', -90, 90)).toBe(-90);
    expect(parseNumber(7, '--hours', 0, 10)).toBe(7);
  });

  it.each(['abc', '', '   ', 'NaN', 'Infinity', '-Infinity', '12abc'])(
    'rejects non-numeric %j with INVALID_ARGUMENT naming the flag',
    (text) => {
      const e = thrown(() => parseNumber(text, '--lat', -90, 90));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain('--lat');
      expect(e.details).toMatchObject({ flag: '--lat' });
    },
  );

  it('rejects NaN and infinite numbers given as numbers', () => {
    expect(thrown(() => parseNumber(Number.NaN, '--alt-m', 0, 1)).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => parseNumber(Number.POSITIVE_INFINITY, '--alt-m', 0, 1)).code).toBe('INVALID_ARGUMENT');
  });

  it('rejects values outside the bounds with INVALID_ARGUMENT naming the flag and the range', () => {
    const hi = thrown(() => parseNumber('95', '--lat', -90, 90));
    expect(hi.code).toBe('INVALID_ARGUMENT');
    expect(hi.message).toContain('--lat');
    expect(hi.message).toContain('-90..90');
    const lo = thrown(() => parseNumber('-0.001', '--hours', 0, 744));
    expect(lo.code).toBe('INVALID_ARGUMENT');
    expect(lo.message).toContain('--hours');
  });
});

describe('parseInteger', () => {
  it('returns integers within the bounds', () => {
    expect(parseInteger('4', '--resolution', 0, 10)).toBe(4);
    expect(parseInteger('0', '--resolution', 0, 10)).toBe(0);
    expect(parseInteger('10', '--resolution', 0, 10)).toBe(10);
  });

  it('rejects a fraction with INVALID_ARGUMENT naming the flag', () => {
    const e = thrown(() => parseInteger('4.5', '--resolution', 0, 10));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('--resolution');
    expect(e.message).toMatch(/integer/);
  });

  it('rejects out-of-range and non-numeric text with INVALID_ARGUMENT naming the flag', () => {
    for (const text of ['12', '-1', 'four']) {
      const e = thrown(() => parseInteger(text, '--resolution', 0, 10));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain('--resolution');
    }
  });
});

describe('parseChoice', () => {
  it('returns one of the allowed choices unchanged', () => {
    expect(parseChoice('json', '--format', ['table', 'json'] as const)).toBe('json');
    expect(parseChoice('table', '--format', ['table', 'json'] as const)).toBe('table');
  });

  it('rejects anything else, including a different case, with INVALID_ARGUMENT naming the flag and the choices', () => {
    for (const text of ['xml', 'JSON', '', ' json']) {
      const e = thrown(() => parseChoice(text, '--format', ['table', 'json'] as const));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain('--format');
      expect(e.message).toContain('table, json');
    }
  });
});
