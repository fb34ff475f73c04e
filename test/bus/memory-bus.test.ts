/** What only the in-process bus promises (or can show): its clock, its concurrency, its queues. */
import { describe, expect, it } from 'vitest';
import type { BusMessage } from '../../src/core/ports/bus.js';
import { MemoryBus } from '../../src/bus/memory/bus.js';
import { bytes, sleep, TEST_RETRY, text } from './backends.js';
import { until } from '../support/until.js';

describe('MemoryBus', () => {
  it('forgets a msgId after the duplicate window', async () => {
    let now = 0;
    const bus = new MemoryBus({ now: () => now });
    const got: string[] = [];
    await bus.subscribe('satiot.>', async (m) => {
      got.push(text(m.data));
    });
    await bus.publish('satiot.a', bytes('1'), { msgId: 'x' });
    now += 119_999;
    await bus.publish('satiot.a', bytes('2'), { msgId: 'x' });
    now += 1;
    await bus.publish('satiot.a', bytes('3'), { msgId: 'x' });
    await until(() => got.length === 2);
    expect(got).toEqual(['1', '3']);
    await bus.close();
  });

  it('delivers after publish returns, never inside it', async () => {
    const bus = new MemoryBus();
    let delivered = 0;
    await bus.subscribe('satiot.>', async () => {
      delivered++;
    });
    const p = bus.publish('satiot.a', bytes('x'));
    expect(delivered).toBe(0);
    await p;
    await until(() => delivered === 1);
    await bus.close();
  });

  it('runs different subjects concurrently but one subject never twice at once', async () => {
    const bus = new MemoryBus({ maxInFlightPerSubscriber: 8 });
    const inFlight = new Map<string, number>();
    let total = 0;
    let maxTotal = 0;
    let maxPerSubject = 0;
    let done = 0;
    await bus.subscribe(
      'satiot.>',
      async (m: BusMessage) => {
        const n = (inFlight.get(m.subject) ?? 0) + 1;
        inFlight.set(m.subject, n);
        total++;
        maxPerSubject = Math.max(maxPerSubject, n);
        maxTotal = Math.max(maxTotal, total);
        await sleep(1);
        inFlight.set(m.subject, n - 1);
        total--;
        done++;
      },
      { durable: 'conc' },
    );
    for (let i = 0; i < 200; i++) await bus.publish(`satiot.dev${i % 20}`, bytes(String(i)));
    await until(() => done === 200);
    expect(maxPerSubject).toBe(1);
    expect(maxTotal).toBe(8); // capped by maxInFlightPerSubscriber
    await bus.close();
  });

  it('keeps queuing for a durable without subscribers (and only from its first subscribe on)', async () => {
    const bus = new MemoryBus();
    await bus.publish('satiot.a', bytes('before'));
    const sub = await bus.subscribe('satiot.>', async () => undefined, { durable: 'q' });
    await sub.close();
    for (let i = 0; i < 3; i++) await bus.publish('satiot.a', bytes(String(i)));
    expect(bus.pendingFor('q')).toBe(3);
    const got: string[] = [];
    await bus.subscribe(
      'satiot.>',
      async (m) => {
        got.push(text(m.data));
      },
      { durable: 'q' },
    );
    await until(() => got.length === 3);
    expect(got).toEqual(['0', '1', '2']);
    expect(bus.pendingFor('q')).toBe(0);
    await bus.close();
  });

  it('drops a transient subscription queue when it closes', async () => {
    const bus = new MemoryBus();
    const got: string[] = [];
    const sub = await bus.subscribe('satiot.>', async (m) => {
      got.push(text(m.data));
      await sleep(5);
    });
    await bus.publish('satiot.a', bytes('1'));
    await bus.publish('satiot.a', bytes('2'));
    await until(() => got.length === 1);
    await sub.close();
    await sleep(20);
    expect(got).toEqual(['1']);
    await bus.close();
  });

  it('redelivers to whichever subscriber is attached when the delay is over', async () => {
    const bus = new MemoryBus({ retry: TEST_RETRY });
    let failed = false;
    const sub = await bus.subscribe(
      'satiot.>',
      async () => {
        failed = true;
        throw new Error('down');
      },
      { durable: 'hand-over' },
    );
    await bus.publish('satiot.a', bytes('x'));
    await until(() => failed);
    await sub.close();
    const got: string[] = [];
    await bus.subscribe(
      'satiot.>',
      async (m) => {
        got.push(text(m.data));
      },
      { durable: 'hand-over' },
    );
    await until(() => got.length === 1);
    expect(got).toEqual(['x']);
    expect(bus.deadLetters()).toEqual([]);
    await bus.close();
  });

  it('publishes 10,000 messages to a durable quickly', async () => {
    const bus = new MemoryBus();
    let n = 0;
    await bus.subscribe(
      'satiot.up.>',
      async () => {
        n++;
      },
      { durable: 'fast' },
    );
    const data = new Uint8Array(200);
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) await bus.publish(`satiot.up.t1.dev${i % 100}`, data);
    await until(() => n === 10_000);
    expect(performance.now() - t0).toBeLessThan(2_000);
    await bus.close();
  });

  describe('idle()', () => {
    /** Whether `p` has resolved after the event loop turned a few times (timers, I/O and microtasks ran). */
    const resolvedSoon = async (p: Promise<unknown>): Promise<boolean> => {
      let done = false;
      void p.then(() => (done = true));
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      return done;
    };

    it('resolves at once when nothing is queued', async () => {
      const bus = new MemoryBus();
      await bus.subscribe('satiot.>', async () => undefined, { durable: 'none' });
      expect(await resolvedSoon(bus.idle())).toBe(true);
      await bus.close();
    });

    it('does not resolve while a handler is blocked, nor while later messages wait behind it', async () => {
      const bus = new MemoryBus();
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const got: string[] = [];
      await bus.subscribe(
        'satiot.>',
        async (m) => {
          got.push(text(m.data));
          if (text(m.data) === '1') await gate;
        },
        { durable: 'blocked' },
      );
      await bus.publish('satiot.a', bytes('1'));
      await bus.publish('satiot.a', bytes('2'));
      await until(() => got.length === 1);
      const idle = bus.idle();
      expect(await resolvedSoon(idle)).toBe(false);
      release();
      await idle;
      expect(got).toEqual(['1', '2']);
      await bus.close();
    });

    it('waits for a message that waits for its redelivery', async () => {
      const bus = new MemoryBus({ retry: { ...TEST_RETRY, baseDelayMs: 30 } });
      const attempts: number[] = [];
      await bus.subscribe(
        'satiot.>',
        async () => {
          attempts.push(attempts.length);
          if (attempts.length === 1) throw new Error('once');
        },
        { durable: 'retried' },
      );
      await bus.publish('satiot.a', bytes('x'));
      await until(() => attempts.length === 1);
      await bus.idle();
      expect(attempts).toEqual([0, 1]);
      await bus.close();
    });

    it('waits for what handlers publish to other consumers, transient ones too', async () => {
      const bus = new MemoryBus();
      const seen: string[] = [];
      await bus.subscribe(
        'satiot.first.>',
        async (m) => {
          await new Promise((r) => setTimeout(r, 10));
          await bus.publish('satiot.second.x', m.data);
        },
        { durable: 'relay' },
      );
      await bus.subscribe('satiot.second.>', async (m) => {
        await new Promise((r) => setTimeout(r, 10));
        seen.push(text(m.data));
      });
      await bus.publish('satiot.first.x', bytes('hop'));
      await bus.idle();
      expect(seen).toEqual(['hop']);
      await bus.close();
    });

    it('does not wait for a durable nobody is attached to: its messages stay queued', async () => {
      const bus = new MemoryBus();
      const sub = await bus.subscribe('satiot.>', async () => undefined, { durable: 'parked' });
      await sub.close();
      await bus.publish('satiot.a', bytes('x'));
      expect(await resolvedSoon(bus.idle())).toBe(true);
      expect(bus.pendingFor('parked')).toBe(1);
      await bus.close();
    });
  });
});
