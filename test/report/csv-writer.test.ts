import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { csvCell, writeCsv } from '../../src/report/csv-writer.js';

/** Characters a spreadsheet reads as the start of a formula (OWASP CSV injection, full-width forms too). */
const FORMULA_START = ['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20'];
const isFormula = (s: string) => s.length > 0 && FORMULA_START.includes(s[0]!);

/** Strings biased towards the troublesome characters: formula starts, quotes, separators, line breaks. */
const cellText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.tuple(fc.constantFrom(...FORMULA_START), fc.string()).map(([a, b]) => a + b),
  fc
    .array(fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '"', ',', "'", ' ', 'a', '\uFF1D', '\uFF20'), {
      maxLength: 12,
    })
    .map((a) => a.join('')),
);

const readBack = (csv: string): string[][] => parse(csv, { relax_column_count: false }) as string[][];

describe('CSV writer', () => {
  it('writes any string so that it parses back unchanged, or quote-prefixed when it starts a formula', () => {
    fc.assert(
      fc.property(cellText, cellText, (a, b) => {
        const [header, row] = readBack(writeCsv(['a', 'b'], [[a, b]]));
        expect(header).toEqual(['a', 'b']);
        expect(row).toHaveLength(2);
        for (const [input, cell] of [
          [a, row![0]!],
          [b, row![1]!],
        ]) {
          expect(isFormula(cell!)).toBe(false);
          expect(cell).toBe(isFormula(input!) ? `'${input}` : input);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('neutralises a HYPERLINK formula and keeps RFC 4180 quoting', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\uFF1D1+1')).toBe("'\uFF1D1+1");
    expect(csvCell('SAT-7')).toBe('SAT-7');
    expect(csvCell('a,b')).toBe('"a,b"');
  });

  it('writes numbers as they are: a negative number is data, not a formula', () => {
    expect(writeCsv(['n', 'm', 'e'], [[-3, 0.5, '']])).toBe('n,m,e\r\n-3,0.5,\r\n');
  });
});
