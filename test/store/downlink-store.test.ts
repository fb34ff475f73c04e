/**
 * The downlink store adapter on both backends: SQLite in memory always, PostgreSQL (a throwaway
 * schema) when SATIOT_TEST_POSTGRES_URL is set. Each database gets only migration 6's SQL.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { DownlinkRecord, DownlinkStore } from '../../src/core/ports/downlink-store.js';
import { KyselyDownlinkStore } from '../../src/store/kysely/downlink-store.js';
import { SQLITE_DOWNLINK_MIGRATION } from '../../src/store/sqlite/migrations/006-downlink.js';
import { POSTGRES_DOWNLINK_MIGRATION } from '../../src/store/postgres/migrations/006-downlink.js';
import { SQLITE_MIGRATIONS, migrateSqlite } from '../../src/store/sqlite/migrations.js';
import { POSTGRES_URL, dropSchema } from './helpers.js';

const T0 = Date.UTC(2026, 0, 15, 12);

interface Harness {
  store: DownlinkStore;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>;
  dispose(): Promise<void>;
}

const backends: Array<{ name: string; open(): Promise<Harness> }> = [
  {
    name: 'SQLite (:memory:)',
    async open() {
      const sqlite = new BetterSqlite3(':memory:');
      sqlite.exec(SQLITE_DOWNLINK_MIGRATION.sql);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const db = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) });
      return { store: new KyselyDownlinkStore(db), db, dispose: () => db.destroy() };
    },
  },
];
if (POSTGRES_URL) {
  const url = POSTGRES_URL;
  backends.push({
    name: 'PostgreSQL',
    async open() {
      const schema = `satiot_test_${randomBytes(6).toString('hex')}`;
      const pool = new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 2 });
      await pool.query(`CREATE SCHEMA "${schema}"`);
      await pool.query(POSTGRES_DOWNLINK_MIGRATION.sql);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
      return {
        store: new KyselyDownlinkStore(db),
        db,
        async dispose() {
          await db.destroy();
          await dropSchema(url, schema);
        },
      };
    },
  });
}

let n = 0;
function downlink(over: Partial<DownlinkRecord> = {}): DownlinkRecord {
  n++;
  return {
    id: `dl-${String(n).padStart(4, '0')}`,
    tenantId: 'ten-1',
    terminalId: 'term-1',
    devEui: '70b3d50000000001',
    fPort: 3,
    payload: Uint8Array.from([1, 2, 3]),
    confirmed: true,
    priority: 'normal',
    alarmId: null,
    createdAt: T0 + n,
    expiresAt: T0 + 86_400_000,
    state: 'queued',
    fCntDown: null,
    phyPayload: null,
    plan: null,
    eta: null,
    history: [{ state: 'queued', at: T0 + n }],
    version: 0,
    ...over,
  };
}

const plan = (stationId: string, start: number) => ({
  stationId,
  satelliteId: '99001',
  contactStart: start,
  contactEnd: start + 600_000,
  uploadAt: start,
  deliveryStart: start + 3_600_000,
  deliveryEnd: start + 4_000_000,
});

describe.each(backends)('KyselyDownlinkStore on $name', (backend) => {
  let h: Harness;
  beforeEach(async () => {
    h = await backend.open();
  });
  afterEach(async () => {
    await h.dispose();
  });

  it('stores a downlink and reads it back field for field, history and plan included', async () => {
    const d = downlink({
      state: 'scheduled',
      fCntDown: 7,
      phyPayload: Uint8Array.from([0xa0, 1, 2]),
      plan: plan('gs-a', T0),
      eta: T0 + 3_630_000,
      alarmId: 'alarm-1',
      priority: 'emergency',
    });
    expect(await h.store.create(d)).toBe('created');
    expect(await h.store.get(d.id)).toEqual(d);
    expect(await h.store.findByAlarmId('alarm-1')).toEqual(d);
    expect(await h.store.get('nope')).toBeUndefined();
  });

  it('keeps one downlink per alarm: a second create with the same alarmId writes nothing', async () => {
    expect(await h.store.create(downlink({ alarmId: 'a-1' }))).toBe('created');
    expect(await h.store.create(downlink({ alarmId: 'a-1' }))).toBe('alarm-exists');
    expect(await h.store.create(downlink())).toBe('created');
    expect(await h.store.create(downlink())).toBe('created');
    expect((await h.store.listByTerminal('term-1', { limit: 10 })).items).toHaveLength(3);
  });

  it('updates only over the expected version, and refuses a counter another downlink of the terminal holds', async () => {
    const a = downlink(),
      b = downlink(),
      other = downlink({ terminalId: 'term-2' });
    for (const d of [a, b, other]) await h.store.create(d);
    expect(await h.store.update({ ...a, state: 'scheduled', fCntDown: 0, version: 1 }, 0)).toBe('updated');
    expect(await h.store.update({ ...a, state: 'failed', version: 1 }, 0)).toBe('stale');
    expect(await h.store.update({ ...b, fCntDown: 0, version: 1 }, 0)).toBe('counter-taken');
    expect(await h.store.update({ ...other, fCntDown: 0, version: 1 }, 0)).toBe('updated');
    expect(await h.store.get(a.id)).toMatchObject({ state: 'scheduled', fCntDown: 0, version: 1 });
    expect(await h.store.get(b.id)).toMatchObject({ fCntDown: null, version: 0 });
  });

  it('reports a taken counter inside a transaction too, and the transaction goes on (PostgreSQL aborts it without a savepoint)', async () => {
    const a = downlink(),
      b = downlink();
    for (const d of [a, b]) await h.store.create(d);
    await h.store.update({ ...a, state: 'scheduled', fCntDown: 0, version: 1 }, 0);
    const outcome = await h.db.transaction().execute(async (trx) => {
      const tx = new KyselyDownlinkStore(trx);
      const first = await tx.update({ ...b, fCntDown: 0, version: 1 }, 0);
      const second = await tx.update({ ...b, fCntDown: 1, version: 1 }, 0);
      return [first, second];
    });
    expect(outcome).toEqual(['counter-taken', 'updated']);
    expect(await h.store.get(b.id)).toMatchObject({ fCntDown: 1, version: 1 });
  });

  it('counts the next counter from the highest the terminal used, and the highest outside a set', async () => {
    expect(await h.store.nextCounter('term-1')).toBe(0);
    const a = downlink({ fCntDown: 4 }),
      b = downlink({ fCntDown: 9 }),
      c = downlink({ terminalId: 'term-2', fCntDown: 70 });
    for (const d of [a, b, c]) await h.store.create(d);
    expect(await h.store.nextCounter('term-1')).toBe(10);
    expect(await h.store.maxCounter('term-1', [b.id])).toBe(4);
    expect(await h.store.maxCounter('term-1', [a.id, b.id])).toBe(-1);
  });

  it("lists a terminal's downlinks newest first, a page at a time", async () => {
    const ds = Array.from({ length: 5 }, () => downlink());
    for (const d of ds) await h.store.create(d);
    const p1 = await h.store.listByTerminal('term-1', { limit: 2 });
    const p2 = await h.store.listByTerminal('term-1', { limit: 2, cursor: p1.nextCursor! });
    const p3 = await h.store.listByTerminal('term-1', { limit: 2, cursor: p2.nextCursor! });
    expect([...p1.items, ...p2.items, ...p3.items].map((d) => d.id)).toEqual(ds.map((d) => d.id).reverse());
    expect(p3.nextCursor).toBeUndefined();
  });

  it("lists open downlinks (confirmed ones until acknowledged), a station's schedule by contact, and downlinks awaiting an ACK", async () => {
    const q = downlink();
    const s1 = downlink({ state: 'scheduled', plan: plan('gs-a', T0 + 7_200_000) });
    const s2 = downlink({ state: 'scheduled', plan: plan('gs-a', T0), priority: 'normal' });
    const s3 = downlink({ state: 'scheduled', plan: plan('gs-a', T0), priority: 'emergency' });
    const other = downlink({ state: 'scheduled', plan: plan('gs-b', T0) });
    const up = downlink({ state: 'uploaded', fCntDown: 1, plan: plan('gs-a', T0 - 7_200_000) });
    const tx = downlink({ state: 'transmitted', fCntDown: 2 });
    const txUnconfirmed = downlink({ state: 'transmitted', confirmed: false });
    const done = downlink({ state: 'acknowledged' });
    for (const d of [q, s1, s2, s3, other, up, tx, txUnconfirmed, done]) await h.store.create(d);
    expect((await h.store.listOpen()).map((d) => d.id)).toEqual([q, s1, s2, s3, other, up, tx].map((d) => d.id));
    expect((await h.store.stationSchedule('gs-a', T0 - 1, T0 + 8_000_000)).map((d) => d.id)).toEqual([
      s3.id,
      s2.id,
      s1.id,
    ]);
    expect((await h.store.stationSchedule('gs-a', T0 + 700_000, T0 + 800_000)).map((d) => d.id)).toEqual([]);
    expect((await h.store.awaitingAck('term-1')).map((d) => d.id)).toEqual([tx.id, up.id]);
  });
});

describe('downlink migration 6', () => {
  it('is part of the SQLite history and is recorded as version 6', () => {
    const sqlite = new BetterSqlite3(':memory:');
    expect(SQLITE_MIGRATIONS).toContain(SQLITE_DOWNLINK_MIGRATION);
    migrateSqlite(sqlite);
    expect(sqlite.prepare('SELECT name FROM schema_migrations WHERE version = 6').pluck().get()).toBe('downlinks');
    expect(sqlite.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'downlinks'").pluck().get()).toBe(1);
    sqlite.close();
  });
});
