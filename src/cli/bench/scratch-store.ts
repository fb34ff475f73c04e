import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Store } from '../../core/ports/store.js';
import { openStore } from '../../store/open-store.js';
import { dropPostgresSchema } from '../../store/postgres/drop-schema.js';

/** A benchmark's store: SQLite in a temporary data directory, or a throwaway PostgreSQL schema. */
export interface ScratchStore {
  readonly store: Store;
  readonly dataDir: string;
  readonly pg: boolean;
  /** Removes the data directory and drops the schema; call once the store is closed. */
  cleanUp(): Promise<void>;
}

/** Opens `spec` (`sqlite` or `postgres://…`) so that runs never meet each other's data. */
export async function openScratchStore(spec: string): Promise<ScratchStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'satiot-bench-'));
  const schema = `satiot_bench_${randomBytes(4).toString('hex')}`;
  const pg = /^postgres(ql)?:\/\//.test(spec);
  const storeSpec = pg ? `${spec}${spec.includes('?') ? '&' : '?'}schema=${schema}` : spec;
  const cleanUp = async (): Promise<void> => {
    rmSync(dataDir, { recursive: true, force: true });
    if (pg) await dropPostgresSchema(spec, schema).catch(() => undefined);
  };
  try {
    return { store: await openStore(storeSpec, { dataDir }), dataDir, pg, cleanUp };
  } catch (e) {
    await cleanUp();
    throw e;
  }
}
