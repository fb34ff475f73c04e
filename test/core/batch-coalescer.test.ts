import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { coalesce } from '../../src/core/batch-coalescer.js';
import { KeyedSerial } from '../../src/core/keyed-serial.js';
import { MemoryBus } from '../../src/bus/memory/bus.js';
import type { BusMessage } from '../../src/core/ports/bus.js';

const msg = (n: number): BusMessage => ({ subject: `satiot.test.${n}`, data: Buffer.from(String(n)) });
const num = (m: BusMessage): number => Number(Buffer.from(m.data).toString());

describe('coalesce', () => {
  it('hands what arrives in one turn to one batch, at most maxBatch at a time', async () => {
    const batches: number[][] = [];
    const handler = coalesce(async (ms) => {
      batches.push(ms.map(num));
    }, 4);
    await Promise.all([1, 2, 3, 4, 5, 6].map((n) => handler(msg(n))));
    expect(batches).toEqual([
      [1, 2, 3, 4],
      [5, 6],
    ]);
    await handler(msg(7));
    expect(batches[2]).toEqual([7]);
  });

  it('runs each message of a failed batch alone: only the bad one fails, each with its own error', async () => {
    const seen: number[][] = [];
    const handler = coalesce(async (ms) => {
      seen.push(ms.map(num));
      const bad = ms.find((m) => num(m) % 3 === 0);
      if (bad) throw new Error(`bad ${num(bad)}`);
    });
    const outcomes = await Promise.allSettled([1, 2, 3, 4, 6].map((n) => handler(msg(n))));
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : (o.reason as Error).message))).toEqual([
      'ok',
      'ok',
      'bad 3',
      'ok',
      'bad 6',
    ]);
    expect(seen).toEqual([[1, 2, 3, 4, 6], [1], [2], [3], [4], [6]]);
  });

  it('settles every delivery exactly once, with its batch or alone, whatever fails (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 8 }),
        async (bad, maxBatch) => {
          const handled = new Map<number, number>();
          const handler = coalesce(async (ms) => {
            if (ms.some((m) => bad[num(m)])) throw new Error('bad');
            for (const m of ms) handled.set(num(m), (handled.get(num(m)) ?? 0) + 1);
          }, maxBatch);
          const outcomes = await Promise.allSettled(bad.map((_, i) => handler(msg(i))));
          outcomes.forEach((o, i) => {
            expect(o.status).toBe(bad[i] ? 'rejected' : 'fulfilled');
            expect(handled.get(i) ?? 0).toBe(bad[i] ? 0 : 1);
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('gets batches as large as its subscription lets the in-process bus have in flight, one message per subject', async () => {
    const bus = new MemoryBus();
    const batches: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    await bus.subscribe(
      'satiot.test.>',
      coalesce(async (ms) => {
        batches.push(ms.map((m) => m.subject));
        await gate;
      }, 100),
      { durable: 'batcher', maxInFlight: 100 },
    );
    for (let i = 0; i < 150; i++) await bus.publish(`satiot.test.${i % 120}`, Buffer.from(String(i)));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(batches[0]).toHaveLength(100);
    expect(new Set(batches[0]).size).toBe(100);
    release();
    await bus.idle();
    expect(batches.flat()).toHaveLength(150);
    await bus.close();
  });
});

describe('KeyedSerial.runAll', () => {
  it("waits for every key's earlier work, holds them all, and leaves other keys free", async () => {
    const s = new KeyedSerial();
    const order: string[] = [];
    let releaseA!: () => void;
    const a = s.run(
      'a',
      () =>
        new Promise<void>((r) => {
          releaseA = () => {
            order.push('a');
            r();
          };
        }),
    );
    const ab = s.runAll(['a', 'b', 'a'], async () => {
      order.push('ab');
    });
    const b = s.run('b', async () => {
      order.push('b');
    });
    const c = s.run('c', async () => {
      order.push('c');
    });
    await c;
    expect(order).toEqual(['c']); // c was free; b waits behind the batch, which waits behind a
    releaseA();
    await Promise.all([a, ab, b]);
    expect(order).toEqual(['c', 'a', 'ab', 'b']);
    await s.idle();
  });

  it('runs even when earlier work of its keys failed, and reports its own failure', async () => {
    const s = new KeyedSerial();
    await expect(
      s.run('a', async () => {
        throw new Error('x');
      }),
    ).rejects.toThrow('x');
    await expect(s.runAll(['a'], async () => 1)).resolves.toBe(1);
    await expect(
      s.runAll(['a', 'b'], async () => {
        throw new Error('y');
      }),
    ).rejects.toThrow('y');
    await expect(s.run('b', async () => 2)).resolves.toBe(2);
  });
});
