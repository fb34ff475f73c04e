import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The docs name source files in backticks (`src/store/kysely/terminal-store.ts`, `settled.ts`). A file
 * that moves or is renamed must take its mentions with it: every such name has to be a file of the
 * repository, given from its root, from `src/`, `web/` or `web/src/`, or as the end of a path (a
 * table row under a folder's heading names `commands/serve-command.ts` or just `pass-finder.ts`).
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const SKIP = new Set(['node_modules', 'dist', '.git']);

function walk(dir: string, out: string[]): string[] {
  for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) walk(rel, out);
    else out.push(rel);
  }
  return out;
}

/** Backticked names that end like a source or script file and have no pattern or placeholder in them. */
export function sourceNames(markdown: string): string[] {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/`([^`\s]+\.(?:ts|tsx|mjs|py|sh))`/g)) {
    const name = m[1]!.replace(/^\.\//, '');
    if (/[*<>{}]|^https?:|^\/|\.\.\//.test(name)) continue;
    out.add(name);
  }
  return [...out];
}

const files = [
  ...readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name),
  ...['src', 'test', 'web', 'scripts', 'bench', '.ci'].flatMap((d) => walk(d, [])),
];
const known = new Set(files);
const exists = (name: string): boolean =>
  ['', 'src/', 'web/', 'web/src/'].some((p) => known.has(p + name)) || files.some((f) => f.endsWith(`/${name}`));

const docs = ['README.md', ...readdirSync(path.join(root, 'docs')).map((f) => `docs/${f}`)].filter((f) =>
  f.endsWith('.md'),
);

describe('source files named in the docs', () => {
  it('reads the names a doc gives in backticks, and no patterns', () => {
    expect(sourceNames('`src/a/b.ts`, `c.ts` and `d/*.ts`, `NNN-<what>.ts`, `x.json`, `e.tsx`')).toEqual([
      'src/a/b.ts',
      'c.ts',
      'e.tsx',
    ]);
  });

  it.each(docs)('%s names only files that exist', (doc) => {
    const missing = sourceNames(readFileSync(path.join(root, doc), 'utf8')).filter((n) => !exists(n));
    expect(missing).toEqual([]);
  });
});
