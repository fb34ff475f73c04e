import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../core/ports/store.js';
import { SatiotError } from '../errors/satiot-error.js';
import { PostgresStore } from './postgres/store.js';
import { SqliteStore } from './sqlite/store.js';

export interface OpenStoreOptions {
  /** Where the embedded store keeps its file (created when missing). */
  readonly dataDir: string;
}

/**
 * Opens and migrates the store a spec names:
 * - `sqlite`: `${dataDir}/satiot.db`;
 * - `sqlite::memory:`: an in-memory database (tests);
 * - `postgres://…` or `postgresql://…`: PostgreSQL; a `schema=NAME` query parameter puts the
 *   tables in that schema (created when missing) and is not passed on to the server.
 */
export async function openStore(spec: string, opts: OpenStoreOptions): Promise<Store> {
  const store = await createStore(spec, opts);
  try {
    await store.migrate();
  } catch (e) {
    await store.close().catch(() => undefined);
    throw e;
  }
  return store;
}

async function createStore(spec: string, opts: OpenStoreOptions): Promise<Store> {
  if (spec === 'sqlite') {
    await mkdir(opts.dataDir, { recursive: true });
    return new SqliteStore(join(opts.dataDir, 'satiot.db'));
  }
  if (spec === 'sqlite::memory:') return new SqliteStore(':memory:');
  if (/^postgres(ql)?:\/\//.test(spec)) {
    let url: URL;
    try {
      url = new URL(spec);
    } catch {
      throw new SatiotError('INVALID_ARGUMENT', 'The PostgreSQL connection string is not a valid URL.');
    }
    const schema = url.searchParams.get('schema') ?? undefined;
    url.searchParams.delete('schema');
    return new PostgresStore(url.toString(), schema !== undefined ? { schema } : {});
  }
  throw new SatiotError(
    'INVALID_ARGUMENT',
    "The store is 'sqlite', 'sqlite::memory:' or a postgres:// connection string.",
    { store: redact(spec) },
  );
}

/** A spec echoed back without a password it may carry. */
function redact(spec: string): string {
  return spec.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}
