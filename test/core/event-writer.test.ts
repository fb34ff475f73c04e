import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventWriter } from '../../src/core/event-writer.js';
import type { Store } from '../../src/core/ports/store.js';
import { openStore } from '../../src/store/open-store.js';

describe('EventWriter', () => {
  let store: Store;
  let transactions: number;

  beforeEach(async () => {
    store = await openStore('sqlite::memory:', { dataDir: '/nonexistent' });
    transactions = 0;
    const atomically = store.atomically.bind(store);
    store.atomically = ((fn: Parameters<Store['atomically']>[0]) => {
      transactions++;
      return atomically(fn);
    }) as Store['atomically'];
  });
  afterEach(async () => {
    await store.close();
  });

  const event = (id: string) => ({ id, subject: `satiot.test.${id}`, data: Buffer.from(id) });
  const outboxIds = async () => (await store.outbox.pending(1000)).map((e) => e.id);

  it('commits work that arrives together in one transaction, with the events each piece emitted, in order', async () => {
    // No time cap here (a loaded machine can spend 5 ms on three pieces): this is about grouping.
    const w = new EventWriter(store, 'n1', { maxGroupMs: 60_000 });
    let woken = 0;
    w.onEvents(() => {
      woken++;
    });
    const out = await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        w.run(async (_tx, emit) => {
          emit(event(id));
          return id.toUpperCase();
        }),
      ),
    );
    expect(out).toEqual(['A', 'B', 'C']);
    expect(transactions).toBe(1);
    expect(await outboxIds()).toEqual(['a', 'b', 'c']);
    expect(woken).toBe(1);
  });

  it('runs each piece alone when a group fails, so only the failing piece fails and its events are not written', async () => {
    const w = new EventWriter(store, 'n1', { maxGroupMs: 60_000 });
    const outcomes = await Promise.allSettled(
      ['a', 'bad', 'c'].map((id) =>
        w.run(async (_tx, emit) => {
          emit(event(id));
          if (id === 'bad') throw new Error('no');
          return id;
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(transactions).toBe(4); // the group, then each piece alone
    expect(await outboxIds()).toEqual(['a', 'c']);
  });

  it('stops adding work to a group after maxGroupMs and commits the rest next, in order', async () => {
    const w = new EventWriter(store, 'n1', { maxGroupMs: 5 });
    const order: string[] = [];
    const slow = (id: string) =>
      w.run(async (_tx, emit) => {
        const until = performance.now() + 8;
        while (performance.now() < until) {
          /* work that holds the transaction */
        }
        order.push(id);
        emit(event(id));
      });
    await Promise.all(['a', 'b', 'c'].map(slow));
    expect(order).toEqual(['a', 'b', 'c']);
    expect(transactions).toBe(3); // each piece outlasts the limit: a group of one each
    expect(await outboxIds()).toEqual(['a', 'b', 'c']);
  });

  it('lets work inside another piece join its transaction', async () => {
    const w = new EventWriter(store, 'n1');
    await w.run(async (_tx, emit) => {
      emit(event('outer'));
      await w.run(async (_tx2, emit2) => {
        emit2(event('inner'));
      });
    });
    expect(transactions).toBe(1);
    expect((await outboxIds()).sort()).toEqual(['inner', 'outer']);
  });
});
