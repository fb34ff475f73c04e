import type { Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Longest SQL text kept: longer ones are multi-row inserts whose text changes with the row count. */
const MAX_SQL_LENGTH = 8_192;

/**
 * The connection as Kysely's SQLite dialect sees it, with its prepared statements kept (least
 * recently used dropped past `capacity`): Kysely's driver asks for a new statement on every query,
 * and preparing — parsing and planning the SQL — was a tenth of the event path's CPU on the embedded
 * default (docs/performance.md). SQLite re-prepares a kept statement by itself after a schema
 * change; a statement still busy (a stream iterating it) is not handed out twice.
 */
export function withStatementCache(db: Database, capacity = 512): SqliteDatabase {
  const kept = new Map<string, Statement>();
  return {
    close: () => {
      kept.clear();
      db.close();
    },
    prepare(sql: string): Statement {
      const hit = kept.get(sql);
      if (hit !== undefined && !hit.busy) {
        kept.delete(sql);
        kept.set(sql, hit);
        return hit;
      }
      const st = db.prepare(sql);
      if (sql.length <= MAX_SQL_LENGTH) {
        kept.set(sql, st);
        if (kept.size > capacity) kept.delete(kept.keys().next().value!);
      }
      return st;
    },
  };
}
