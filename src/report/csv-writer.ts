import { stringify } from 'csv-stringify/sync';

/**
 * The one CSV writer of the service: every CSV it sends or saves goes through here, so a value an
 * attacker controls (a satellite id, a terminal name, a decoded string) opens in a spreadsheet as
 * text, never as a formula (OWASP "CSV Injection"). csv-stringify does the work: RFC 4180 quoting,
 * and with `escape_formulas` a leading `'` on a string that starts with = + - @, TAB, CR or the
 * full-width ＝ ＋ － ＠ (numbers are left alone: `-3` stays a number).
 */

/** A cell value: numbers and booleans are written as JavaScript prints them; null and undefined as empty. */
export type CsvValue = string | number | boolean | null | undefined;

const OPTIONS = {
  escape_formulas: true,
  record_delimiter: 'windows',
  cast: { boolean: (b: boolean) => String(b) },
} as const;

/** One cell, ready to join with commas (formula-escaped, then quoted when it needs to be). */
export function csvCell(v: CsvValue): string {
  return stringify([[v]], { ...OPTIONS, eof: false });
}

/** A whole CSV document: the header row, then one line per row, CRLF line ends (RFC 4180). */
export function writeCsv(columns: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  return stringify([[...columns], ...Array.from(rows, (r) => [...r])], OPTIONS);
}
