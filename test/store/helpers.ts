/**
 * Records for the store tests, and the backends the behaviour suite runs against: SQLite in memory
 * and in a temp file always, PostgreSQL (a throwaway schema per test) when SATIOT_TEST_POSTGRES_URL
 * is set.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  GroundStationRecord,
  MessageRecord,
  Reception,
  Tenant,
  TerminalCounters,
  TerminalRecord,
} from '../../src/core/model.js';
import type { IngestWrite, Store } from '../../src/core/ports/store.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { dropPostgresSchema } from '../../src/store/postgres/drop-schema.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';

export const T0 = Date.UTC(2025, 0, 1);

export function tenant(id: string, over: Partial<Tenant> = {}): Tenant {
  return { id, name: `Tenant ${id}`, createdAt: T0, ...over };
}

/** A terminal whose devEui and devAddr derive from `n`. */
export function terminal(id: string, tenantId: string, n: number, over: Partial<TerminalRecord> = {}): TerminalRecord {
  return {
    id,
    tenantId,
    devEui: n.toString(16).padStart(16, '0'),
    devAddr: n.toString(16).padStart(8, '0'),
    suite: 'aes128',
    profile: 'fixed-collector',
    expectedMessagesPerDay: 24,
    enabled: true,
    status: 'approved',
    nwkSKeySealed: `nwk-sealed-${id}`,
    appSKeySealed: `app-sealed-${id}`,
    createdAt: T0 + n,
    ...over,
  };
}

export function station(id: string, over: Partial<GroundStationRecord> = {}): GroundStationRecord {
  return {
    id,
    name: `Station ${id}`,
    lat: 39.9,
    lon: 116.4,
    altM: 50,
    tokenHash: `hash-${id}`.padEnd(64, '0'),
    enabled: true,
    createdAt: T0,
    ...over,
  };
}

/** A message of `t` with counter `fCnt`; its id is derived from both (`${t.id}.${fCnt}`), as the core makes it. */
export function message(t: TerminalRecord, fCnt: number, over: Partial<MessageRecord> = {}): MessageRecord {
  return {
    id: `${t.id}.${fCnt}`,
    tenantId: t.tenantId,
    terminalId: t.id,
    devEui: t.devEui,
    fCnt,
    fPort: 1,
    payload: Uint8Array.from([fCnt & 0xff, 0x00, 0xff, 0x7f]),
    confirmed: false,
    ack: false,
    capturedAt: T0 + fCnt * 1000,
    downlinkedAt: T0 + fCnt * 1000 + 600_000,
    ingestedAt: T0 + fCnt * 1000 + 601_000,
    ...over,
  };
}

/** A reception of `m` by `stationId` from SAT-1, at the message's times unless overridden. */
export function reception(m: MessageRecord, stationId: string, over: Partial<Reception> = {}): Reception {
  return {
    messageId: m.id,
    stationId,
    satelliteId: 'SAT-1',
    capturedAt: m.capturedAt,
    downlinkedAt: m.downlinkedAt,
    receivedAt: m.ingestedAt,
    rssi: -120.5,
    snr: -7.25,
    frequencyOffsetHz: 1234.5,
    ...over,
  };
}

export function counters(
  terminalId: string,
  top: number,
  version: number,
  over: Partial<TerminalCounters> = {},
): TerminalCounters {
  return { terminalId, fCntUpTop: top, windowBits: '1', fCntDown: 0, version, ...over };
}

export function write(over: Partial<IngestWrite> = {}): IngestWrite {
  return { newMessages: [], receptions: [], earlierTimes: [], counters: [], rejections: [], ...over };
}

/** A migrated store of one backend, with ways to reopen it and to clean up after the test. */
export interface StoreHarness {
  readonly store: Store;
  /** Closes the store and opens the same database again; absent for an in-memory database. */
  readonly reopen?: () => Promise<Store>;
  /** Another store on the same database, open beside the first (a second node or process). */
  readonly openSecond?: () => Promise<Store>;
  /** Closes every store the harness opened and removes the database. */
  dispose(): Promise<void>;
}

export interface BackendCase {
  readonly name: string;
  open(): Promise<StoreHarness>;
}

async function migrated<S extends Store>(s: S): Promise<S> {
  await s.migrate();
  return s;
}

export const SQLITE_MEMORY: BackendCase = {
  name: 'SQLite (:memory:)',
  async open() {
    const store = await migrated(new SqliteStore(':memory:'));
    return { store, dispose: () => store.close() };
  },
};

export const SQLITE_FILE: BackendCase = {
  name: 'SQLite (file)',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'satiot-store-'));
    const path = join(dir, 'satiot.db');
    const opened: Store[] = [await migrated(new SqliteStore(path))];
    return {
      store: opened[0]!,
      async reopen() {
        await Promise.all(opened.map((s) => s.close()));
        const s = await migrated(new SqliteStore(path));
        opened.push(s);
        return s;
      },
      async openSecond() {
        const s = await migrated(new SqliteStore(path));
        opened.push(s);
        return s;
      },
      async dispose() {
        await Promise.all(opened.map((s) => s.close()));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export const POSTGRES_URL = process.env['SATIOT_TEST_POSTGRES_URL'] || undefined;

/** A fresh schema `satiot_test_<random>`, dropped by dispose(). */
export function postgresCase(url: string): BackendCase {
  return {
    name: 'PostgreSQL',
    async open() {
      const schema = `satiot_test_${randomBytes(6).toString('hex')}`;
      const opened: Store[] = [await migrated(new PostgresStore(url, { schema }))];
      return {
        store: opened[0]!,
        async reopen() {
          await Promise.all(opened.map((s) => s.close()));
          const s = await migrated(new PostgresStore(url, { schema }));
          opened.push(s);
          return s;
        },
        async openSecond() {
          const s = await migrated(new PostgresStore(url, { schema }));
          opened.push(s);
          return s;
        },
        async dispose() {
          await Promise.all(opened.map((s) => s.close()));
          await dropSchema(url, schema);
        },
      };
    },
  };
}

/** Drops a throwaway test schema (the adapter's own cleanup). */
export const dropSchema = dropPostgresSchema;
