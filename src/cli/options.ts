import { SatiotError } from '../errors/satiot-error.js';

/**
 * Parses an ISO 8601 time. A date alone means UTC midnight; a date-time without a zone is taken as
 * UTC (satellite work is done in UTC); `now` is the current time. Anything else is INVALID_TIME.
 */
export function parseTime(text: string, what = '--start'): number {
  const s = text.trim();
  if (s === 'now') return Date.now();
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (!m)
    throw new SatiotError('INVALID_TIME', `${what} '${text}' is not an ISO 8601 time such as 2026-01-15T00:00:00Z`, {
      value: text,
    });
  const [, y, mo, d, h = '0', mi = '0', se = '0', frac = '', zone] = m;
  const iso =
    `${y}-${mo}-${d}T${h.padStart(2, '0')}:${mi.padStart(2, '0')}:${se.padStart(2, '0')}.` +
    `${(frac + '000').slice(0, 3)}${zone ? zone.toUpperCase() : 'Z'}`;
  const t = Date.parse(iso);
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (
    !Number.isFinite(t) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(se) > 60
  ) {
    throw new SatiotError('INVALID_TIME', `${what} '${text}' is not a valid calendar time`, { value: text });
  }
  if (Number(y) < 1957 || Number(y) > 2100)
    throw new SatiotError('INVALID_TIME', `${what} '${text}' is outside 1957..2100`, { value: text });
  return t;
}

/** A finite number within [min, max] (inclusive), else INVALID_ARGUMENT naming the flag. */
export function parseNumber(text: string | number, flag: string, min: number, max: number): number {
  const v = typeof text === 'number' ? text : Number(String(text).trim());
  if (String(text).trim() === '' || !Number.isFinite(v))
    throw new SatiotError('INVALID_ARGUMENT', `${flag} '${text}' is not a number`, { flag, value: text });
  if (v < min || v > max)
    throw new SatiotError('INVALID_ARGUMENT', `${flag} ${v} is outside ${min}..${max}`, { flag, value: v });
  return v;
}

export function parseInteger(text: string | number, flag: string, min: number, max: number): number {
  const v = parseNumber(text, flag, min, max);
  if (!Number.isInteger(v))
    throw new SatiotError('INVALID_ARGUMENT', `${flag} ${v} must be an integer`, { flag, value: v });
  return v;
}

/** A window length in hours within (0, max]; an empty or too long window is INVALID_TIME. */
export function parseHours(text: string, max: number, flag = '--hours'): number {
  const v = Number(String(text).trim());
  if (String(text).trim() === '' || !Number.isFinite(v) || v <= 0 || v > max) {
    throw new SatiotError('INVALID_TIME', `${flag} '${text}' must be a number of hours within (0, ${max}]`, {
      flag,
      value: text,
    });
  }
  return v;
}

export function parseChoice<T extends string>(text: string, flag: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(text)) return text as T;
  throw new SatiotError('INVALID_ARGUMENT', `${flag} '${text}' must be one of ${choices.join(', ')}`, {
    flag,
    value: text,
  });
}
