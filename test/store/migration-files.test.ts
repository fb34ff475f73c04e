/**
 * The migration folders' layout: src/store/{sqlite,postgres}/migrations/ hold one file per schema
 * version, `NNN-<what>.ts`, with the same names in both folders, so a version added to one backend
 * and forgotten in the other fails here rather than on a customer's database.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Migration } from '../../src/store/migration.js';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations.js';

const FILE_NAME = /^(\d{3})-([a-z0-9]+(?:-[a-z0-9]+)*)\.ts$/;

const dialects = [
  { name: 'sqlite', prefix: 'SQLITE', list: SQLITE_MIGRATIONS },
  { name: 'postgres', prefix: 'POSTGRES', list: POSTGRES_MIGRATIONS },
] as const;

const folder = (dialect: string): URL => new URL(`../../src/store/${dialect}/migrations/`, import.meta.url);

function fileNames(dialect: string): string[] {
  return readdirSync(fileURLToPath(folder(dialect))).sort();
}

/** Each file of a dialect's folder with what it exports. */
async function filesOf(
  dialect: string,
): Promise<Array<{ file: string; number: number; what: string; exports: Record<string, unknown> }>> {
  return Promise.all(
    fileNames(dialect).map(async (file) => {
      const match = FILE_NAME.exec(file);
      if (!match) throw new Error(`${dialect}/migrations/${file} is not named NNN-<what>.ts`);
      const exports = (await import(new URL(file.replace(/\.ts$/, '.js'), folder(dialect)).href)) as Record<
        string,
        unknown
      >;
      return { file, number: Number(match[1]), what: match[2]!, exports };
    }),
  );
}

describe('the migration folders', () => {
  it('hold the same file names for SQLite and PostgreSQL', () => {
    expect(fileNames('postgres')).toEqual(fileNames('sqlite'));
  });

  it('name every file NNN-<what>.ts, numbered 1..N without a gap or a repeat', () => {
    for (const { name } of dialects) {
      const names = fileNames(name);
      for (const file of names) expect(file, `${name}/migrations/${file}`).toMatch(FILE_NAME);
      const numbers = names.map((file) => Number(FILE_NAME.exec(file)?.[1]));
      expect(numbers, name).toEqual(names.map((_, i) => i + 1));
    }
  });

  it('export from each file one migration, <DIALECT>_<WHAT>_MIGRATION, whose version is the file number', async () => {
    for (const { name, prefix } of dialects) {
      for (const { file, number, what, exports } of await filesOf(name)) {
        const exportName = `${prefix}_${what.toUpperCase().replaceAll('-', '_')}_MIGRATION`;
        expect(Object.keys(exports), `${name}/migrations/${file}`).toEqual([exportName]);
        expect((exports[exportName] as Migration).version, `${name}/migrations/${file}`).toBe(number);
      }
    }
  });

  it('are what each backend migrates: every file once, in version order', async () => {
    for (const { name, prefix, list } of dialects) {
      const files = await filesOf(name);
      const fromFiles = files.map(
        ({ what, exports }) => exports[`${prefix}_${what.toUpperCase().replaceAll('-', '_')}_MIGRATION`],
      );
      expect(list, name).toEqual(fromFiles);
      list.forEach((m, i) => expect(m, `${name} version ${m.version}`).toBe(fromFiles[i]));
    }
  });

  it('give each version the same name on both backends (schema_migrations records it)', () => {
    expect(POSTGRES_MIGRATIONS.map((m) => [m.version, m.name])).toEqual(
      SQLITE_MIGRATIONS.map((m) => [m.version, m.name]),
    );
  });
});
