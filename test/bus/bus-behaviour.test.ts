/**
 * One behaviour suite for every Bus backend: memory always; NATS JetStream when
 * SATIOT_TEST_NATS_URL is set (e.g. nats://127.0.0.1:4222), on a throwaway stream deleted afterwards.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Bus, BusMessage, DeadLetterReport, Subscription } from '../../src/core/ports/bus.js';
import { partitionOf } from '../../src/core/events/subjects.js';
import { isSatiotError } from '../../src/errors/satiot-error.js';
import { openBus } from '../../src/bus/open-bus.js';
import {
  bytes,
  deadLettersOf,
  memoryBackend,
  NATS_URL,
  natsBackend,
  sleep,
  text,
  TEST_RETRY,
  type BusBackend,
} from './backends.js';
import { until } from '../support/until.js';

const backends: BusBackend[] = [memoryBackend(), ...(NATS_URL ? [natsBackend(NATS_URL)] : [])];

if (!NATS_URL) {
  describe.skip('NATS: set SATIOT_TEST_NATS_URL to run', () => {
    it('the bus behaviour suite on NATS JetStream', () => undefined);
  });
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isSatiotError(err) ? err.code : err).toBe(code);
}

/** A durable on `<p>.>` that fails every message reading 'poison' and keeps the others' texts in order. */
async function poisonable(b: Bus, p: string, durable: string): Promise<{ seen: { attempts: number }; ok: string[] }> {
  const seen = { attempts: 0 };
  const ok: string[] = [];
  await b.subscribe(
    `${p}.>`,
    async (m) => {
      if (text(m.data) === 'poison') {
        seen.attempts++;
        throw new Error('cannot process');
      }
      ok.push(text(m.data));
    },
    { durable },
  );
  return { seen, ok };
}

