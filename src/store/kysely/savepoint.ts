import { sql, type Kysely } from 'kysely';

let next = 0;

/**
 * Runs `fn` so that a statement it lets fail leaves the surrounding transaction usable. PostgreSQL
 * refuses every statement of a transaction after one fails, until the transaction (or a savepoint)
 * is rolled back: code that catches a constraint violation and reads on must run its write under a
 * savepoint. Outside a Kysely transaction (SQLite's transactions continue after a failed statement)
 * `fn` just runs.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function underSavepoint<T>(db: Kysely<any>, fn: () => Promise<T>): Promise<T> {
  if (!db.isTransaction) return fn();
  const name = sql.raw(`satiot_sp_${++next}`);
  await sql`SAVEPOINT ${name}`.execute(db);
  try {
    const out = await fn();
    await sql`RELEASE SAVEPOINT ${name}`.execute(db);
    return out;
  } catch (e) {
    await sql`ROLLBACK TO SAVEPOINT ${name}`.execute(db);
    await sql`RELEASE SAVEPOINT ${name}`.execute(db);
    throw e;
  }
}
