import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { withStatementCache } from '../../src/store/sqlite/statement-cache.js';

describe('the SQLite statement cache under Kysely', () => {
  let db: BetterSqlite3.Database;
  let prepared: string[];
  afterEach(() => db?.open && db.close());

  function open(): ReturnType<typeof withStatementCache> {
    db = new BetterSqlite3(':memory:');
    db.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    prepared = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      prepared.push(sql);
      return prepare(sql);
    }) as typeof db.prepare;
    return withStatementCache(db, 2);
  }

  it('prepares a query once and answers it again with the kept statement', () => {
    const c = open();
    const q = 'SELECT v FROM t WHERE k = ?';
    expect(c.prepare(q).all([1])).toEqual([{ v: 'a' }]);
    expect(c.prepare(q).all([2])).toEqual([{ v: 'b' }]);
    expect(prepared).toEqual([q]);
  });

  it('keeps the most recently used statements only, and never very long SQL', () => {
    const c = open();
    const [a, b, d] = ['SELECT 1', 'SELECT 2', 'SELECT 3'];
    c.prepare(a);
    c.prepare(b);
    c.prepare(a);
    c.prepare(d); // b is the least recently used: dropped
    c.prepare(a);
    c.prepare(b);
    expect(prepared).toEqual([a, b, d, b]);
    const long = `SELECT 1 WHERE 1 IN (${Array.from({ length: 3_000 }, (_, i) => i).join(', ')})`;
    c.prepare(long);
    c.prepare(long);
    expect(prepared.filter((s) => s === long)).toHaveLength(2);
  });

  it('hands out a new statement while the kept one is still being iterated', () => {
    const c = open();
    const q = 'SELECT k FROM t ORDER BY k';
    const rows: unknown[] = [];
    for (const r of c.prepare(q).iterate([])) {
      rows.push(r, c.prepare(q).all([]).length);
    }
    expect(rows).toEqual([{ k: 1 }, 3, { k: 2 }, 3, { k: 3 }, 3]);
  });

  it('sees a schema change through a kept statement', () => {
    const c = open();
    const q = 'SELECT * FROM t WHERE k = 1';
    expect(c.prepare(q).all([])).toEqual([{ k: 1, v: 'a' }]);
    db.exec("ALTER TABLE t ADD COLUMN w TEXT DEFAULT 'x'");
    expect(c.prepare(q).all([])).toEqual([{ k: 1, v: 'a', w: 'x' }]);
  });
});
