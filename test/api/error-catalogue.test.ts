import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../../src/errors/error-codes.js';

const DOC = fileURLToPath(new URL('../../docs/errors.md', import.meta.url));
const CODES = Object.keys(ERROR_CODES) as ErrorCode[];

function doc(): string {
  expect(existsSync(DOC), 'docs/errors.md is missing').toBe(true);
  return readFileSync(DOC, 'utf8');
}

/** Cells of the Markdown table row whose first cell is the code (with or without backticks). */
function tableRow(text: string, code: string): string[] | undefined {
  for (const line of text.split('\n')) {
    if (!line.trimStart().startsWith('|')) continue;
    const cells = line
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((c) => c.trim());
    if (cells[0]?.replace(/`/g, '') === code) return cells;
  }
  return undefined;
}

function heading(text: string, code: string): boolean {
  return new RegExp(`^#{1,6}\\s+\`?${code}\`?(\\s|$)`, 'm').test(text);
}

describe('docs/errors.md', () => {
  it('exists', () => {
    expect(existsSync(DOC)).toBe(true);
  });

  it.each(CODES)('documents %s as a heading or a table row', (code) => {
    const text = doc();
    expect(
      heading(text, code) || tableRow(text, code) !== undefined,
      `${code} is not a heading or a table row of docs/errors.md`,
    ).toBe(true);
  });

  it('gives the same HTTP status and CLI exit code as the catalogue wherever a table row shows them', () => {
    const text = doc();
    const header = tableRow(text, 'code')?.map((c) => c.toLowerCase());
    const httpCol = header?.findIndex((c) => c.includes('http')) ?? -1;
    const exitCol = header?.findIndex((c) => c.includes('exit')) ?? -1;
    let checked = 0;
    for (const code of CODES) {
      const row = tableRow(text, code);
      if (!row) continue;
      if (httpCol > 0) {
        expect(Number(row[httpCol]), `${code} HTTP`).toBe(ERROR_CODES[code].http);
        checked++;
      }
      if (exitCol > 0) {
        expect(Number(row[exitCol]), `${code} exit`).toBe(ERROR_CODES[code].exit);
        checked++;
      }
    }
    // Fails only when neither column exists anywhere (a heading-only document should list them in prose).
    expect(checked > 0 || CODES.every((c) => heading(text, c))).toBe(true);
  });

  it('lists no code that the catalogue does not define', () => {
    const text = doc();
    const documented = [...text.matchAll(/^\|\s*`?([A-Z][A-Z0-9_]+)`?\s*\|/gm)].map((m) => m[1]!);
    for (const code of documented) expect(CODES, `${code} is documented but not in ERROR_CODES`).toContain(code);
  });
});
