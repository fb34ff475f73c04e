import pg from 'pg';

/**
 * Drops a PostgreSQL schema and everything in it: the cleanup for the throwaway schemas that tests
 * and `satiot bench ingest` create (`postgres://…?schema=NAME`). The name is quoted as an identifier.
 */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema.replace(/"/g, '""')}" CASCADE`);
  } finally {
    await client.end();
  }
}
