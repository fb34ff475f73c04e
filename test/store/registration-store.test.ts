/**
 * The RegistrationStore's behaviour (migration 9) on every backend: SQLite always, PostgreSQL in a
 * throwaway schema when SATIOT_TEST_POSTGRES_URL is set, e.g.
 * SATIOT_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test npx vitest run test/store/registration-store.test.ts
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports/store.js';
import type { RegistrationRecord } from '../../src/core/ports/registration-store.js';
import { SQLITE_MIGRATIONS, migrateSqlite } from '../../src/store/sqlite/migrations.js';
import { SatiotError } from '../../src/errors/satiot-error.js';
import {
  POSTGRES_URL,
  SQLITE_FILE,
  SQLITE_MEMORY,
  T0,
  message,
  postgresCase,
  reception,
  station,
  tenant,
  terminal,
  write,
  type BackendCase,
  type StoreHarness,
} from './helpers.js';

const BACKENDS: BackendCase[] = [SQLITE_MEMORY, SQLITE_FILE, ...(POSTGRES_URL ? [postgresCase(POSTGRES_URL)] : [])];

const reg = (terminalId: string, tenantId: string, over: Partial<RegistrationRecord> = {}): RegistrationRecord => ({
  terminalId,
  tenantId,
  ownerKind: 'organisation',
  ownerName: 'Acme Water Co.',
  idType: 'business-licence',
  idNumberSealed: `sealed-${terminalId}`,
  idNumberMasked: '9135**********Y43',
  sector: 'water',
  mobility: 'fixed',
  region: {
    type: 'Polygon',
    coordinates: [
      [
        [115.5, 39.25],
        [117, 39.25],
        [117, 41],
        [115.5, 39.25],
      ],
    ],
  },
  expectedMessagesPerDay: 0.5,
  hardwareId: `HW-${terminalId}`.toUpperCase(),
  imei: null,
  createdAt: T0,
  updatedAt: T0 + 1,
  ...over,
});

for (const backend of BACKENDS) {
  describe(`RegistrationStore: ${backend.name}`, () => {
    let h: StoreHarness;
    let store: Store;
    beforeEach(async () => {
      h = await backend.open();
      store = h.store;
      await store.tenants.create(tenant('acme'));
      await store.tenants.create(tenant('beta'));
      for (let i = 1; i <= 4; i++)
        await store.terminals.create(
          terminal(`t${i}`, i <= 3 ? 'acme' : 'beta', i, i === 2 ? { status: 'pending' } : {}),
        );
    });
    afterEach(() => h.dispose());

    it('round-trips a registration (region JSON, fractional rate) and replaces it by terminal', async () => {
      await store.registrations.save(reg('t1', 'acme', { imei: '490154203237518' }));
      expect(await store.registrations.get('t1')).toEqual(reg('t1', 'acme', { imei: '490154203237518' }));
      await store.registrations.save(
        reg('t1', 'acme', { sector: 'power', region: null, updatedAt: T0 + 9, createdAt: T0 + 5 }),
      );
      // A replacement keeps the first createdAt.
      expect(await store.registrations.get('t1')).toMatchObject({
        sector: 'power',
        region: null,
        updatedAt: T0 + 9,
        createdAt: T0,
        imei: null,
      });
      expect((await store.registrations.listAll()).map((r) => r.terminalId)).toEqual(['t1']);
      expect(await store.registrations.get('nope')).toBeUndefined();
    });

    it('refuses a hardware id or IMEI bound to another terminal with HARDWARE_ID_BOUND', async () => {
      await store.registrations.save(reg('t1', 'acme', { imei: '490154203237518' }));
      const e1 = await store.registrations.save(reg('t2', 'acme', { hardwareId: 'HW-T1' })).catch((e: unknown) => e);
      expect(e1).toBeInstanceOf(SatiotError);
      expect((e1 as SatiotError).code).toBe('HARDWARE_ID_BOUND');
      const e2 = await store.registrations
        .save(reg('t3', 'acme', { imei: '490154203237518' }))
        .catch((e: unknown) => e);
      expect((e2 as SatiotError).code).toBe('HARDWARE_ID_BOUND');
      expect(await store.registrations.get('t2')).toBeUndefined();
    });

    it('refuses a bound hardware id inside a transaction too, and the transaction goes on (PostgreSQL aborts it without a savepoint)', async () => {
      await store.registrations.save(reg('t1', 'acme'));
      const codes = await store.atomically(async (tx) => {
        const e = await tx.registrations.save(reg('t2', 'acme', { hardwareId: 'HW-T1' })).catch((x: unknown) => x);
        await tx.registrations.save(reg('t3', 'acme'));
        return [(e as SatiotError).code];
      });
      expect(codes).toEqual(['HARDWARE_ID_BOUND']);
      expect(await store.registrations.get('t2')).toBeUndefined();
      expect((await store.registrations.get('t3'))?.hardwareId).toBe('HW-T3');
    });

    it('changes status only from the expected state (compare-and-set) and reads it back with reason and author', async () => {
      expect(
        await store.registrations.setStatus('t2', 'approved', 'suspended', { reason: 'x', by: 'operator:-', at: T0 }),
      ).toBe(false);
      expect(
        await store.registrations.setStatus('t2', 'pending', 'approved', {
          reason: 'ok',
          by: 'operator:-',
          at: T0 + 7,
        }),
      ).toBe(true);
      expect(await store.registrations.getStatus('t2')).toEqual({
        terminalId: 't2',
        tenantId: 'acme',
        devEui: terminal('t2', 'acme', 2).devEui,
        status: 'approved',
        statusReason: 'ok',
        statusBy: 'operator:-',
        statusAt: T0 + 7,
        createdAt: T0 + 2,
      });
      expect((await store.terminals.getByDevEui(terminal('t2', 'acme', 2).devEui))!.status).toBe('approved');
      expect((await store.terminals.listAll()).find((t) => t.id === 't1')!.status).toBe('approved');
    });

    it('lists terminals by state, oldest first, by tenant, in pages', async () => {
      for (const id of ['t1', 't3', 't4'])
        await store.registrations.setStatus(id, 'approved', 'suspended', { reason: null, by: 'system:x', at: T0 });
      const p1 = await store.registrations.listByStatus({ status: 'suspended', limit: 2 });
      expect(p1.items.map((r) => r.terminalId)).toEqual(['t1', 't3']);
      const p2 = await store.registrations.listByStatus({ status: 'suspended', limit: 2, cursor: p1.nextCursor! });
      expect(p2.items.map((r) => r.terminalId)).toEqual(['t4']);
      expect(p2.nextCursor).toBeUndefined();
      expect(
        (await store.registrations.listByStatus({ status: 'suspended', tenantId: 'beta', limit: 10 })).items.map(
          (r) => r.terminalId,
        ),
      ).toEqual(['t4']);
      await expect(
        store.registrations.listByStatus({ status: 'pending', limit: 1, cursor: 'garbage' }),
      ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    });

    it('counts terminals by state and declared sector (undeclared for terminals without a registration)', async () => {
      await store.registrations.save(reg('t1', 'acme'));
      await store.registrations.save(reg('t2', 'acme', { sector: 'power' }));
      expect(await store.registrations.countByStatusAndSector()).toEqual([
        { status: 'approved', sector: 'undeclared', count: 2 },
        { status: 'approved', sector: 'water', count: 1 },
        { status: 'pending', sector: 'power', count: 1 },
      ]);
    });

    it('replaces sealed values only when they are still the old ones', async () => {
      await store.registrations.save(reg('t1', 'acme'));
      expect(await store.registrations.replaceSealedIdNumber('t1', 'stale', 'new')).toBe(false);
      expect(await store.registrations.replaceSealedIdNumber('t1', 'sealed-t1', 'new')).toBe(true);
      expect((await store.registrations.get('t1'))!.idNumberSealed).toBe('new');
      expect(
        await store.registrations.replaceSealedSessionKeys(
          't1',
          { nwk: 'nwk-sealed-t1', app: 'wrong' },
          { nwk: 'a', app: 'b' },
        ),
      ).toBe(false);
      expect(
        await store.registrations.replaceSealedSessionKeys(
          't1',
          { nwk: 'nwk-sealed-t1', app: 'app-sealed-t1' },
          { nwk: 'a', app: 'b' },
        ),
      ).toBe(true);
      expect(await store.terminals.getByDevEui(terminal('t1', 'acme', 1).devEui)).toMatchObject({
        nwkSKeySealed: 'a',
        appSKeySealed: 'b',
      });
      expect(await store.registrations.listSealedIntegrationSecrets()).toEqual([]);
    });

    it('deleting a terminal deletes its registration (the hardware id is free again); one with messages keeps both', async () => {
      await store.registrations.save(reg('t1', 'acme'));
      await store.registrations.save(reg('t3', 'acme'));
      expect(await store.terminals.delete(terminal('t1', 'acme', 1).devEui)).toBe('deleted');
      expect(await store.registrations.get('t1')).toBeUndefined();
      await store.registrations.save(reg('t4', 'beta', { hardwareId: 'HW-T1' }));
      await store.groundStations.create(station('gs'));
      const m = message(terminal('t3', 'acme', 3), 1);
      await store.commitIngest(write({ newMessages: [m], receptions: [reception(m, 'gs')] }));
      expect(await store.terminals.delete(terminal('t3', 'acme', 3).devEui)).toBe('has-messages');
      expect(await store.registrations.get('t3')).toBeDefined();
    });
  });
}

describe('migration 9 on an existing SQLite database', () => {
  it('keeps existing terminals approved, with their enabled switch as it was', () => {
    const db = new Database(':memory:');
    migrateSqlite(
      db,
      SQLITE_MIGRATIONS.filter((m) => m.version <= 8),
    );
    db.prepare('INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)').run('acme', 'Acme', T0);
    const ins =
      db.prepare(`INSERT INTO terminals (id, tenant_id, dev_eui, dev_addr, suite, profile, expected_messages_per_day, enabled, nwk_s_key_sealed, app_s_key_sealed, created_at)
      VALUES (?, 'acme', ?, ?, 'aes128', 'fixed-collector', 24, ?, 'n', 'a', ?)`);
    ins.run('on', '0000000000000001', '00000001', 1, T0);
    ins.run('off', '0000000000000002', '00000002', 0, T0);
    migrateSqlite(db);
    expect(db.prepare('SELECT id, enabled, status, status_reason FROM terminals ORDER BY id').all()).toEqual([
      { id: 'off', enabled: 0, status: 'approved', status_reason: null },
      { id: 'on', enabled: 1, status: 'approved', status_reason: null },
    ]);
    expect(() => db.prepare("UPDATE terminals SET status = 'bogus' WHERE id = 'on'").run()).toThrow(/CHECK/);
    db.close();
  });
});
