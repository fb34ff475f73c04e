import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import type { Bus, DeadLetterSink } from '../../src/core/ports/bus.js';
import type { DeadLetter } from '../../src/bus/dead-letter.js';
import { openBus } from '../../src/bus/open-bus.js';
import type { MemoryBus } from '../../src/bus/memory/bus.js';

/** Fast redelivery for tests: 5 deliveries in all, 5 ms doubling to 40 ms. */
export const TEST_RETRY = { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 40 };

/** One bus backend under test (the pattern of Kysely's per-dialect test setup). */
export interface BusBackend {
  readonly name: string;
  /** Subject prefix every test subject starts with. */
  readonly prefix: string;
  /** Whether durable consumers survive a new Bus instance (a process restart). */
  readonly persistent: boolean;
  open(o?: { deadLetterSink?: DeadLetterSink }): Promise<Bus>;
  /**
   * Resolves when a test may assert that nothing more arrives: the in-process bus once it is idle
   * (nothing queued, in a handler or awaiting redelivery); NATS after a short wait, since only the
   * server knows what it may still deliver (`natsMs`, default 30).
   */
  quiet(bus: Bus, natsMs?: number): Promise<void>;
  /** Deletes what the run created (the NATS stream). */
  cleanup(): Promise<void>;
}

export function deadLettersOf(bus: Bus): readonly DeadLetter[] {
  return (bus as Bus & { deadLetters(): readonly DeadLetter[] }).deadLetters();
}

export const NATS_URL = process.env.SATIOT_TEST_NATS_URL;

export function memoryBackend(): BusBackend {
  return {
    name: 'memory',
    prefix: 'satiot',
    persistent: false,
    open: (o = {}) => openBus('memory', { memory: { retry: TEST_RETRY }, ...o }),
    quiet: (bus) => (bus as MemoryBus).idle(),
    cleanup: async () => undefined,
  };
}

/** A throwaway stream `SATIOT_TEST_<random>` on subjects `satiot_test_<random>.>`, deleted by cleanup(). */
export function natsBackend(url: string): BusBackend {
  const tag = randomBytes(5).toString('hex');
  const stream = `SATIOT_TEST_${tag}`;
  const prefix = `satiot_test_${tag}`;
  return {
    name: 'nats',
    prefix,
    persistent: true,
    open: (o = {}) =>
      openBus(url, {
        nats: { stream, subjectPrefix: prefix, retry: TEST_RETRY, ackWaitMs: 5_000, connectionName: 'satiot-test' },
        ...o,
      }),
    quiet: (_bus, natsMs = 30) => sleep(natsMs),
    async cleanup() {
      const nc = await connect({ servers: url });
      try {
        const jsm = await jetstreamManager(nc);
        await jsm.streams.delete(stream).catch(() => false);
      } finally {
        await nc.close();
      }
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const enc = new TextEncoder();
const dec = new TextDecoder();
export const bytes = (s: string): Uint8Array => enc.encode(s);
export const text = (b: Uint8Array): string => dec.decode(b);
