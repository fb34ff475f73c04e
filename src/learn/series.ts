import { SatiotError } from '../errors/satiot-error.js';

/** A time series: strictly increasing times (Unix ms) and their values. */
export interface Series {
  readonly t: readonly number[];
  readonly y: readonly number[];
}

/** Most rows a CSV series may have (a year of minutes). */
export const MAX_SERIES_ROWS = 600_000;

const SQL_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?$/;

/**
 * A timestamp as analysts write it: `YYYY-MM-DD HH:MM:SS` (UTC) or ISO 8601 (a zone, when it has
 * none, is UTC). NaN when it is neither.
 */
export function parseTimestamp(s: string): number {
  const v = s.trim();
  const m = SQL_TIME.exec(v);
  if (m) {
    const [, Y, Mo, D, h, mi, sec, frac] = m;
    const ms =
      Date.UTC(Number(Y), Number(Mo) - 1, Number(D), Number(h), Number(mi), Number(sec ?? 0)) +
      (frac ? Math.round(Number(frac) * 1000) : 0);
    // Date.UTC rolls 2026-02-30 over into March: refuse what it had to correct.
    const d = new Date(ms);
    return d.getUTCMonth() === Number(Mo) - 1 && d.getUTCDate() === Number(D) && d.getUTCHours() === Number(h)
      ? ms
      : NaN;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(v)) return NaN;
  return Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(v) ? v : `${v}Z`);
}

/**
 * A `timestamp,value` CSV (a header row, then one row per observation; blank lines ignored) as a
 * series sorted by time. Errors are SERIES_INVALID naming the line: a missing or different header,
 * a bad timestamp or value, a repeated timestamp, fewer than `minRows` rows.
 */
export function parseSeriesCsv(text: string, minRows = 3): Series {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((c) => c.trim().toLowerCase().replace(/^"|"$/g, ''));
  if (header.length !== 2 || header[0] !== 'timestamp' || header[1] !== 'value') {
    throw new SatiotError('SERIES_INVALID', 'line 1: the header must be "timestamp,value"', { line: 1 });
  }
  const rows: Array<[number, number]> = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (rows.length >= MAX_SERIES_ROWS)
      throw new SatiotError('SERIES_INVALID', `more than ${MAX_SERIES_ROWS} rows`, { line: i + 1 });
    const cells = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    if (cells.length !== 2)
      throw new SatiotError('SERIES_INVALID', `line ${i + 1}: expected 2 columns, found ${cells.length}`, {
        line: i + 1,
      });
    const t = parseTimestamp(cells[0]!);
    if (!Number.isFinite(t))
      throw new SatiotError(
        'SERIES_INVALID',
        `line ${i + 1}: "${cells[0]}" is not a timestamp (YYYY-MM-DD HH:MM:SS or ISO 8601, UTC)`,
        { line: i + 1 },
      );
    const y = cells[1] === '' ? NaN : Number(cells[1]);
    if (!Number.isFinite(y))
      throw new SatiotError('SERIES_INVALID', `line ${i + 1}: "${cells[1]}" is not a number`, { line: i + 1 });
    rows.push([t, y]);
  }
  if (rows.length < minRows)
    throw new SatiotError('SERIES_INVALID', `${rows.length} rows; at least ${minRows} are needed`, {
      rows: rows.length,
    });
  rows.sort((a, b) => a[0] - b[0]);
  for (let k = 1; k < rows.length; k++) {
    if (rows[k]![0] === rows[k - 1]![0])
      throw new SatiotError('SERIES_INVALID', `timestamp ${new Date(rows[k]![0]).toISOString()} appears twice`, {
        timestamp: new Date(rows[k]![0]).toISOString(),
      });
  }
  return { t: rows.map((r) => r[0]), y: rows.map((r) => r[1]) };
}

/** Largest magnitude a value may have: beyond it sums of squares overflow. */
export const MAX_ABS_VALUE = 1e12;
/** A gap longer than this many steps ends the stretch a forecast is fitted to. */
export const MAX_GAP_STEPS = 48;
/** Most grid points a series becomes (a year of 10-minute steps). */
export const MAX_GRID_POINTS = 60_000;

/** Refuses values a model cannot work with: not finite, or beyond ±MAX_ABS_VALUE. */
export function checkValues(y: readonly number[]): void {
  const bad = y.findIndex((v) => !Number.isFinite(v) || Math.abs(v) > MAX_ABS_VALUE);
  if (bad >= 0)
    throw new SatiotError(
      'SERIES_INVALID',
      `value ${y[bad]} at position ${bad + 1} is not a finite number within ±${MAX_ABS_VALUE}`,
    );
}

/**
 * The series' own spacing: the median of its steps, leaving out steps under a tenth of the upper
 * quartile step (two readings a moment apart — a report and its copy — say nothing of the spacing;
 * a year-long gap moves neither quartile).
 */
export function spacingMs(s: Series): number {
  const all: number[] = [];
  for (let k = 1; k < s.t.length; k++) {
    const d = s.t[k]! - s.t[k - 1]!;
    if (d > 0) all.push(d);
  }
  if (all.length === 0) return 0;
  all.sort((a, b) => a - b);
  const upper = all[Math.floor((all.length - 1) * 0.75)]!;
  const steps = all.filter((d) => d >= upper / 10);
  return steps[Math.floor(steps.length / 2)]!;
}

/**
 * The latest stretch of the series on a regular grid of its own spacing: it starts after the last
 * gap longer than MAX_GAP_STEPS steps (a station that was down, a year-old reading), holds at most
 * MAX_GRID_POINTS points (the newest), and a step with no observation takes the value before it
 * (a short gap in a sensor's reports); two readings in one step: the later. `observed` says which are real.
 */
export function regularize(s: Series): { start: number; stepMs: number; y: number[]; observed: boolean[] } {
  const step = spacingMs(s);
  if (step <= 0) return { start: s.t[0] ?? 0, stepMs: 0, y: [...s.y], observed: s.y.map(() => true) };
  let first = 0;
  for (let k = s.t.length - 1; k > 0; k--)
    if (s.t[k]! - s.t[k - 1]! > MAX_GAP_STEPS * step) {
      first = k;
      break;
    }
  const last = s.t[s.t.length - 1]!;
  const start = Math.max(s.t[first]!, last - (MAX_GRID_POINTS - 1) * step);
  const n = Math.round((last - start) / step) + 1;
  const y = new Array<number>(n).fill(NaN),
    observed = new Array<boolean>(n).fill(false);
  for (let k = first; k < s.t.length; k++) {
    if (s.t[k]! < start) continue;
    const i = Math.round((s.t[k]! - start) / step);
    if (i >= 0 && i < n) {
      y[i] = s.y[k]!;
      observed[i] = true;
    }
  }
  // The first point may fall between readings when the grid was cut to its newest points: it takes the reading before
  // it.
  if (!observed[0]) {
    let k = first;
    while (k + 1 < s.t.length && s.t[k + 1]! <= start) k++;
    y[0] = s.y[k]!;
  }
  for (let i = 1; i < n; i++) if (!observed[i]) y[i] = y[i - 1]!;
  return { start, stepMs: step, y, observed };
}
