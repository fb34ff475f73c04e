/**
 * Bus throughput: publishes of 200-byte messages (one durable consumer attached, so they are kept),
 * and how fast a durable consumer drains them.
 *
 *   node --import tsx bench/bus.bench.ts [--nats nats://127.0.0.1:4222] [--count 50000] [--inflight 256]
 *
 * NATS runs on a throwaway stream (SATIOT_BENCH_<random>, file storage) that is deleted afterwards.
 * Publishes there are concurrent with at most --inflight PubAcks outstanding; the durable consumer
 * has max_ack_pending 1 (the bus's ordering guarantee), so its rate is one ack round trip per message.
 */
import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import type { Bus } from '../src/core/ports/bus.js';
import { MemoryBus } from '../src/bus/memory/bus.js';
import { NatsBus } from '../src/bus/nats/bus.js';
import { flag } from './bench-util.js';

const COUNT = Number(flag('count', '50000'));
const INFLIGHT = Number(flag('inflight', '256'));
const CONSUME = Number(flag('consume', '5000'));
const natsUrl = flag('nats', '');
const SIZE = 200;
const SUBJECTS = 100;

/** Runs fn(0..total-1) with at most `window` calls outstanding. */
async function bounded(total: number, window: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(window, total) }, async () => {
      while (next < total) await fn(next++);
    }),
  );
}

function rate(n: number, ms: number): { messages: number; seconds: number; perSecond: number; mbPerSecond: number } {
  return {
    messages: n,
    seconds: Number((ms / 1000).toFixed(3)),
    perSecond: Math.round(n / (ms / 1000)),
    mbPerSecond: Number(((n * SIZE) / (ms / 1000) / 1e6).toFixed(2)),
  };
}

async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('bench: timed out waiting for deliveries');
    await new Promise((r) => setTimeout(r, 1));
  }
}

async function measure(bus: Bus, prefix: string, window: number) {
  const data = randomBytes(SIZE);
  const tag = randomBytes(3).toString('hex');
  let drained = 0;
  // warm-up (connection, JIT)
  await bounded(1_000, window, (i) => bus.publish(`${prefix}.warm.${tag}.d${i % SUBJECTS}`, data));

  // publish: a durable consumer exists (so the messages are kept) but is not subscribed yet
  const keep = await bus.subscribe(`${prefix}.up.${tag}.>`, async () => undefined, { durable: `keep${tag}` });
  await keep.close();
  let t0 = performance.now();
  await bounded(COUNT, window, (i) => bus.publish(`${prefix}.up.${tag}.d${i % SUBJECTS}`, data));
  const publish = rate(COUNT, performance.now() - t0);

  t0 = performance.now();
  await bounded(COUNT, window, (i) =>
    bus.publish(`${prefix}.id.${tag}.d${i % SUBJECTS}`, data, { msgId: `${tag}-${i}` }),
  );
  const publishWithMsgId = rate(COUNT, performance.now() - t0);

  const sequentialCount = Math.min(COUNT, 5_000);
  t0 = performance.now();
  for (let i = 0; i < sequentialCount; i++) await bus.publish(`${prefix}.seq.${tag}.d${i % SUBJECTS}`, data);
  const publishOneAtATime = rate(sequentialCount, performance.now() - t0);

  // consume: a durable drains what was published while it was away (first CONSUME of them)
  const toDrain = Math.min(CONSUME, COUNT);
  t0 = performance.now();
  let tDrained = 0;
  const sub = await bus.subscribe(
    `${prefix}.up.${tag}.>`,
    async () => {
      if (++drained === toDrain) tDrained = performance.now();
    },
    { durable: `keep${tag}` },
  );
  await waitUntil(() => drained >= toDrain, 120_000);
  await sub.close();
  const durableDrain = rate(toDrain, tDrained - t0);
  return { publish, publishWithMsgId, publishOneAtATime, durableDrain };
}

const results: Record<string, unknown> = {};

const mem = new MemoryBus();
results.memory = {
  ...(await measure(mem, 'satiot', INFLIGHT)),
  note: 'publish = stored in memory for the durable consumer',
};
await mem.close();

if (natsUrl) {
  const tag = randomBytes(4).toString('hex');
  const stream = `SATIOT_BENCH_${tag}`;
  const prefix = `satiot_bench_${tag}`;
  const bus = await NatsBus.connect(natsUrl, { stream, subjectPrefix: prefix });
  try {
    results.nats = {
      url: natsUrl,
      stream,
      storage: 'file',
      inflightPubAcks: INFLIGHT,
      ...(await measure(bus, prefix, INFLIGHT)),
    };
  } finally {
    await bus.close();
    const nc = await connect({ servers: natsUrl });
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => false);
    await nc.close();
  }
}

console.log(
  JSON.stringify(
    { benchmark: 'bus-publish', messageBytes: SIZE, subjects: SUBJECTS, node: process.version, ...results },
    null,
    2,
  ),
);
