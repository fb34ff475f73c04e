/**
 * One step of a backend's schema history. Versions start at 1 and never change once released; a
 * backend's migrations file lists its steps in order and records the applied ones in
 * `schema_migrations`, so migrating again applies only what is missing.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** DDL in the backend's dialect; runs inside the migration's transaction. */
  readonly sql: string;
}

/** The highest version in `migrations`; a database ahead of it was written by a newer satiot. */
export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.reduce((max, m) => Math.max(max, m.version), 0);
}

export function newerSchemaError(backend: string, found: number, known: number): Error {
  return new Error(
    `The ${backend} database is at schema version ${found}; this satiot knows versions up to ${known}. Upgrade satiot.`,
  );
}
