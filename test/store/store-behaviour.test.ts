/**
 * The Store port's behaviour, one suite run against every backend (as Kysely's tests loop over
 * their dialects). PostgreSQL runs only when SATIOT_TEST_POSTGRES_URL is set, e.g.
 * SATIOT_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test npx vitest run test/store
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SatelliteRecord, TerminalRecord } from '../../src/core/model.js';
import { CounterConflictError, type Store } from '../../src/core/ports/store.js';
import { ruleStateKey } from '../../src/core/ports/rule-store.js';
import { parseRule, type Alarm } from '../../src/rules/index.js';
import {
  POSTGRES_URL,
  SQLITE_FILE,
  SQLITE_MEMORY,
  T0,
  counters,
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
import { expectSatiotError } from '../support/expect-satiot-error.js';

const BACKENDS: BackendCase[] = [SQLITE_MEMORY, SQLITE_FILE, ...(POSTGRES_URL ? [postgresCase(POSTGRES_URL)] : [])];

for (const backend of BACKENDS) {
  describe(`Store behaviour: ${backend.name}`, () => {
    let h: StoreHarness;
    let store: Store;

    beforeEach(async () => {
      h = await backend.open();
      store = h.store;
    });
    afterEach(async () => {
      await h.dispose();
    });

    /** A tenant with one terminal (and its first counter state) and two stations. */
    async function seed(): Promise<{ t: TerminalRecord }> {
      await store.tenants.create(tenant('acme'));
      const t = terminal('term-1', 'acme', 1);
      await store.terminals.create(t);
      await store.groundStations.create(station('gs-a'));
      await store.groundStations.create(station('gs-b'));
      return { t };
    }

    describe('tenants', () => {
      it('creates, gets and lists tenants (oldest first)', async () => {
        await store.tenants.create(tenant('b', { createdAt: T0 + 2 }));
        await store.tenants.create(tenant('a', { name: 'Alpha', createdAt: T0 + 2 }));
        await store.tenants.create(tenant('c', { createdAt: T0 + 1 }));
        expect(await store.tenants.get('a')).toEqual({ id: 'a', name: 'Alpha', createdAt: T0 + 2 });
        expect(await store.tenants.get('zzz')).toBeUndefined();
        expect((await store.tenants.list()).map((t) => t.id)).toEqual(['c', 'a', 'b']);
      });

      it('refuses a duplicate tenant id with a SatiotError, not a driver error', async () => {
        await store.tenants.create(tenant('a'));
        await expectSatiotError(store.tenants.create(tenant('a', { name: 'again' })), 'INVALID_ARGUMENT');
        expect(await store.tenants.list()).toHaveLength(1);
      });
    });

    describe('terminals', () => {
      it('stores every field of a terminal, with and without a location', async () => {
        await store.tenants.create(tenant('acme'));
        const fixed = terminal('t-fixed', 'acme', 1, {
          suite: 'sm4',
          profile: 'vessel',
          location: { lat: 31.25, lon: 121.5, altM: -3.5 },
          expectedMessagesPerDay: 0.5,
        });
        const mobile = terminal('t-mobile', 'acme', 2, { enabled: false });
        await store.terminals.create(fixed);
        await store.terminals.create(mobile);
        expect(await store.terminals.getByDevEui(fixed.devEui)).toEqual(fixed);
        const got = await store.terminals.getByDevEui(mobile.devEui);
        expect(got).toEqual(mobile);
        expect(got).not.toHaveProperty('location');
        expect(await store.terminals.getByDevEui('ffffffffffffffff')).toBeUndefined();
      });

      it('fails with TERMINAL_EXISTS when the devEui is taken', async () => {
        await store.tenants.create(tenant('acme'));
        await store.terminals.create(terminal('t-1', 'acme', 7));
        const e = await expectSatiotError(store.terminals.create(terminal('t-2', 'acme', 7)), 'TERMINAL_EXISTS');
        expect(e.details).toEqual({ devEui: '0000000000000007' });
        expect(await store.terminals.listAll()).toHaveLength(1);
      });

      it('creates terminals in bulk over several multi-row statements, each readable as written; all or nothing in a transaction', async () => {
        await store.tenants.create(tenant('acme'));
        const many = Array.from({ length: 1_234 }, (_, i) =>
          terminal(
            `bulk-${i}`,
            'acme',
            1_000 + i,
            i % 2 ? { location: { lat: 30, lon: 114, altM: 5 }, codec: 'sl651' } : {},
          ),
        );
        await store.terminals.createMany(many);
        expect(await store.terminals.listAll()).toHaveLength(1_234);
        expect(await store.terminals.getByDevEui(many[777]!.devEui)).toEqual(many[777]);
        // One taken DevEUI refuses the whole batch inside a transaction: nothing of it stays.
        const again = [terminal('x-1', 'acme', 5_000), terminal('x-2', 'acme', 1_000)];
        await expectSatiotError(
          store.atomically((tx) => tx.terminals.createMany(again)),
          'TERMINAL_EXISTS',
        );
        expect(await store.terminals.getByDevEui(again[0]!.devEui)).toBeUndefined();
        await expectSatiotError(store.terminals.createMany([terminal('y-1', 'nobody', 6_000)]), 'TENANT_NOT_FOUND');
      });

      it('refuses a duplicate terminal id and an unknown tenant with SatiotErrors', async () => {
        await store.tenants.create(tenant('acme'));
        await store.terminals.create(terminal('t-1', 'acme', 1));
        await expectSatiotError(store.terminals.create(terminal('t-1', 'acme', 2)), 'INVALID_ARGUMENT');
        await expectSatiotError(store.terminals.create(terminal('t-3', 'nobody', 3)), 'TENANT_NOT_FOUND');
        expect((await store.terminals.listAll()).map((t) => t.id)).toEqual(['t-1']);
      });

      it('lists all terminals and pages through them with cursors (by createdAt, then id)', async () => {
        await store.tenants.create(tenant('a'));
        await store.tenants.create(tenant('b'));
        // Same createdAt for several: the id breaks ties.
        const ts = [
          terminal('t-05', 'a', 5, { createdAt: T0 + 10 }),
          terminal('t-02', 'b', 2, { createdAt: T0 + 10 }),
          terminal('t-09', 'a', 9, { createdAt: T0 + 5 }),
          terminal('t-01', 'a', 1, { createdAt: T0 + 20 }),
          terminal('t-07', 'b', 7, { createdAt: T0 + 10 }),
          terminal('t-03', 'a', 3, { createdAt: T0 + 30 }),
          terminal('t-04', 'a', 4, { createdAt: T0 + 10 }),
        ];
        for (const t of ts) await store.terminals.create(t);
        const expected = ['t-09', 't-02', 't-04', 't-05', 't-07', 't-01', 't-03'];
        expect((await store.terminals.listAll()).map((t) => t.id)).toEqual(expected);

        const seen: string[] = [];
        const sizes: number[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.terminals.list({ limit: 3, ...(cursor !== undefined ? { cursor } : {}) });
          seen.push(...page.items.map((t) => t.id));
          sizes.push(page.items.length);
          cursor = page.nextCursor;
        } while (cursor !== undefined);
        expect(seen).toEqual(expected);
        expect(sizes).toEqual([3, 3, 1]);

        const exact = await store.terminals.list({ limit: 7 });
        expect(exact.items).toHaveLength(7);
        expect(exact.nextCursor).toBeUndefined();

        const a1 = await store.terminals.list({ tenantId: 'a', limit: 2 });
        expect(a1.items.map((t) => t.id)).toEqual(['t-09', 't-04']);
        const a2 = await store.terminals.list({ tenantId: 'a', limit: 2, cursor: a1.nextCursor! });
        expect(a2.items.map((t) => t.id)).toEqual(['t-05', 't-01']);
        const a3 = await store.terminals.list({ tenantId: 'a', limit: 2, cursor: a2.nextCursor! });
        expect(a3.items.map((t) => t.id)).toEqual(['t-03']);
        expect(a3.nextCursor).toBeUndefined();
        expect((await store.terminals.list({ tenantId: 'nobody', limit: 5 })).items).toEqual([]);
        expect(a1.items[0]).toEqual(ts[2]);
      });

      it('refuses a bad page size and a cursor it did not hand out', async () => {
        await expectSatiotError(store.terminals.list({ limit: 0 }), 'INVALID_ARGUMENT');
        await expectSatiotError(store.terminals.list({ limit: 1001 }), 'INVALID_ARGUMENT');
        await expectSatiotError(store.terminals.list({ limit: 10, cursor: 'not-a-cursor' }), 'INVALID_ARGUMENT');
        const { t } = await seed();
        await store.commitIngest(write({ newMessages: [message(t, 1), message(t, 2)] }));
        const messages = await store.messages.list({ terminalId: t.id, limit: 1 });
        // A message cursor is not a terminal cursor.
        await expectSatiotError(store.terminals.list({ limit: 10, cursor: messages.nextCursor! }), 'INVALID_ARGUMENT');
      });

      it('enables and disables a terminal by devEui', async () => {
        await store.tenants.create(tenant('acme'));
        const t = terminal('t-1', 'acme', 1);
        await store.terminals.create(t);
        expect(await store.terminals.setEnabled(t.devEui, false)).toBe(true);
        expect((await store.terminals.getByDevEui(t.devEui))?.enabled).toBe(false);
        expect(await store.terminals.setEnabled(t.devEui, false)).toBe(true);
        expect(await store.terminals.setEnabled(t.devEui, true)).toBe(true);
        expect((await store.terminals.listAll())[0]?.enabled).toBe(true);
        expect(await store.terminals.setEnabled('0123456789abcdef', true)).toBe(false);
      });
    });

    describe('ground stations', () => {
      it('creates, finds by token hash and lists stations', async () => {
        const a = station('gs-a', { createdAt: T0 + 5, enabled: false, altM: 1234.5 });
        const b = station('gs-b', { createdAt: T0 + 1, lat: -33.9, lon: 18.4 });
        await store.groundStations.create(a);
        await store.groundStations.create(b);
        expect(await store.groundStations.getByTokenHash(a.tokenHash)).toEqual(a);
        expect(await store.groundStations.getByTokenHash(b.tokenHash)).toEqual(b);
        expect(await store.groundStations.getByTokenHash('0'.repeat(64))).toBeUndefined();
        expect(await store.groundStations.list()).toEqual([b, a]);
      });

      it('refuses a duplicate token hash or id with a SatiotError', async () => {
        await store.groundStations.create(station('gs-a'));
        await expectSatiotError(
          store.groundStations.create(station('gs-b', { tokenHash: station('gs-a').tokenHash })),
          'INVALID_ARGUMENT',
        );
        await expectSatiotError(
          store.groundStations.create(station('gs-a', { tokenHash: 'f'.repeat(64) })),
          'INVALID_ARGUMENT',
        );
        expect(await store.groundStations.list()).toHaveLength(1);
      });
    });

    describe('satellites', () => {
      const sat = (noradId: number, over: Partial<SatelliteRecord> = {}): SatelliteRecord => ({
        noradId,
        name: `SAT-${noradId}`,
        format: 'tle',
        elementSet: `1 ${noradId}…\n2 ${noradId}…`,
        epoch: T0 - noradId,
        updatedAt: T0,
        ...over,
      });

      it('stores satellites and lists them by catalog number', async () => {
        await store.satellites.upsert([
          sat(44000),
          sat(25544, { format: 'omm', elementSet: '{"OBJECT_NAME":"ISS"}' }),
          sat(100_123),
        ]);
        const all = await store.satellites.list();
        expect(all.map((s) => s.noradId)).toEqual([25544, 44000, 100_123]);
        expect(all[0]).toEqual(sat(25544, { format: 'omm', elementSet: '{"OBJECT_NAME":"ISS"}' }));
      });

      it("replaces a satellite's element set when it is loaded again", async () => {
        await store.satellites.upsert([sat(44000)]);
        await store.satellites.upsert([sat(44000, { name: 'RENAMED', epoch: T0 + 86_400_000, updatedAt: T0 + 1 })]);
        expect(await store.satellites.list()).toEqual([
          sat(44000, { name: 'RENAMED', epoch: T0 + 86_400_000, updatedAt: T0 + 1 }),
        ]);
      });

      it('takes a catalogue of hundreds in one call', async () => {
        await store.satellites.upsert(Array.from({ length: 350 }, (_, i) => sat(10_000 + i)));
        expect(await store.satellites.list()).toHaveLength(350);
      });
    });

    describe('counters', () => {
      it('inserts a first state (expectedVersion −1), then updates it by version', async () => {
        const { t } = await seed();
        expect(await store.counters.get(t.id)).toBeUndefined();
        const first = counters(t.id, 0, 1);
        await store.commitIngest(write({ counters: [{ state: first, expectedVersion: -1 }] }));
        expect(await store.counters.get(t.id)).toEqual(first);
        // The largest 32-bit counter and a long window survive the bigint columns.
        const next = counters(t.id, 0xffff_ffff, 2, { windowBits: 'ffffffffffffffff', fCntDown: 2 ** 40 });
        await store.commitIngest(write({ counters: [{ state: next, expectedVersion: 1 }] }));
        expect(await store.counters.get(t.id)).toEqual(next);
        expect(await store.counters.listAll()).toEqual([next]);
      });

      it("resets a terminal's uplink counters: window emptied, epoch and version up, downlink counter kept; a writer on the old version conflicts", async () => {
        const { t } = await seed();
        expect(await store.counters.resetUplink(t.id)).toMatchObject({ terminalId: t.id, fCntUpTop: -1, version: -1 });
        await store.commitIngest(
          write({
            counters: [{ state: counters(t.id, 40, 1, { fCntDown: 7 }), expectedVersion: -1 }],
            newMessages: [message(t, 40)],
          }),
        );
        expect(await store.counters.resetUplink(t.id)).toEqual({
          terminalId: t.id,
          fCntUpTop: -1,
          windowBits: '',
          fCntDown: 7,
          version: 2,
          upEpoch: 1,
        });
        await expect(
          store.commitIngest(write({ counters: [{ state: counters(t.id, 41, 2), expectedVersion: 1 }] })),
        ).rejects.toBeInstanceOf(CounterConflictError);
        // A message stored under the next epoch (2³² + FCnt) keeps its id apart from the earlier one.
        const again = message(t, 2 ** 32 + 40);
        await store.commitIngest(
          write({
            counters: [{ state: { ...counters(t.id, 40, 3, { fCntDown: 7 }), upEpoch: 1 }, expectedVersion: 2 }],
            newMessages: [again],
          }),
        );
        expect((await store.messages.get(again.id))?.fCnt).toBe(2 ** 32 + 40);
        expect((await store.messages.ingestedAt([message(t, 40).id, again.id])).size).toBe(2);
        expect(await store.counters.resetUplink('no-such-terminal')).toBeUndefined();
      });

      it('lists every terminal counter state', async () => {
        await store.tenants.create(tenant('acme'));
        for (const n of [3, 1, 2]) await store.terminals.create(terminal(`t-${n}`, 'acme', n));
        await store.commitIngest(
          write({
            counters: [3, 1, 2].map((n) => ({ state: counters(`t-${n}`, n, 1), expectedVersion: -1 })),
          }),
        );
        expect((await store.counters.listAll()).map((c) => [c.terminalId, c.fCntUpTop])).toEqual([
          ['t-1', 1],
          ['t-2', 2],
          ['t-3', 3],
        ]);
      });

      it('a second writer with the same expectedVersion gets CounterConflictError and writes nothing', async () => {
        const { t } = await seed();
        await store.terminals.create(terminal('term-2', 'acme', 2));
        await store.commitIngest(write({ counters: [{ state: counters(t.id, 0, 1), expectedVersion: -1 }] }));

        const m1 = message(t, 1);
        await store.commitIngest(
          write({
            newMessages: [m1],
            receptions: [reception(m1, 'gs-a')],
            counters: [{ state: counters(t.id, 1, 2), expectedVersion: 1 }],
          }),
        );

        // Derived from version 1 too: stale. Its other parts must not be written either.
        const m2 = message(t, 2);
        const stale = write({
          newMessages: [m2],
          receptions: [reception(m2, 'gs-a'), reception(m1, 'gs-b')],
          earlierTimes: [{ messageId: m1.id, capturedAt: T0, downlinkedAt: T0 }],
          counters: [
            { state: counters('term-2', 0, 1), expectedVersion: -1 },
            { state: counters(t.id, 2, 2), expectedVersion: 1 },
          ],
          rejections: [{ stationId: 'gs-a', code: 'BAD_MIC', count: 1 }],
        });
        const e = await store.commitIngest(stale).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(e).toBeInstanceOf(CounterConflictError);
        expect((e as CounterConflictError).terminalIds).toEqual([t.id]);

        expect(await store.messages.get(m2.id)).toBeUndefined();
        const stored1 = await store.messages.get(m1.id);
        expect(stored1?.receptions.map((r) => r.stationId)).toEqual(['gs-a']);
        expect(stored1?.capturedAt).toBe(m1.capturedAt);
        expect(await store.counters.get(t.id)).toEqual(counters(t.id, 1, 2));
        expect(await store.counters.get('term-2')).toBeUndefined();
        expect(await store.traffic.rejectionTallies()).toEqual([]);
      });

      it('a first state for a terminal that already has one conflicts', async () => {
        const { t } = await seed();
        await store.commitIngest(write({ counters: [{ state: counters(t.id, 0, 1), expectedVersion: -1 }] }));
        const m = message(t, 1);
        await expect(
          store.commitIngest(
            write({ newMessages: [m], counters: [{ state: counters(t.id, 5, 1), expectedVersion: -1 }] }),
          ),
        ).rejects.toBeInstanceOf(CounterConflictError);
        expect(await store.counters.get(t.id)).toEqual(counters(t.id, 0, 1));
        expect(await store.messages.get(m.id)).toBeUndefined();
        // And an update of a row that does not exist conflicts too.
        await store.terminals.create(terminal('term-2', 'acme', 2));
        await expect(
          store.commitIngest(write({ counters: [{ state: counters('term-2', 1, 4), expectedVersion: 3 }] })),
        ).rejects.toBeInstanceOf(CounterConflictError);
        expect(await store.counters.get('term-2')).toBeUndefined();
      });

      it('of two concurrent writers from the same version exactly one wins', async () => {
        const { t } = await seed();
        await store.commitIngest(write({ counters: [{ state: counters(t.id, 0, 1), expectedVersion: -1 }] }));
        const [ma, mb] = [message(t, 1), message(t, 2)];
        const results = await Promise.allSettled([
          store.commitIngest(
            write({
              newMessages: [ma],
              receptions: [reception(ma, 'gs-a')],
              counters: [{ state: counters(t.id, 1, 2), expectedVersion: 1 }],
            }),
          ),
          store.commitIngest(
            write({
              newMessages: [mb],
              receptions: [reception(mb, 'gs-b')],
              counters: [{ state: counters(t.id, 2, 2), expectedVersion: 1 }],
            }),
          ),
        ]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0]?.reason).toBeInstanceOf(CounterConflictError);
        const stored = (await store.messages.list({ terminalId: t.id, limit: 10 })).items;
        expect(stored).toHaveLength(1);
        expect(stored[0]?.receptions).toHaveLength(1);
        expect((await store.counters.get(t.id))?.fCntUpTop).toBe(stored[0]?.fCnt);
      });

      it('of two concurrent first states for one terminal exactly one wins', async () => {
        const { t } = await seed();
        const results = await Promise.allSettled(
          [1, 2].map((n) => {
            const m = message(t, n);
            return store.commitIngest(
              write({ newMessages: [m], counters: [{ state: counters(t.id, n, 1), expectedVersion: -1 }] }),
            );
          }),
        );
        expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
        expect(results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason).toBeInstanceOf(
          CounterConflictError,
        );
        expect((await store.messages.list({ terminalId: t.id, limit: 10 })).items).toHaveLength(1);
      });

      it('concurrent writers over the same terminals in opposite orders: one wins, the other conflicts', async () => {
        await store.tenants.create(tenant('acme'));
        const ts = [1, 2, 3, 4].map((n) => terminal(`t-${n}`, 'acme', n));
        for (const t of ts) await store.terminals.create(t);
        await store.commitIngest(
          write({ counters: ts.map((t) => ({ state: counters(t.id, 0, 1), expectedVersion: -1 })) }),
        );
        let version = 1;
        for (let round = 0; round < 3; round += 1) {
          const step = (order: TerminalRecord[], tag: string, top: number) =>
            write({
              newMessages: order.map((t) => message(t, top)),
              counters: order.map((t) => ({ state: counters(t.id, top, version + 1), expectedVersion: version })),
            });
          const results = await Promise.allSettled([
            store.commitIngest(step(ts, 'fwd', 2 * round + 1)),
            store.commitIngest(step([...ts].reverse(), 'back', 2 * round + 2)),
          ]);
          expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
          for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(CounterConflictError);
          version += 1;
        }
        expect((await store.counters.listAll()).map((c) => c.version)).toEqual([4, 4, 4, 4]);
        for (const t of ts) expect((await store.messages.list({ terminalId: t.id, limit: 10 })).items).toHaveLength(3);
      });

      it("a second store on the same database sees the first one's writes and conflicts with them", async (ctx) => {
        if (!h.openSecond) {
          ctx.skip();
          return;
        }
        const { t } = await seed();
        const other = await h.openSecond();
        await store.commitIngest(write({ counters: [{ state: counters(t.id, 0, 1), expectedVersion: -1 }] }));
        expect(await other.counters.get(t.id)).toEqual(counters(t.id, 0, 1));
        const m = message(t, 1);
        await other.commitIngest(
          write({ newMessages: [m], counters: [{ state: counters(t.id, 1, 2), expectedVersion: 1 }] }),
        );
        await expect(
          store.commitIngest(
            write({ newMessages: [message(t, 2)], counters: [{ state: counters(t.id, 2, 2), expectedVersion: 1 }] }),
          ),
        ).rejects.toBeInstanceOf(CounterConflictError);
        expect((await store.messages.list({ terminalId: t.id, limit: 10 })).items.map((x) => x.id)).toEqual([m.id]);
      });

      it('refuses two states for one terminal in one write', async () => {
        const { t } = await seed();
        await expectSatiotError(
          store.commitIngest(
            write({
              counters: [
                { state: counters(t.id, 0, 1), expectedVersion: -1 },
                { state: counters(t.id, 1, 2), expectedVersion: 1 },
              ],
            }),
          ),
          'INVALID_ARGUMENT',
        );
        expect(await store.counters.get(t.id)).toBeUndefined();
      });
    });

    describe('commitIngest and messages', () => {
      it('is idempotent: the same write twice stores one message and its receptions once', async () => {
        const { t } = await seed();
        const m = message(t, 1, { confirmed: true, ack: true, fPort: 200 });
        const w = write({
          newMessages: [m],
          receptions: [reception(m, 'gs-a'), reception(m, 'gs-b', { satelliteId: 'SAT-2' })],
        });
        await store.commitIngest(w);
        await store.commitIngest(w);
        const got = await store.messages.get(m.id);
        expect(got).toEqual({
          ...m,
          receptions: [reception(m, 'gs-a'), reception(m, 'gs-b', { satelliteId: 'SAT-2' })],
        });
        expect(got?.payload).toBeInstanceOf(Uint8Array);
        expect(Buffer.isBuffer(got?.payload)).toBe(false);
        expect((await store.messages.list({ terminalId: t.id, limit: 10 })).items).toHaveLength(1);
      });

      it('keeps the first copy of a message and adds the receptions of later copies', async () => {
        const { t } = await seed();
        const m = message(t, 1);
        await store.commitIngest(write({ newMessages: [m], receptions: [reception(m, 'gs-a')] }));
        // A later copy with other contents is not a new message; a new reception is still stored.
        const copy = { ...m, payload: Uint8Array.from([9, 9]), ingestedAt: m.ingestedAt + 5000 };
        const later = reception(m, 'gs-b', { receivedAt: m.ingestedAt + 5000 });
        await store.commitIngest(write({ newMessages: [copy], receptions: [later, reception(m, 'gs-a')] }));
        const got = await store.messages.get(m.id);
        expect(got?.payload).toEqual(m.payload);
        expect(got?.ingestedAt).toBe(m.ingestedAt);
        expect(got?.receptions).toEqual([reception(m, 'gs-a'), later]);
      });

      it('a copy of the same station and satellite captured at another time is another reception', async () => {
        const { t } = await seed();
        const m = message(t, 1);
        const again = reception(m, 'gs-a', { capturedAt: m.capturedAt + 1, receivedAt: m.ingestedAt - 1 });
        await store.commitIngest(
          write({ newMessages: [m], receptions: [reception(m, 'gs-a'), again, reception(m, 'gs-a')] }),
        );
        expect((await store.messages.get(m.id))?.receptions).toEqual([again, reception(m, 'gs-a')]);
      });

      it('earlierTimes keep the minimum of capturedAt and of downlinkedAt, each on its own', async () => {
        const { t } = await seed();
        const m = message(t, 1);
        await store.commitIngest(write({ newMessages: [m] }));
        await store.commitIngest(
          write({
            earlierTimes: [{ messageId: m.id, capturedAt: m.capturedAt - 50, downlinkedAt: m.downlinkedAt + 50 }],
          }),
        );
        let got = await store.messages.get(m.id);
        expect([got?.capturedAt, got?.downlinkedAt]).toEqual([m.capturedAt - 50, m.downlinkedAt]);
        await store.commitIngest(
          write({
            earlierTimes: [
              { messageId: m.id, capturedAt: m.capturedAt + 10, downlinkedAt: m.downlinkedAt - 70 },
              { messageId: m.id, capturedAt: m.capturedAt - 20, downlinkedAt: m.downlinkedAt - 30 },
              { messageId: 'no-such-message', capturedAt: 0, downlinkedAt: 0 },
            ],
          }),
        );
        got = await store.messages.get(m.id);
        expect([got?.capturedAt, got?.downlinkedAt]).toEqual([m.capturedAt - 50, m.downlinkedAt - 70]);
        expect(got?.ingestedAt).toBe(m.ingestedAt);
      });

      it('earlierTimes apply to a message inserted in the same write', async () => {
        const { t } = await seed();
        const m = message(t, 1);
        await store.commitIngest(
          write({
            newMessages: [m],
            earlierTimes: [{ messageId: m.id, capturedAt: m.capturedAt - 1, downlinkedAt: m.downlinkedAt - 2 }],
          }),
        );
        const got = await store.messages.get(m.id);
        expect([got?.capturedAt, got?.downlinkedAt]).toEqual([m.capturedAt - 1, m.downlinkedAt - 2]);
      });

      it('messageIngestedAt returns the stored messages among the ids', async () => {
        const { t } = await seed();
        const ms = [message(t, 1), message(t, 2, { ingestedAt: T0 + 42 })];
        await store.commitIngest(write({ newMessages: ms }));
        expect(await store.messages.ingestedAt([])).toEqual(new Map());
        expect(
          await store.messages.ingestedAt([
            ms[1]!.id,
            'nope',
            ms[0]!.id,
            ms[1]!.id,
            `${t.id}.7`,
            'nobody.1',
            `${t.id}.01`,
          ]),
        ).toEqual(
          new Map([
            [ms[0]!.id, ms[0]!.ingestedAt],
            [ms[1]!.id, T0 + 42],
          ]),
        );
        const many = Array.from({ length: 1200 }, (_, i) => `${t.id}.${i + 10}`).concat([ms[0]!.id]);
        expect(await store.messages.ingestedAt(many)).toEqual(new Map([[ms[0]!.id, ms[0]!.ingestedAt]]));
      });

      it('messages.get: unknown id → undefined; a message without receptions has an empty list', async () => {
        const { t } = await seed();
        const m = message(t, 1, { fPort: null, payload: new Uint8Array(0) });
        await store.commitIngest(write({ newMessages: [m] }));
        expect(await store.messages.get('nope')).toBeUndefined();
        expect(await store.messages.get(`${t.id}.2`)).toBeUndefined();
        expect(await store.messages.get('nobody.1')).toBeUndefined();
        expect(await store.messages.get(`${t.id}.01`)).toBeUndefined();
        expect(await store.messages.get(m.id)).toEqual({ ...m, receptions: [] });
      });

      it('messages.list: newest first by capturedAt then id, with receptions by receivedAt and payload bytes', async () => {
        const { t } = await seed();
        const other = terminal('term-2', 'acme', 2);
        await store.terminals.create(other);
        const ms = [
          message(t, 1, { capturedAt: T0 + 100 }),
          message(t, 2, { capturedAt: T0 + 300 }),
          message(t, 3, { capturedAt: T0 + 300 }),
          message(t, 4, { capturedAt: T0 + 200, payload: Uint8Array.from({ length: 255 }, (_, i) => 255 - i) }),
          message(other, 5, { capturedAt: T0 + 250 }),
        ];
        const receptions = [
          reception(ms[1]!, 'gs-b', { receivedAt: T0 + 900 }),
          reception(ms[1]!, 'gs-a', { receivedAt: T0 + 800 }),
          reception(ms[1]!, 'gs-a', {
            satelliteId: 'SAT-9',
            receivedAt: T0 + 850,
            rssi: null,
            snr: null,
            frequencyOffsetHz: null,
          }),
          reception(ms[3]!, 'gs-a'),
        ];
        await store.commitIngest(write({ newMessages: ms, receptions }));
        const page = await store.messages.list({ terminalId: t.id, limit: 10 });
        // Same capturedAt: the higher counter (here also the greater id) first.
        expect(page.items.map((m) => m.id)).toEqual([ms[2]!.id, ms[1]!.id, ms[3]!.id, ms[0]!.id]);
        expect(page.nextCursor).toBeUndefined();
        expect(page.items[1]?.receptions).toEqual([receptions[1], receptions[2], receptions[0]]);
        expect(page.items[0]?.receptions).toEqual([]);
        expect(page.items[2]).toEqual({ ...ms[3], receptions: [receptions[3]] });
        expect(page.items[2]?.payload).toEqual(Uint8Array.from({ length: 255 }, (_, i) => 255 - i));
      });

      it('listMessages pages with cursors and filters on capturedAt (inclusive) and fPort', async () => {
        const { t } = await seed();
        // 25 messages; captured every 10 ms, pairs share a capture time; ports 1..3 and none.
        const ms = Array.from({ length: 25 }, (_, i) =>
          message(t, i, {
            capturedAt: T0 + Math.floor(i / 2) * 10,
            fPort: i % 4 === 3 ? null : (i % 4) + 1,
          }),
        );
        await store.commitIngest(write({ newMessages: ms, receptions: ms.map((m) => reception(m, 'gs-a')) }));
        const newestFirst = [...ms]
          .sort((a, b) => b.capturedAt - a.capturedAt || (a.id < b.id ? 1 : -1))
          .map((m) => m.id);

        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.messages.list({
            terminalId: t.id,
            limit: 7,
            ...(cursor !== undefined ? { cursor } : {}),
          });
          seen.push(...page.items.map((m) => m.id));
          for (const m of page.items) expect(m.receptions).toHaveLength(1);
          cursor = page.nextCursor;
          pages += 1;
        } while (cursor !== undefined);
        expect(seen).toEqual(newestFirst);
        expect(pages).toBe(4);

        const from = T0 + 30;
        const to = T0 + 80;
        const inRange = newestFirst.filter((id) => {
          const m = ms.find((x) => x.id === id)!;
          return m.capturedAt >= from && m.capturedAt <= to;
        });
        expect(inRange).toHaveLength(12);
        const r1 = await store.messages.list({ terminalId: t.id, limit: 5, from, to });
        const r2 = await store.messages.list({ terminalId: t.id, limit: 5, from, to, cursor: r1.nextCursor! });
        const r3 = await store.messages.list({ terminalId: t.id, limit: 5, from, to, cursor: r2.nextCursor! });
        expect([...r1.items, ...r2.items, ...r3.items].map((m) => m.id)).toEqual(inRange);
        expect(r3.nextCursor).toBeUndefined();

        const port2 = await store.messages.list({ terminalId: t.id, limit: 100, fPort: 2 });
        expect(port2.items.map((m) => m.id)).toEqual(
          newestFirst.filter((id) => ms.find((x) => x.id === id)!.fPort === 2),
        );
        const port2Range = await store.messages.list({
          terminalId: t.id,
          limit: 100,
          fPort: 2,
          from: T0 + 40,
          to: T0 + 40,
        });
        expect(port2Range.items.map((m) => m.id)).toEqual([`${t.id}.9`]);
        expect((await store.messages.list({ terminalId: 'nobody', limit: 10 })).items).toEqual([]);
      });

      it('listMessages refuses a bad page size or cursor', async () => {
        await expectSatiotError(store.messages.list({ terminalId: 'x', limit: 0 }), 'INVALID_ARGUMENT');
        await expectSatiotError(store.messages.list({ terminalId: 'x', limit: 1.5 }), 'INVALID_ARGUMENT');
        await expectSatiotError(
          store.messages.list({
            terminalId: 'x',
            limit: 10,
            cursor: Buffer.from('["messages","x","y"]').toString('base64url'),
          }),
          'INVALID_ARGUMENT',
        );
      });

      it('rejection tallies accumulate per station and code', async () => {
        await store.commitIngest(
          write({
            rejections: [
              { stationId: 'gs-a', code: 'BAD_MIC', count: 2 },
              { stationId: 'gs-a', code: 'BAD_MIC', count: 3 },
              { stationId: 'gs-b', code: 'REPLAYED_COUNTER', count: 1 },
            ],
          }),
        );
        await store.commitIngest(
          write({
            rejections: [
              { stationId: 'gs-a', code: 'BAD_MIC', count: 10 },
              { stationId: 'gs-a', code: 'UNKNOWN_TERMINAL', count: 1 },
              { stationId: 'unregistered', code: 'UNAUTHORIZED_STATION', count: 4 },
            ],
          }),
        );
        expect(await store.traffic.rejectionTallies()).toEqual([
          { stationId: 'gs-a', code: 'BAD_MIC', count: 15 },
          { stationId: 'gs-a', code: 'UNKNOWN_TERMINAL', count: 1 },
          { stationId: 'gs-b', code: 'REPLAYED_COUNTER', count: 1 },
          { stationId: 'unregistered', code: 'UNAUTHORIZED_STATION', count: 4 },
        ]);
      });

      it('counts the traffic by hour: copies stored per station and satellite (a write retried counts once), rejections per station and code', async () => {
        await store.tenants.create(tenant('acme'));
        await store.groundStations.create(station('gs-a'));
        await store.groundStations.create(station('gs-b'));
        const t = terminal('term-1', 'acme', 1);
        await store.terminals.create(t);
        const H = 3_600_000,
          hour = Math.floor(T0 / H);
        const [m1, m2, m3] = [
          message(t, 1, { ingestedAt: hour * H + 10 }),
          message(t, 2, { ingestedAt: hour * H + 20 }),
          message(t, 3, { ingestedAt: (hour + 1) * H + 5 }),
        ];
        const first = write({
          newMessages: [m1!, m2!],
          at: hour * H + 30,
          receptions: [
            reception(m1!, 'gs-a'),
            reception(m1!, 'gs-b', { satelliteId: 'SAT-2' }),
            reception(m2!, 'gs-a'),
          ],
          rejections: [{ stationId: 'gs-a', code: 'BAD_MIC', count: 2 }],
        });
        await store.commitIngest(first);
        await store.commitIngest({ ...first, rejections: [] }); // the same copies again: stored once, counted once
        await store.commitIngest(
          write({
            newMessages: [m3!],
            receptions: [reception(m3!, 'gs-a')],
            at: (hour + 1) * H + 40,
            rejections: [{ stationId: 'gs-b', code: 'REPLAYED_COUNTER', count: 1 }],
          }),
        );
        const h = await store.traffic.byHour(hour, hour + 1);
        expect(h.receptions).toEqual([
          { hour, stationId: 'gs-a', satelliteId: 'SAT-1', count: 2 },
          { hour, stationId: 'gs-b', satelliteId: 'SAT-2', count: 1 },
          { hour: hour + 1, stationId: 'gs-a', satelliteId: 'SAT-1', count: 1 },
        ]);
        expect(h.rejections).toEqual([
          { hour, stationId: 'gs-a', code: 'BAD_MIC', count: 2 },
          { hour: hour + 1, stationId: 'gs-b', code: 'REPLAYED_COUNTER', count: 1 },
        ]);
        expect((await store.traffic.byHour(hour + 1, hour + 5)).receptions).toHaveLength(1);
      });

      it('message ids are read back from the terminal id and counter (a terminal id may contain dots)', async () => {
        await store.tenants.create(tenant('acme'));
        await store.groundStations.create(station('gs-a'));
        const dotted = terminal('site.7.unit', 'acme', 1);
        await store.terminals.create(dotted);
        const m = message(dotted, 0xffff_ffff);
        await store.commitIngest(write({ newMessages: [m], receptions: [reception(m, 'gs-a')] }));
        expect(m.id).toBe('site.7.unit.4294967295');
        expect(await store.messages.get(m.id)).toEqual({ ...m, receptions: [reception(m, 'gs-a')] });
        expect(await store.messages.ingestedAt([m.id, 'site.7.4294967295'])).toEqual(new Map([[m.id, m.ingestedAt]]));
        expect((await store.messages.list({ terminalId: dotted.id, limit: 1 })).items.map((x) => x.id)).toEqual([m.id]);
      });

      it('refuses a new message whose id is not derived from its terminal and counter, and receptions of unknown messages or stations', async () => {
        const { t } = await seed();
        const m = message(t, 1);
        await expectSatiotError(store.commitIngest(write({ newMessages: [{ ...m, id: 'm-1' }] })), 'INVALID_ARGUMENT');
        await expectSatiotError(
          store.commitIngest(write({ newMessages: [m], receptions: [reception(m, 'gs-unknown')] })),
          'INVALID_ARGUMENT',
        );
        await expectSatiotError(
          store.commitIngest(write({ newMessages: [m], receptions: [reception(message(t, 2), 'gs-a')] })),
          'INVALID_ARGUMENT',
        );
        expect(await store.messages.get(m.id)).toBeUndefined();
        // A duplicate's reception finds the stored message.
        await store.commitIngest(write({ newMessages: [m] }));
        await store.commitIngest(write({ receptions: [reception(m, 'gs-b')] }));
        expect((await store.messages.get(m.id))?.receptions).toEqual([reception(m, 'gs-b')]);
      });

      it('commits a batch of 1,000 frames over 100 terminals in one write', async () => {
        await store.tenants.create(tenant('acme'));
        await store.groundStations.create(station('gs-a'));
        const ts = Array.from({ length: 100 }, (_, i) => terminal(`t-${i}`, 'acme', i + 1));
        for (const t of ts) await store.terminals.create(t);
        const ms = Array.from({ length: 1000 }, (_, i) => message(ts[i % 100]!, Math.floor(i / 100)));
        await store.commitIngest(
          write({
            newMessages: ms,
            receptions: ms.map((m) => reception(m, 'gs-a')),
            counters: ts.map((t) => ({ state: counters(t.id, 9, 1), expectedVersion: -1 })),
          }),
        );
        expect((await store.messages.ingestedAt(ms.map((m) => m.id))).size).toBe(1000);
        expect((await store.messages.list({ terminalId: 't-7', limit: 1000 })).items).toHaveLength(10);
        expect(await store.counters.listAll()).toHaveLength(100);
      });
    });

    describe('decoded payloads and user codecs', () => {
      it("keeps a terminal's codec, and none when it has none", async () => {
        await store.tenants.create(tenant('acme'));
        const t = terminal('term-9', 'acme', 9, { codec: 'sl651' });
        await store.terminals.create(t);
        expect(await store.terminals.getByDevEui(t.devEui)).toEqual(t);
        await store.terminals.create(terminal('term-10', 'acme', 10));
        expect((await store.terminals.getByDevEui(terminal('term-10', 'acme', 10).devEui))!.codec).toBeUndefined();
      });

      it("shows a message's decode with the message once saved, and a redelivered decode replaces it", async () => {
        const { t } = await seed();
        const m = message(t, 1);
        await store.commitIngest(write({ newMessages: [m], receptions: [reception(m, 'gs-a')] }));
        expect((await store.messages.get(m.id))!.decode).toBeUndefined();
        const failed = {
          messageId: m.id,
          codec: 'jt808',
          decoded: null,
          error: { code: 'CODEC_CHECKSUM', message: 'XOR 0x13 expected, 0x14 found' },
          decodedAt: T0 + 5,
        };
        await store.messages.saveDecode(failed);
        expect((await store.messages.get(m.id))!.decode).toEqual(failed);
        const ok = {
          messageId: m.id,
          codec: 'jt808',
          decoded: { type: 'location', position: { lat: 39.9, lon: 116.4 }, alarms: ['overspeed'] },
          error: null,
          decodedAt: T0 + 9,
        };
        await store.messages.saveDecode(ok);
        expect((await store.messages.get(m.id))!.decode).toEqual(ok);
        expect((await store.messages.list({ terminalId: t.id, limit: 10 })).items[0]!.decode).toEqual(ok);
      });

      it('refuses to save a decode for a message that does not exist', async () => {
        const { t } = await seed();
        await expectSatiotError(
          store.messages.saveDecode({
            messageId: `${t.id}.77`,
            codec: 'sl651',
            decoded: {},
            error: null,
            decodedAt: T0,
          }),
          'MESSAGE_NOT_FOUND',
        );
      });

      it('saves many decodes at once, the last of a message winning, and names the messages that are not stored', async () => {
        const { t } = await seed();
        const ms = [1, 2, 3].map((n) => message(t, n));
        await store.commitIngest(write({ newMessages: ms, receptions: ms.map((m) => reception(m, 'gs-a')) }));
        const d = (m: { id: string }, n: number) => ({
          messageId: m.id,
          codec: 'sl651',
          decoded: { n },
          error: null,
          decodedAt: T0 + n,
        });
        const missing = await store.messages.saveDecodes([
          d(ms[0]!, 1),
          d(ms[1]!, 2),
          { messageId: `${t.id}.77`, codec: 'sl651', decoded: {}, error: null, decodedAt: T0 },
          d(ms[0]!, 9),
          { messageId: 'not-an-id', codec: 'x', decoded: null, error: null, decodedAt: T0 },
        ]);
        expect(missing.sort()).toEqual([`${t.id}.77`, 'not-an-id'].sort());
        expect((await store.messages.get(ms[0]!.id))!.decode).toEqual(d(ms[0]!, 9));
        expect((await store.messages.get(ms[1]!.id))!.decode).toEqual(d(ms[1]!, 2));
        expect((await store.messages.get(ms[2]!.id))!.decode).toBeUndefined();
        expect(await store.messages.saveDecodes([])).toEqual([]);
      });

      it('keeps user codecs per tenant, one name once per tenant', async () => {
        await store.tenants.create(tenant('acme'));
        await store.tenants.create(tenant('beta'));
        const c = {
          id: 'c1',
          tenantId: 'acme',
          name: 'thermo',
          script: 'function decodeUplink(b) { return { t: b[0] }; }',
          createdAt: T0,
        };
        await store.userCodecs.create(c);
        await store.userCodecs.create({ ...c, id: 'c2', tenantId: 'beta' });
        expect(await store.userCodecs.get('c1')).toEqual(c);
        expect(await store.userCodecs.get('nope')).toBeUndefined();
        expect((await store.userCodecs.list('acme')).map((x) => x.id)).toEqual(['c1']);
        await expectSatiotError(store.userCodecs.create({ ...c, id: 'c3' }), 'INVALID_ARGUMENT');
        await expectSatiotError(store.userCodecs.create({ ...c, id: 'c4', tenantId: 'ghost' }), 'TENANT_NOT_FOUND');
      });
    });

    describe('rules, rule states and alarms', () => {
      const rule = (id: string, tenantId: string, value = 5) =>
        parseRule({
          id,
          tenantId,
          name: `rule ${id}`,
          severity: 'warning',
          enabled: true,
          scope: {},
          condition: { kind: 'threshold', field: 'values.x', op: '>', value },
        });
      const alarm = (id: string, over: Partial<Alarm> = {}): Alarm => ({
        id,
        tenantId: 'acme',
        ruleId: 'r1',
        terminalId: 'term-1',
        devEui: '0000000000000001',
        severity: 'warning',
        state: 'raised',
        raisedAt: T0,
        evidence: { value: 7 },
        count: 1,
        ...over,
      });

      it('saves, replaces, lists and deletes rules with their states', async () => {
        await store.tenants.create(tenant('acme'));
        await store.rules.save(rule('r1', 'acme'), T0);
        await store.rules.save(rule('r2', 'acme'), T0 + 1);
        await store.rules.save(rule('r1', 'acme', 9), T0 + 2);
        expect(await store.rules.get('r1')).toEqual(rule('r1', 'acme', 9));
        expect((await store.rules.list('acme')).map((r) => r.id)).toEqual(['r1', 'r2']);
        const st = {
          version: 1,
          conditionKey: 'k',
          active: true,
          raisedAt: T0,
          latestAt: T0,
          falseSince: null,
          leaves: {},
        } as const;
        await store.rules.saveState('r1', 'term-1', st);
        await store.rules.saveState('r1', 'term-1', { ...st, active: false });
        expect(await store.rules.getState('r1', 'term-1')).toEqual({ ...st, active: false });
        expect(await store.rules.delete('r1')).toBe(true);
        expect(await store.rules.delete('r1')).toBe(false);
        expect(await store.rules.getState('r1', 'term-1')).toBeUndefined();
        await expectSatiotError(store.rules.save(rule('r3', 'ghost'), T0), 'TENANT_NOT_FOUND');
      });

      it('reads and writes the states of many (rule, terminal) pairs at once', async () => {
        await store.tenants.create(tenant('acme'));
        for (const id of ['r1', 'r2', 'r3']) await store.rules.save(rule(id, 'acme'), T0);
        const st = (latestAt: number) =>
          ({
            version: 1,
            conditionKey: 'k',
            active: false,
            raisedAt: null,
            latestAt,
            falseSince: null,
            leaves: {},
          }) as const;
        const terminals = Array.from({ length: 700 }, (_, i) => `term-${i}`); // more than one query's worth
        await store.rules.saveStates(
          terminals.flatMap((t, i) => [
            { ruleId: 'r1', terminalId: t, state: st(i) },
            { ruleId: 'r2', terminalId: t, state: st(-i) },
          ]),
        );
        await store.rules.saveStates([
          { ruleId: 'r3', terminalId: 'term-5', state: st(1) },
          { ruleId: 'r3', terminalId: 'term-5', state: st(2) },
        ]);
        const got = await store.rules.getStates([
          ...terminals.map((t) => ({ ruleId: 'r1', terminalId: t })),
          { ruleId: 'r2', terminalId: 'term-699' },
          { ruleId: 'r3', terminalId: 'term-5' },
          { ruleId: 'r3', terminalId: 'term-6' },
        ]);
        expect(got.size).toBe(702); // r2 of the other terminals was not asked for; r3 of term-6 has none
        expect(got.get(ruleStateKey('r1', 'term-650'))).toEqual(st(650));
        expect(got.get(ruleStateKey('r2', 'term-699'))).toEqual(st(-699));
        expect(got.get(ruleStateKey('r3', 'term-5'))).toEqual(st(2));
        expect(got.has(ruleStateKey('r2', 'term-1'))).toBe(false);
        expect(await store.rules.getState('r2', 'term-1')).toEqual(st(-1));
        expect((await store.rules.getStates([])).size).toBe(0);
      });

      it('keeps one open alarm per rule and terminal, and lists alarms newest first by state with a cursor', async () => {
        await store.tenants.create(tenant('acme'));
        await store.alarms.save(alarm('a1', { state: 'cleared', raisedAt: T0 }));
        await store.alarms.save(alarm('a2', { raisedAt: T0 + 10 }));
        await store.alarms.save(alarm('a3', { ruleId: 'r2', raisedAt: T0 + 20, state: 'acknowledged' }));
        expect((await store.alarms.getOpen('r1', 'term-1'))!.id).toBe('a2');
        await expect(store.alarms.save(alarm('a4', { raisedAt: T0 + 30 }))).rejects.toBeTruthy();
        await store.alarms.save(alarm('a2', { raisedAt: T0 + 10, count: 2 }));
        expect((await store.alarms.get('a2'))!.count).toBe(2);
        expect(
          (await store.alarms.list({ tenantId: 'acme', state: 'open', limit: 10 })).items.map((a) => a.id),
        ).toEqual(['a3', 'a2']);
        const first = await store.alarms.list({ tenantId: 'acme', limit: 2 });
        expect(first.items.map((a) => a.id)).toEqual(['a3', 'a2']);
        const next = await store.alarms.list({ tenantId: 'acme', limit: 2, cursor: first.nextCursor! });
        expect(next.items.map((a) => a.id)).toEqual(['a1']);
        expect(next.nextCursor).toBeUndefined();
      });
    });

    describe('usage', () => {
      it('counts uplink messages and payload bytes per terminal and UTC day of ingest', async () => {
        const { t } = await seed();
        const t2 = terminal('term-2', 'acme', 2);
        await store.terminals.create(t2);
        const DAY = 86_400_000;
        const day0 = Math.floor(T0 / DAY);
        await store.commitIngest(
          write({
            newMessages: [
              message(t, 1, { ingestedAt: T0 + 1000, payload: new Uint8Array(10) }),
              message(t, 2, { ingestedAt: T0 + 2000, payload: new Uint8Array(5) }),
              message(t, 3, { ingestedAt: T0 + DAY + 1, payload: new Uint8Array(1) }),
              message(t2, 1, { ingestedAt: T0 + 5, payload: new Uint8Array(7) }),
              message(t2, 2, { ingestedAt: T0 + 3 * DAY, payload: new Uint8Array(7) }),
            ],
          }),
        );
        const rows = await store.messages.uplinkUsage({ tenantId: 'acme', from: T0, to: T0 + 2 * DAY });
        expect(rows).toEqual(
          [
            { tenantId: 'acme', devEui: t.devEui, day: day0, messages: 2, bytes: 15 },
            { tenantId: 'acme', devEui: t2.devEui, day: day0, messages: 1, bytes: 7 },
            { tenantId: 'acme', devEui: t.devEui, day: day0 + 1, messages: 1, bytes: 1 },
          ].sort((a, b) => a.day - b.day || a.devEui.localeCompare(b.devEui)),
        );
        expect(await store.messages.uplinkUsage({ terminalId: t2.id, from: T0, to: T0 + 10 * DAY })).toHaveLength(2);
        expect(await store.messages.uplinkUsage({ tenantId: 'nobody', from: T0, to: T0 + DAY })).toEqual([]);
      });
    });

    describe('deleting terminals', () => {
      it('deletes a terminal without messages with its counters, and keeps one with messages', async () => {
        const { t } = await seed();
        const spare = terminal('term-2', 'acme', 2);
        await store.terminals.create(spare);
        await store.commitIngest(write({ counters: [{ state: counters(spare.id, -1, 1), expectedVersion: -1 }] }));
        await store.commitIngest(write({ newMessages: [message(t, 1)] }));
        expect(await store.terminals.delete(t.devEui)).toBe('has-messages');
        expect(await store.terminals.delete(spare.devEui)).toBe('deleted');
        expect(await store.terminals.getByDevEui(spare.devEui)).toBeUndefined();
        expect(await store.counters.get(spare.id)).toBeUndefined();
        expect(await store.terminals.delete(spare.devEui)).toBe('not-found');
        expect(await store.terminals.getByDevEui(t.devEui)).toEqual(t);
      });
    });

    describe('API keys', () => {
      it('keeps keys by hash, lists them per tenant, and revokes once', async () => {
        await store.tenants.create(tenant('acme'));
        const k = {
          id: 'k1',
          tenantId: 'acme',
          role: 'tenant-user' as const,
          name: 'ops',
          keyHash: 'ab'.repeat(32),
          prefix: 'sk_abcd',
          createdAt: T0,
          expiresAt: T0 + 1000,
          revokedAt: null,
        };
        await store.apiKeys.create(k);
        await store.apiKeys.create({
          ...k,
          id: 'k2',
          tenantId: null,
          role: 'regulator',
          keyHash: 'cd'.repeat(32),
          expiresAt: null,
        });
        expect(await store.apiKeys.getByHash('ab'.repeat(32))).toEqual(k);
        expect((await store.apiKeys.list('acme')).map((x) => x.id)).toEqual(['k1']);
        expect((await store.apiKeys.list()).map((x) => x.id)).toEqual(['k1', 'k2']);
        expect(await store.apiKeys.revoke('k1', T0 + 5)).toBe(true);
        expect(await store.apiKeys.revoke('k1', T0 + 6)).toBe(false);
        expect((await store.apiKeys.get('k1'))!.revokedAt).toBe(T0 + 5);
        await expect(
          store.apiKeys.create({ ...k, id: 'k3', keyHash: 'ef'.repeat(32), tenantId: null }),
        ).rejects.toBeTruthy(); // a tenant role needs a tenant
        await expectSatiotError(
          store.apiKeys.create({ ...k, id: 'k4', keyHash: '01'.repeat(32), tenantId: 'ghost' }),
          'TENANT_NOT_FOUND',
        );
      });
    });

    describe('schema', () => {
      it('migrate() again is harmless', async () => {
        const { t } = await seed();
        await store.migrate();
        await store.migrate();
        expect(await store.terminals.getByDevEui(t.devEui)).toEqual(t);
      });

      it('keeps everything across close() and reopen', async (ctx) => {
        if (!h.reopen) {
          ctx.skip();
          return;
        }
        const { t } = await seed();
        const m = message(t, 1);
        await store.commitIngest(
          write({
            newMessages: [m],
            receptions: [reception(m, 'gs-a')],
            counters: [{ state: counters(t.id, 1, 1), expectedVersion: -1 }],
            rejections: [{ stationId: 'gs-a', code: 'BAD_MIC', count: 1 }],
          }),
        );
        const again = await h.reopen();
        expect(await again.tenants.get('acme')).toEqual(tenant('acme'));
        expect(await again.terminals.getByDevEui(t.devEui)).toEqual(t);
        expect(await again.counters.get(t.id)).toEqual(counters(t.id, 1, 1));
        expect(await again.messages.get(m.id)).toEqual({ ...m, receptions: [reception(m, 'gs-a')] });
        expect(await again.groundStations.list()).toHaveLength(2);
        expect(await again.traffic.rejectionTallies()).toEqual([{ stationId: 'gs-a', code: 'BAD_MIC', count: 1 }]);
        // And it still takes writes.
        await again.commitIngest(write({ counters: [{ state: counters(t.id, 2, 2), expectedVersion: 1 }] }));
        expect((await again.counters.get(t.id))?.version).toBe(2);
      });
    });
  });
}

if (!POSTGRES_URL) {
  console.warn(
    'store behaviour: PostgreSQL skipped (set SATIOT_TEST_POSTGRES_URL, e.g. postgres://postgres@127.0.0.1:5432/test, to run it)',
  );
  describe.skip('Store behaviour: PostgreSQL: set SATIOT_TEST_POSTGRES_URL to run', () => {
    it('runs the same suite against PostgreSQL', () => undefined);
  });
}
