/**
 * The cluster's part of the Store port — transactions (`atomically`), the outbox, consumers'
 * inboxes, dead letters, leases, node heartbeats and shared limits — one suite against every
 * backend (PostgreSQL when SATIOT_TEST_POSTGRES_URL is set).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StaleTerminalError, type Store } from '../../src/core/ports/store.js';
import {
  POSTGRES_URL,
  SQLITE_FILE,
  SQLITE_MEMORY,
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
import { parseUplinkEvent, uplinkEvent } from '../../src/core/events/uplink-event.js';
import { uplinkSubject } from '../../src/core/events/subjects.js';

const BACKENDS: BackendCase[] = [SQLITE_MEMORY, SQLITE_FILE, ...(POSTGRES_URL ? [postgresCase(POSTGRES_URL)] : [])];
const bytes = (s: string) => new Uint8Array(Buffer.from(s));
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const backend of BACKENDS) {
  describe(`Cluster store: ${backend.name}`, () => {
    let h: StoreHarness;
    let store: Store;

    beforeEach(async () => {
      h = await backend.open();
      store = h.store;
    });
    afterEach(async () => {
      await h.dispose();
    });

    describe('atomically', () => {
      it('commits every write of the transaction together, outbox included', async () => {
        await store.atomically(async (tx) => {
          await tx.tenants.create(tenant('acme'));
          await tx.outbox.append([{ id: 'e1', subject: 'satiot.registry.tenant', data: bytes('{"a":1}') }], 5);
        });
        expect(await store.tenants.get('acme')).toBeDefined();
        expect((await store.outbox.pending(10)).map((e) => e.id)).toEqual(['e1']);
      });

      it('writes nothing when the function throws, and the store stays usable', async () => {
        await expect(
          store.atomically(async (tx) => {
            await tx.tenants.create(tenant('acme'));
            await tx.outbox.append([{ id: 'e1', subject: 's.x', data: bytes('x') }], 5);
            throw new Error('changed my mind');
          }),
        ).rejects.toThrow('changed my mind');
        expect(await store.tenants.get('acme')).toBeUndefined();
        expect(await store.outbox.pending(10)).toEqual([]);
        await store.tenants.create(tenant('acme'));
        expect(await store.tenants.get('acme')).toBeDefined();
      });

      it('rolls back after a failed statement inside it', async () => {
        await store.tenants.create(tenant('acme'));
        await expect(
          store.atomically(async (tx) => {
            await tx.outbox.append([{ id: 'e1', subject: 's.x', data: bytes('x') }], 5);
            await tx.tenants.create(tenant('acme')); // duplicate key
          }),
        ).rejects.toThrow();
        expect(await store.outbox.pending(10)).toEqual([]);
      });

      it('lets ingest and audit writes wait for an open transaction instead of joining it', async () => {
        await store.tenants.create(tenant('acme'));
        const t = terminal('term-1', 'acme', 1);
        await store.terminals.create(t);
        await store.groundStations.create(station('gs'));
        let release!: () => void;
        const held = new Promise<void>((r) => {
          release = r;
        });
        const tx = store.atomically(async (x) => {
          await x.outbox.append([{ id: 'in-tx', subject: 's.x', data: bytes('x') }], 1);
          await held;
          throw new Error('rolled back');
        });
        const m = message(t, 1);
        const ingest = store.commitIngest(
          write({
            newMessages: [m],
            receptions: [reception(m, 'gs')],
            counters: [{ state: counters(t.id, 1, 0), expectedVersion: -1 }],
            events: [{ id: m.id, subject: 's.up', data: bytes('up') }],
          }),
        );
        await sleep(20);
        release();
        await expect(tx).rejects.toThrow('rolled back');
        await ingest;
        expect((await store.outbox.pending(10)).map((e) => e.id)).toEqual([m.id]);
        expect((await store.messages.get(m.id))?.id).toBe(m.id);
      });
    });

    describe('outbox', () => {
      it('keeps events in order, once per id, until they are marked published', async () => {
        await store.outbox.append(
          [
            { id: 'a', subject: 's.a', data: bytes('1') },
            { id: 'b', subject: 's.b', data: bytes('2') },
          ],
          10,
        );
        await store.outbox.append(
          [
            { id: 'a', subject: 's.a', data: bytes('again') },
            { id: 'c', subject: 's.c', data: bytes('3') },
          ],
          20,
        );
        const pending = await store.outbox.pending(10);
        expect(pending.map((e) => [e.id, e.subject, text(e.data), e.createdAt])).toEqual([
          ['a', 's.a', '1', 10],
          ['b', 's.b', '2', 10],
          ['c', 's.c', '3', 20],
        ]);
        expect(pending[0]!.seq).toBeLessThan(pending[1]!.seq);
        expect(await store.outbox.lag()).toEqual({ pending: 3, oldestAt: 10 });
        await store.outbox.markPublished([pending[0]!.seq, pending[1]!.seq], 30);
        expect((await store.outbox.pending(10)).map((e) => e.id)).toEqual(['c']);
        expect(await store.outbox.lag()).toEqual({ pending: 1, oldestAt: 20 });
        expect((await store.outbox.pending(1)).length).toBe(1);
        expect(await store.outbox.prune(31)).toBe(2);
        expect(await store.outbox.prune(31)).toBe(0);
        expect((await store.outbox.pending(10)).map((e) => e.id)).toEqual(['c']);
      });

      it("writes each new message's uplink event, with its first copy's path, with an ingest write that asks for them, in message order, ahead of its other events", async () => {
        await store.tenants.create(tenant('acme'));
        const t = terminal('term-1', 'acme', 1);
        await store.terminals.create(t);
        await store.groundStations.create(station('gs'));
        const [m1, m2] = [message(t, 7, { fPort: null, ack: true }), message(t, 8)];
        const w = write({
          newMessages: [m1!, m2!],
          uplinkEvents: true,
          receptions: [reception(m1!, 'gs'), reception(m2!, 'gs')],
          events: [{ id: 'received:1', subject: 's.received', data: bytes('r') }],
          eventsAt: 42,
        });
        await store.commitIngest(w);
        await store.commitIngest(w); // written again (a retry): nothing twice
        const pending = await store.outbox.pending(10);
        expect(pending.map((e) => [e.id, e.subject, e.createdAt])).toEqual([
          [m1!.id, uplinkSubject(m1!), 42],
          [m2!.id, uplinkSubject(m2!), 42],
          ['received:1', 's.received', 42],
        ]);
        expect(parseUplinkEvent(pending[0]!.data)).toEqual({
          messageId: m1!.id,
          tenantId: 'acme',
          devEui: t.devEui,
          fCnt: 7,
          fPort: null,
          payload: m1!.payload,
          capturedAt: m1!.capturedAt,
          ack: true,
        });
        expect(
          Buffer.from(pending[1]!.data).equals(
            Buffer.from(uplinkEvent(m2!, { stationId: 'gs', satelliteId: 'SAT-1' })),
          ),
        ).toBe(true);
        // The event names the first copy's path (the dashboard's feed shows it).
        expect(JSON.parse(Buffer.from(pending[0]!.data).toString()).via).toEqual({
          stationId: 'gs',
          satelliteId: 'SAT-1',
        });
      });

      it('never hands out a seq at or below one it handed out before, even after pruning everything it could', async () => {
        await store.outbox.append(
          [
            { id: 'a', subject: 's.a', data: bytes('1') },
            { id: 'b', subject: 's.b', data: bytes('2') },
          ],
          10,
        );
        const first = await store.outbox.pending(10);
        await store.outbox.markPublished(
          first.map((e) => e.seq),
          20,
        );
        expect(await store.outbox.prune(30)).toBe(1); // the newest row stays
        await store.outbox.append([{ id: 'c', subject: 's.c', data: bytes('3') }], 40);
        const [c] = await store.outbox.pending(10, first[1]!.seq);
        expect(c?.id).toBe('c');
        expect(c!.seq).toBeGreaterThan(first[1]!.seq);
      });

      it("takes an ingest batch's events in its transaction", async () => {
        await store.tenants.create(tenant('acme'));
        const t = terminal('term-1', 'acme', 1);
        await store.terminals.create(t);
        const m = message(t, 1);
        await store.commitIngest(
          write({
            newMessages: [m],
            counters: [{ state: counters(t.id, 1, 0), expectedVersion: -1 }],
            events: [{ id: m.id, subject: 'satiot.up.x', data: bytes('m') }],
            eventsAt: 77,
          }),
        );
        expect((await store.outbox.pending(10)).map((e) => [e.id, e.createdAt])).toEqual([[m.id, 77]]);
      });

      it('refuses an ingest batch naming a terminal that is gone, changing nothing', async () => {
        await store.tenants.create(tenant('acme'));
        const t = terminal('term-1', 'acme', 1);
        const m = message(t, 1);
        const e = await store
          .commitIngest(
            write({
              newMessages: [m],
              counters: [{ state: counters(t.id, 1, 0), expectedVersion: -1 }],
              events: [{ id: m.id, subject: 's', data: bytes('m') }],
            }),
          )
          .then(
            () => undefined,
            (err: unknown) => err,
          );
        expect(e).toBeInstanceOf(StaleTerminalError);
        expect((e as StaleTerminalError).terminalIds).toEqual([t.id]);
        expect(await store.outbox.pending(10)).toEqual([]);
      });
    });

    describe('inbox', () => {
      it('claims an event once per consumer', async () => {
        expect(await store.inbox.claim('decoder', 'e1', 1)).toBe(true);
        expect(await store.inbox.claim('decoder', 'e1', 2)).toBe(false);
        expect(await store.inbox.claim('rules', 'e1', 3)).toBe(true);
        expect(await store.inbox.prune(2)).toBe(1);
        expect(await store.inbox.claim('decoder', 'e1', 4)).toBe(true);
      });

      it('claims many events at once, answering the ones claimed for the first time', async () => {
        expect(await store.inbox.claim('rules', 'e2', 1)).toBe(true);
        const ids = Array.from({ length: 1500 }, (_, i) => `e${i}`); // more than one statement's worth
        const fresh = await store.inbox.claimMany('rules', [...ids, 'e7'], 2);
        expect(fresh.size).toBe(1499);
        expect(fresh.has('e2')).toBe(false);
        expect(fresh.has('e1499')).toBe(true);
        expect(await store.inbox.claimMany('rules', ['e3', 'new'], 3)).toEqual(new Set(['new']));
        expect(await store.inbox.claimMany('decoder', ['e3'], 3)).toEqual(new Set(['e3']));
        expect((await store.inbox.claimMany('decoder', [], 3)).size).toBe(0);
      });

      it('forgets a claim whose transaction rolled back', async () => {
        await expect(
          store.atomically(async (tx) => {
            expect(await tx.inbox.claim('rules', 'e1', 1)).toBe(true);
            throw new Error('effect failed');
          }),
        ).rejects.toThrow('effect failed');
        expect(await store.inbox.claim('rules', 'e1', 2)).toBe(true);
      });
    });

    describe('dead letters', () => {
      const dl = (id: string, failedAt: number) => ({
        id,
        consumer: 'satiot-rules',
        subject: 'satiot.decoded.1.t.d',
        eventId: `ev-${id}`,
        data: bytes(`{"n":"${id}"}`),
        attempts: 12,
        error: 'store down',
        failedAt,
      });

      it('keeps dead letters newest first, pages them, and records replays', async () => {
        await store.deadLetters.add(dl('a', 10));
        await store.deadLetters.add(dl('b', 20));
        await store.deadLetters.add({ ...dl('c', 30), consumer: 'satiot-decoder' });
        const first = await store.deadLetters.list({ limit: 2 });
        expect(first.items.map((d) => d.id)).toEqual(['c', 'b']);
        const second = await store.deadLetters.list({ limit: 2, cursor: first.nextCursor! });
        expect(second.items.map((d) => d.id)).toEqual(['a']);
        expect(second.nextCursor).toBeUndefined();
        expect(
          (await store.deadLetters.list({ limit: 10, consumer: 'satiot-decoder' })).items.map((d) => d.id),
        ).toEqual(['c']);
        expect(await store.deadLetters.countOpen()).toBe(3);

        await store.deadLetters.recordReplay('a', 40, 'still failing');
        let a = (await store.deadLetters.get('a'))!;
        expect([a.replays, a.replayedAt, a.lastReplayError, a.resolvedAt]).toEqual([1, 40, 'still failing', null]);
        await store.deadLetters.recordReplay('a', 50, null);
        a = (await store.deadLetters.get('a'))!;
        expect([a.replays, a.replayedAt, a.lastReplayError, a.resolvedAt]).toEqual([2, 50, null, 50]);
        expect(text(a.data)).toBe('{"n":"a"}');
        expect(a.eventId).toBe('ev-a');
        expect(await store.deadLetters.countOpen()).toBe(2);
        expect((await store.deadLetters.list({ limit: 10, state: 'resolved' })).items.map((d) => d.id)).toEqual(['a']);
        expect((await store.deadLetters.list({ limit: 10, state: 'open' })).items.map((d) => d.id)).toEqual(['c', 'b']);
      });

      it('updates and reopens the record when the same event fails again', async () => {
        await store.deadLetters.add(dl('a', 10));
        await store.deadLetters.recordReplay('a', 20, null);
        await store.deadLetters.add({ ...dl('a', 30), attempts: 3, error: 'again' });
        const a = (await store.deadLetters.get('a'))!;
        expect([a.attempts, a.error, a.failedAt, a.resolvedAt, a.replays]).toEqual([3, 'again', 30, null, 1]);
      });
    });

    describe('leases', () => {
      it('gives a free lease to the first holder, renews it for that holder only, and counts holders in the epoch', async () => {
        const a = await store.leases.acquire('relay', 'node-a', 60_000);
        expect(a).toMatchObject({ name: 'relay', holder: 'node-a', epoch: 1 });
        expect(await store.leases.acquire('relay', 'node-b', 60_000)).toBeUndefined();
        const renewed = await store.leases.acquire('relay', 'node-a', 60_000);
        expect(renewed).toMatchObject({ holder: 'node-a', epoch: 1, acquiredAt: a!.acquiredAt });
        expect(renewed!.expiresAt).toBeGreaterThanOrEqual(a!.expiresAt);
        await store.leases.release('relay', 'node-b'); // not its lease: nothing happens
        expect(await store.leases.acquire('relay', 'node-b', 60_000)).toBeUndefined();
        await store.leases.release('relay', 'node-a');
        expect(await store.leases.acquire('relay', 'node-b', 60_000)).toMatchObject({ holder: 'node-b', epoch: 2 });
        expect((await store.leases.list()).map((l) => [l.name, l.holder, l.epoch])).toEqual([['relay', 'node-b', 2]]);
      });

      it('lets another node take a lease once it expired', async () => {
        expect(await store.leases.acquire('sweep', 'node-a', 30)).toMatchObject({ holder: 'node-a', epoch: 1 });
        await sleep(60);
        expect(await store.leases.acquire('sweep', 'node-b', 60_000)).toMatchObject({ holder: 'node-b', epoch: 2 });
        expect(await store.leases.acquire('sweep', 'node-a', 60_000)).toBeUndefined();
      });

      it('gives a contested free lease to exactly one of many asking at once', async () => {
        const other = h.openSecond ? await h.openSecond() : store;
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => (i % 2 ? other : store).leases.acquire('contested', `node-${i}`, 60_000)),
        );
        expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      });

      it("tells the time on the store's clock", async () => {
        const before = Date.now();
        const now = await store.leases.now();
        expect(Math.abs(now - before)).toBeLessThan(5_000);
      });
    });

    describe('nodes', () => {
      it('records heartbeats and clean stops', async () => {
        const n = {
          nodeId: 'a:8080',
          address: 'http://127.0.0.1:8080',
          host: 'a',
          pid: 10,
          version: '0.1.0',
          startedAt: 1,
        };
        await store.nodes.heartbeat(n);
        await store.nodes.heartbeat({ ...n, nodeId: 'b:8080' });
        await store.nodes.stopped('b:8080');
        const nodes = await store.nodes.list(0);
        expect(nodes.map((x) => [x.nodeId, x.stoppedAt === null])).toEqual([
          ['a:8080', true],
          ['b:8080', false],
        ]);
        expect(await store.nodes.list(nodes[0]!.heartbeatAt + 60_000)).toEqual([]);
        await store.nodes.heartbeat({ ...n, nodeId: 'b:8080' });
        expect((await store.nodes.list(0)).every((x) => x.stoppedAt === null)).toBe(true);
      });
    });

    describe('shared limits', () => {
      it('counts hits per key in fixed windows, across store instances', async () => {
        const other = h.openSecond ? await h.openSecond() : store;
        expect(await store.limits.hit('key:1', 60_000, 120_500)).toEqual({ count: 1, resetAt: 180_000 });
        expect(await other.limits.hit('key:1', 60_000, 130_000)).toEqual({ count: 2, resetAt: 180_000 });
        expect(await store.limits.hit('key:2', 60_000, 130_000)).toEqual({ count: 1, resetAt: 180_000 });
        expect(await store.limits.hit('key:1', 60_000, 180_001)).toEqual({ count: 1, resetAt: 240_000 });
      });

      it('keeps the later of two lock-outs and prunes expired ones', async () => {
        expect(await store.limits.lockedUntil('ip:1')).toBeUndefined();
        await store.limits.lock('ip:1', 5_000);
        await store.limits.lock('ip:1', 3_000);
        expect(await store.limits.lockedUntil('ip:1')).toBe(5_000);
        await store.limits.prune(6_000);
        expect(await store.limits.lockedUntil('ip:1')).toBeUndefined();
      });
    });
  });
}
