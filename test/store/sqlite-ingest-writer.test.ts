import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../src/store/sqlite/store.js';
import type { IngestWrite } from '../../src/core/ports/store.js';
import {
  message,
  reception,
  SQLITE_FILE,
  SQLITE_MEMORY,
  station,
  tenant,
  terminal,
  write as ingestWrite,
  type BackendCase,
  type StoreHarness,
} from './helpers.js';

/** The ingest writer thread of a file store (the behaviour suite runs every ingest case through it too). */
describe('SQLite ingest writer thread', () => {
  let h: StoreHarness;
  let store: SqliteStore;
  const t = terminal('term-1', 'ten-1', 1);
  const write = (fCnt: number): IngestWrite =>
    ingestWrite({
      newMessages: [message(t, fCnt)],
      receptions: [reception(message(t, fCnt), 'gs-1', { rssi: null, snr: -3.5, frequencyOffsetHz: null })],
      events: [{ id: `${t.id}.${fCnt}`, subject: 'satiot.received.test', data: Buffer.from(`event ${fCnt}`) }],
    });
  /** A migrated store of `backend` holding the tenant, terminal and station the writes name. */
  const seeded = async (backend: BackendCase): Promise<StoreHarness> => {
    const x = await backend.open();
    await x.store.tenants.create(tenant('ten-1'));
    await x.store.terminals.create(t);
    await x.store.groundStations.create(station('gs-1'));
    return x;
  };

  beforeEach(async () => {
    h = await seeded(SQLITE_FILE);
    store = h.store as SqliteStore;
  });
  afterEach(async () => {
    await h.dispose();
  });

  const writerOf = (s: SqliteStore) =>
    (s as unknown as { writer?: { worker: { terminate(): Promise<number> } } }).writer;

  it('commits on its own thread: what it wrote is on the main connection once the commit resolves, null radio fields stay null', async () => {
    await Promise.all([store.commitIngest(write(1)), store.commitIngest(write(2))]);
    expect(writerOf(store)).toBeDefined();
    const m = await store.messages.get(`${t.id}.2`);
    expect(m).toMatchObject({ fCnt: 2, payload: message(t, 2).payload });
    expect(m!.receptions[0]).toMatchObject({ rssi: null, snr: -3.5, frequencyOffsetHz: null, satelliteId: 'SAT-1' });
    const pending = await store.outbox.pending(10);
    expect(pending.map((e) => Buffer.from(e.data).toString())).toEqual(['event 1', 'event 2']);
  });

  it('answers a batch whose writer thread died (never hangs), starts a new thread, and a retried batch is written once', async () => {
    await store.commitIngest(write(1));
    const writer = writerOf(store)!;
    const inFlight = store.commitIngest(write(2)).then(
      () => 'committed',
      (e: Error) => e.message,
    );
    while ((writer as unknown as { waiting: Map<number, unknown> }).waiting.size === 0)
      await new Promise((r) => setImmediate(r));
    const killed = writer.worker.terminate();
    const outcome = await inFlight;
    await killed;
    // Killed mid-batch: rolled back, or committed before the kill landed; either way the station retries.
    expect(['committed', 'SQLite ingest writer exited (code 1)']).toContain(outcome);
    await store.commitIngest(write(2));
    expect(writerOf(store)).not.toBe(writer);
    await store.commitIngest(write(3));
    const items = (await store.messages.list({ terminalId: t.id, limit: 10 })).items;
    expect(items.map((x) => [x.fCnt, x.receptions.length]).sort()).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    expect(await store.outbox.pending(10)).toHaveLength(3);
  });

  it('commits in call order, and fails unwritten a batch handed over behind one that failed; batches after the failure was known go on', async () => {
    expect(store.ingestInOrder).toBe(true);
    await store.commitIngest({
      ...write(1),
      counters: [
        { state: { terminalId: t.id, fCntUpTop: 1, windowBits: '01', fCntDown: 0, version: 0 }, expectedVersion: -1 },
      ],
    });
    // A stale version (another writer moved the counters): the first fails, the second was decided on top of it.
    const stale = {
      ...write(2),
      counters: [
        { state: { terminalId: t.id, fCntUpTop: 2, windowBits: '03', fCntDown: 0, version: 1 }, expectedVersion: 5 },
      ],
    };
    const [a, b] = await Promise.allSettled([store.commitIngest(stale), store.commitIngest(write(3))]);
    expect(a).toMatchObject({ status: 'rejected', reason: { name: 'CounterConflictError' } });
    expect(b).toMatchObject({ status: 'rejected', reason: { name: 'PredecessorFailedError' } });
    await store.commitIngest(write(4));
    expect((await store.messages.list({ terminalId: t.id, limit: 10 })).items.map((x) => x.fCnt).sort()).toEqual([
      1, 4,
    ]);
  });

  it('keeps an in-memory store on the calling thread (another connection could not open it)', async () => {
    const hm = await seeded(SQLITE_MEMORY);
    const mem = hm.store as SqliteStore;
    await mem.commitIngest(write(1));
    expect(writerOf(mem)).toBeUndefined();
    expect((await mem.messages.get(`${t.id}.1`))?.fCnt).toBe(1);
    await hm.dispose();
  });
});
