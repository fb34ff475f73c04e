import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SatiotError } from '../../src/errors/satiot-error.js';
import { openStore } from '../../src/store/open-store.js';
import { POSTGRES_URL, dropSchema, tenant } from './helpers.js';

describe('openStore', () => {
  const root = mkdtempSync(join(tmpdir(), 'satiot-open-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("'sqlite' opens and migrates <dataDir>/satiot.db, creating the directory", async () => {
    const dataDir = join(root, 'nested', 'data');
    const store = await openStore('sqlite', { dataDir });
    try {
      expect(store.backend).toBe('sqlite');
      expect(existsSync(join(dataDir, 'satiot.db'))).toBe(true);
      await store.tenants.create(tenant('a'));
    } finally {
      await store.close();
    }
    const again = await openStore('sqlite', { dataDir });
    expect(await again.tenants.list()).toEqual([tenant('a')]);
    await again.close();
  });

  it("'sqlite::memory:' opens a migrated in-memory store and writes no file", async () => {
    const dataDir = join(root, 'memory');
    const store = await openStore('sqlite::memory:', { dataDir });
    expect(store.backend).toBe('sqlite');
    expect(await store.tenants.list()).toEqual([]);
    await store.close();
    expect(existsSync(dataDir)).toBe(false);
  });

  it.each(['mysql://root@localhost/db', 'sqlite:/tmp/x.db', '', 'postgres:/missing-slashes'])(
    'refuses %j with INVALID_ARGUMENT',
    async (spec) => {
      const e = await openStore(spec, { dataDir: root }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(SatiotError);
      expect((e as SatiotError).code).toBe('INVALID_ARGUMENT');
    },
  );

  it('does not echo a password from a refused spec', async () => {
    const e = await openStore('mysql://app:s3cret@db/x', { dataDir: root }).then(
      () => undefined,
      (err: unknown) => err as SatiotError,
    );
    expect(JSON.stringify(e?.details)).not.toContain('s3cret');
  });

  it('refuses a PostgreSQL schema name that would need quoting', async () => {
    const e = await openStore('postgres://postgres@127.0.0.1:1/test?schema=Bad-Name', { dataDir: root }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect((e as SatiotError).code).toBe('INVALID_ARGUMENT');
  });

  it.skipIf(!POSTGRES_URL)('postgres://…?schema=NAME opens PostgreSQL with the tables in that schema', async () => {
    const schema = `satiot_test_open_${Date.now().toString(36)}`;
    const url = new URL(POSTGRES_URL!);
    url.searchParams.set('schema', schema);
    const store = await openStore(url.toString(), { dataDir: root });
    try {
      expect(store.backend).toBe('postgres');
      await store.tenants.create(tenant('a'));
      expect(await store.tenants.list()).toEqual([tenant('a')]);
    } finally {
      await store.close();
      await dropSchema(POSTGRES_URL!, schema);
    }
  });
});