for (const backend of backends) {
  describe(`bus behaviour: ${backend.name}`, () => {
    const open: Bus[] = [];
    let n = 0;
    /** A fresh subject namespace per test: `<prefix>.t<n>`. */
    const ns = (): string => `${backend.prefix}.t${++n}${Date.now().toString(36)}`;
    const bus = async (): Promise<Bus> => {
      const b = await backend.open();
      open.push(b);
      return b;
    };

    afterEach(async () => {
      await Promise.all(open.splice(0).map((b) => b.close()));
    });
    afterAll(() => backend.cleanup());

    it(`reports its kind`, async () => {
      expect((await bus()).kind).toBe(backend.name);
    });

    it('delivers by subject pattern: * is one token, > the rest', async () => {
      const b = await bus();
      const p = ns();
      const got: Record<string, string[]> = { star: [], tail: [], mid: [], exact: [] };
      const on = (k: string) => async (m: BusMessage) => {
        got[k]!.push(m.subject.slice(p.length + 1));
      };
      await b.subscribe(`${p}.a.*`, on('star'));
      await b.subscribe(`${p}.a.>`, on('tail'));
      await b.subscribe(`${p}.*.x`, on('mid'));
      await b.subscribe(`${p}.a.x`, on('exact'));
      for (const s of ['a.x', 'a.y', 'a.x.deep', 'b.x', 'a', 'c.y']) await b.publish(`${p}.${s}`, bytes(s));
      await until(
        () => got.star!.length === 2 && got.tail!.length === 3 && got.mid!.length === 2 && got.exact!.length === 1,
      );
      await backend.quiet(b); // nothing more arrives
      expect(got.star!.sort()).toEqual(['a.x', 'a.y']);
      expect(got.tail!.sort()).toEqual(['a.x', 'a.x.deep', 'a.y']);
      expect(got.mid!.sort()).toEqual(['a.x', 'b.x']);
      expect(got.exact).toEqual(['a.x']);
    });

    it('delivers the payload bytes and the msgId', async () => {
      const b = await bus();
      const p = ns();
      const got: BusMessage[] = [];
      await b.subscribe(`${p}.>`, async (m) => {
        got.push(m);
      });
      const payload = new Uint8Array([0, 1, 2, 255, 128]);
      await b.publish(`${p}.bin`, payload, { msgId: 'id-1' });
      payload[0] = 9; // the bus keeps its own copy
      const buf = Buffer.from('no id');
      await b.publish(`${p}.bin`, buf);
      buf.fill(0); // a Buffer too (whose slice() would be a view)
      await until(() => got.length === 2);
      expect(got[0]).toMatchObject({ subject: `${p}.bin`, msgId: 'id-1' });
      expect([...got[0]!.data]).toEqual([0, 1, 2, 255, 128]);
      expect(got[1]!.msgId).toBeUndefined();
      expect(text(got[1]!.data)).toBe('no id');
    });

    it('rejects malformed subjects, patterns and durable names with INVALID_ARGUMENT', async () => {
      const b = await bus();
      const p = ns();
      const noop = async (): Promise<void> => undefined;
      await rejectsWith(b.publish(`${p}.a.*`, bytes('x')), 'INVALID_ARGUMENT');
      await rejectsWith(b.publish(`${p}..a`, bytes('x')), 'INVALID_ARGUMENT');
      await rejectsWith(b.publish(`${p}.a b`, bytes('x')), 'INVALID_ARGUMENT');
      await rejectsWith(b.publish('', bytes('x')), 'INVALID_ARGUMENT');
      await rejectsWith(b.subscribe(`${p}.>.a`, noop), 'INVALID_ARGUMENT');
      await rejectsWith(b.subscribe(`${p}.a*`, noop), 'INVALID_ARGUMENT');
      await rejectsWith(b.subscribe(`${p}.a`, noop, { durable: 'has.dot' }), 'INVALID_ARGUMENT');
      await b.subscribe(`${p}.a`, noop, { durable: `d${n}` });
      await rejectsWith(b.subscribe(`${p}.b`, noop, { durable: `d${n}` }), 'INVALID_ARGUMENT');
    });

    it('de-duplicates a msgId within the window: the same id twice is delivered once', async () => {
      const b = await bus();
      const p = ns();
      const durable: string[] = [];
      const transient: string[] = [];
      await b.subscribe(
        `${p}.>`,
        async (m) => {
          durable.push(text(m.data));
        },
        { durable: `dedup${n}` },
      );
      await b.subscribe(`${p}.>`, async (m) => {
        transient.push(text(m.data));
      });
      await b.publish(`${p}.u`, bytes('first'), { msgId: 'm-1' });
      await b.publish(`${p}.u`, bytes('again'), { msgId: 'm-1' });
      await Promise.all([
        b.publish(`${p}.u`, bytes('x'), { msgId: 'm-2' }),
        b.publish(`${p}.u`, bytes('x'), { msgId: 'm-2' }),
      ]);
      await b.publish(`${p}.v`, bytes('other subject, same id'), { msgId: 'm-1' });
      await b.publish(`${p}.u`, bytes('last'), { msgId: 'm-3' });
      await until(() => durable.length >= 3 && transient.length >= 3);
      await backend.quiet(b);
      expect(durable).toEqual(['first', 'x', 'last']);
      expect(transient).toEqual(['first', 'x', 'last']);
    });

    it('a durable consumer resumes after close/re-subscribe: nothing acknowledged is repeated, nothing is lost', async () => {
      const b = await bus();
      const p = ns();
      const d = `resume${n}`;
      const first: number[] = [];
      const sub1 = await b.subscribe(
        `${p}.>`,
        async (m) => {
          first.push(Number(text(m.data)));
        },
        { durable: d },
      );
      for (let i = 1; i <= 5; i++) await b.publish(`${p}.s${i % 2}`, bytes(String(i)));
      await until(() => first.length === 5);
      await sub1.close();
      for (let i = 6; i <= 10; i++) await b.publish(`${p}.s${i % 2}`, bytes(String(i))); // while nobody listens
      const second: number[] = [];
      await b.subscribe(
        `${p}.>`,
        async (m) => {
          second.push(Number(text(m.data)));
        },
        { durable: d },
      );
      await until(() => second.length === 5);
      await backend.quiet(b);
      expect(first.sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5]);
      expect(second.sort((x, y) => x - y)).toEqual([6, 7, 8, 9, 10]);
    });

    it('close() while a handler runs: the message finishes, is not redelivered, and the next subscriber continues after it', async () => {
      const b = await bus();
      const p = ns();
      const d = `inflight${n}`;
      const seen: number[] = [];
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      let finished = false;
      const sub1 = await b.subscribe(
        `${p}.k`,
        async (m) => {
          const i = Number(text(m.data));
          seen.push(i);
          if (i === 2) {
            await gate;
            finished = true;
          }
        },
        { durable: d },
      );
      for (let i = 1; i <= 4; i++) await b.publish(`${p}.k`, bytes(String(i)));
      await until(() => seen.includes(2));
      let closeReturned = false;
      const closed = sub1.close().then(() => {
        closeReturned = true;
      });
      await sleep(20);
      expect(closeReturned).toBe(false); // close() waits for the handler still held at the gate
      release();
      await closed;
      expect(finished).toBe(true);
      expect(seen).toEqual([1, 2]);
      const after: number[] = [];
      await b.subscribe(
        `${p}.k`,
        async (m) => {
          after.push(Number(text(m.data)));
        },
        { durable: d },
      );
      await until(() => after.length === 2, 'messages 3 and 4 without waiting for an ack timeout', 3_000);
      await backend.quiet(b);
      expect(after).toEqual([3, 4]);
    });

    it.runIf(backend.persistent)('a durable consumer survives a restart (a new Bus instance)', async () => {
      const p = ns();
      const d = `restart${n}`;
      const b1 = await bus();
      const got1: number[] = [];
      await b1.subscribe(
        `${p}.>`,
        async (m) => {
          got1.push(Number(text(m.data)));
        },
        { durable: d },
      );
      for (let i = 1; i <= 3; i++) await b1.publish(`${p}.x`, bytes(String(i)));
      await until(() => got1.length === 3);
      await b1.close();
      const b2 = await bus();
      for (let i = 4; i <= 6; i++) await b2.publish(`${p}.x`, bytes(String(i)));
      const got2: number[] = [];
      await b2.subscribe(
        `${p}.>`,
        async (m) => {
          got2.push(Number(text(m.data)));
        },
        { durable: d },
      );
      await until(() => got2.length === 3);
      await backend.quiet(b2);
      expect(got1).toEqual([1, 2, 3]);
      expect(got2).toEqual([4, 5, 6]);
    });

    it('two subscribers on one durable share the messages: each is delivered to exactly one of them', async () => {
      const b = await bus();
      const p = ns();
      const d = `share${n}`;
      const a: string[] = [];
      const c: string[] = [];
      await b.subscribe(
        `${p}.>`,
        async (m) => {
          a.push(text(m.data));
          await sleep(1);
        },
        { durable: d },
      );
      await b.subscribe(
        `${p}.>`,
        async (m) => {
          c.push(text(m.data));
          await sleep(1);
        },
        { durable: d },
      );
      const sent: string[] = [];
      for (let i = 0; i < 40; i++) {
        sent.push(`m${i}`);
        await b.publish(`${p}.s${i % 4}`, bytes(`m${i}`));
      }
      await until(() => a.length + c.length === 40);
      await backend.quiet(b);
      expect([...a, ...c].sort()).toEqual(sent.sort());
      expect(a.length).toBeGreaterThan(0);
      expect(c.length).toBeGreaterThan(0);
    });

    it('a throwing handler gets the message again, before the later messages of its subject', async () => {
      const b = await bus();
      const p = ns();
      const log: string[] = [];
      let failures = 0;
      await b.subscribe(
        `${p}.>`,
        async (m) => {
          const s = text(m.data);
          if (s === 'b' && failures < 2) {
            failures++;
            log.push('b!');
            throw new Error('transient failure');
          }
          log.push(s);
        },
        { durable: `retry${n}` },
      );
      for (const s of ['a', 'b', 'c']) await b.publish(`${p}.one`, bytes(s));
      await until(() => log.includes('c'));
      expect(log).toEqual(['a', 'b!', 'b!', 'b', 'c']);
    });

    it('a transient subscription retries a throwing handler too', async () => {
      const b = await bus();
      const p = ns();
      const log: string[] = [];
      let failed = false;
      await b.subscribe(`${p}.>`, async (m) => {
        const s = text(m.data);
        if (s === 'x' && !failed) {
          failed = true;
          throw new Error('once');
        }
        log.push(s);
      });
      await b.publish(`${p}.q`, bytes('x'));
      await b.publish(`${p}.q`, bytes('y'));
      await until(() => log.length === 2);
      expect(log).toEqual(['x', 'y']);
    });

    it(`gives a message up after ${TEST_RETRY.maxAttempts} failed deliveries: a dead letter, and the subject moves on`, async () => {
      const b = await bus();
      const p = ns();
      const d = `dead${n}`;
      const { seen, ok } = await poisonable(b, p, d);
      await b.publish(`${p}.z`, bytes('poison'), { msgId: 'poison-1' });
      await b.publish(`${p}.z`, bytes('next'));
      await until(() => ok.length === 1);
      expect(seen.attempts).toBe(TEST_RETRY.maxAttempts);
      const dead = deadLettersOf(b).filter((x) => x.consumer === d);
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({
        attempts: TEST_RETRY.maxAttempts,
        error: 'cannot process',
        message: { subject: `${p}.z`, msgId: 'poison-1' },
      });
      await backend.quiet(b, 60);
      expect(seen.attempts).toBe(TEST_RETRY.maxAttempts); // not delivered again
    });

    it('records a dead letter through the sink before giving the message up, and keeps it while the sink fails', async () => {
      const recorded: DeadLetterReport[] = [];
      let sinkDown = true;
      const b = await backend.open({
        deadLetterSink: async (d) => {
          if (sinkDown) {
            sinkDown = false;
            throw new Error('store down');
          }
          recorded.push(d);
        },
      });
      open.push(b);
      const p = ns();
      const d = `sink${n}`;
      const { seen, ok } = await poisonable(b, p, d);
      await b.publish(`${p}.z`, bytes('poison'), { msgId: 'poison-2' });
      await b.publish(`${p}.z`, bytes('after'));
      await until(() => ok.length === 1, 'the message after the poison', 10_000);
      // The first give-up found the sink down: the message was kept and delivered once more.
      expect(seen.attempts).toBe(TEST_RETRY.maxAttempts + 1);
      expect(recorded).toHaveLength(1);
      expect(recorded[0]).toMatchObject({ consumer: d, subject: `${p}.z`, msgId: 'poison-2', error: 'cannot process' });
      expect(text(recorded[0]!.data)).toBe('poison');
      expect(ok).toEqual(['after']);
    });

    it('a partitioned durable delivers every partition, each subject in order', async () => {
      const b = await bus();
      const p = ns();
      const got = new Map<string, number[]>();
      // `${p}` is `<prefix>.<kind>` here: a kind of this test's own.
      await b.subscribe(
        `${p}.>`,
        async (m) => {
          const [n, subject] = [Number(text(m.data)), m.subject];
          got.set(subject, [...(got.get(subject) ?? []), n]);
        },
        { durable: `part${n}`, partitioned: true },
      );
      const subjects = Array.from({ length: 24 }, (_, i) => {
        const eui = `70b3d5000000${String(i).padStart(4, '0')}`;
        return `${p}.${partitionOf(eui)}.tenant.${eui}`;
      });
      expect(new Set(subjects.map((x) => x.split('.')[2])).size).toBeGreaterThan(4);
      for (let k = 0; k < 10; k++) for (const subject of subjects) await b.publish(subject, bytes(String(k)));
      await until(() => [...got.values()].reduce((a, x) => a + x.length, 0) === 240, '240 messages', 15_000);
      for (const subject of subjects) expect(got.get(subject)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const lag = (await b.consumerLag()).find((c) => c.consumer === `part${n}`);
      expect(lag).toEqual({ consumer: `part${n}`, pending: 0, unacknowledged: 0 });
    });

    it("reports a durable consumer's backlog, and whether it is connected", async () => {
      const b = await bus();
      const p = ns();
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      await b.subscribe(`${p}.>`, async () => gate, { durable: `lag${n}` });
      for (let i = 0; i < 5; i++) await b.publish(`${p}.one`, bytes(String(i)));
      // Polled until the consumer shows all five (NATS takes a moment to account for them).
      const lag = await until(async () => {
        const l = (await b.consumerLag()).find((c) => c.consumer === `lag${n}`);
        return l && l.pending + l.unacknowledged === 5 && l.unacknowledged === 1 ? l : undefined;
      }, 'the backlog of five, one in flight');
      expect(lag.pending + lag.unacknowledged).toBe(5);
      expect(lag.unacknowledged).toBe(1);
      expect(b.connected).toBe(true);
      release();
    });

    it('keeps each subject in publish order under load (1,000 messages, 10 subjects, 2 subscribers, failures)', async () => {
      const b = await bus();
      const p = ns();
      const d = `order${n}`;
      const SUBJECTS = 10;
      const TOTAL = 1_000;
      const last = new Map<string, number>();
      const violations: string[] = [];
      const failedOnce = new Set<string>();
      let delivered = 0;
      const handler = async (m: BusMessage): Promise<void> => {
        const seq = Number(text(m.data));
        const key = `${m.subject}#${seq}`;
        if (seq % 97 === 0 && !failedOnce.has(key)) {
          failedOnce.add(key);
          throw new Error('flaky');
        }
        if (seq % 13 === 0) await sleep(0);
        const prev = last.get(m.subject) ?? -1;
        if (seq <= prev) violations.push(`${m.subject}: ${seq} after ${prev}`);
        last.set(m.subject, seq);
        delivered++;
      };
      await b.subscribe(`${p}.>`, handler, { durable: d });
      await b.subscribe(`${p}.>`, handler, { durable: d });
      const perSubject = new Array<number>(SUBJECTS).fill(0);
      const started = Date.now();
      for (let batch = 0; batch < TOTAL; batch += 100) {
        await Promise.all(
          Array.from({ length: 100 }, (_, k) => {
            const s = (batch + k) % SUBJECTS;
            return b.publish(`${p}.dev${s}`, bytes(String(perSubject[s]!++)));
          }),
        );
      }
      await until(() => delivered === TOTAL, `${TOTAL} deliveries (got ${delivered})`, 8_000);
      expect(violations).toEqual([]);
      expect(last.size).toBe(SUBJECTS);
      for (const v of last.values()) expect(v).toBe(TOTAL / SUBJECTS - 1);
      expect(failedOnce.size).toBeGreaterThan(0);
      expect(Date.now() - started).toBeLessThan(8_000);
    });

    it('close() is clean and idempotent; the bus refuses work afterwards', async () => {
      const b = await bus();
      const p = ns();
      const got: string[] = [];
      const sub: Subscription = await b.subscribe(
        `${p}.>`,
        async (m) => {
          got.push(text(m.data));
        },
        { durable: `close${n}` },
      );
      await b.publish(`${p}.c`, bytes('1'));
      await until(() => got.length === 1);
      await Promise.all([sub.close(), sub.close()]);
      await sub.close();
      await b.publish(`${p}.c`, bytes('2'));
      await backend.quiet(b);
      expect(got).toEqual(['1']);
      await Promise.all([b.close(), b.close()]);
      await b.close();
      await sub.close();
      await rejectsWith(b.publish(`${p}.c`, bytes('3')), 'INTERNAL');
      await rejectsWith(
        b.subscribe(`${p}.>`, async () => undefined),
        'INTERNAL',
      );
    });

    it('bus close() waits for handlers in flight', async () => {
      const b = await bus();
      const p = ns();
      let done = false;
      await b.subscribe(`${p}.>`, async () => {
        await sleep(50);
        done = true;
      });
      await b.publish(`${p}.w`, bytes('x'));
      await sleep(10);
      await b.close();
      expect(done).toBe(true);
    });
  });
}

describe('openBus', () => {
  it('opens the memory bus', async () => {
    const b = await openBus('memory');
    expect(b.kind).toBe('memory');
    await b.close();
  });

  it.each(['', 'kafka://localhost:9092', 'nats:/x', 'MEMORY'])('rejects %j with INVALID_ARGUMENT', async (spec) => {
    await rejectsWith(openBus(spec), 'INVALID_ARGUMENT');
  });
});
