import { randomBytes } from 'node:crypto';
import { decryptPayload, parseDataFrame, verifyMic } from '../../frame/index.js';
import { batchesOf, benchFrames, benchTerminals, registerBenchTerminals } from './bench-frames.js';
import { openScratchStore } from './scratch-store.js';
import { Core } from '../../core/core.js';
import { KeyVault } from '../../core/key-vault.js';
import { openBus } from '../../bus/open-bus.js';
import { buildApp } from '../../api/app.js';
import { sha256Hex } from '../../core/provisioning.js';
import { pushOverSemtechUdp } from './semtech-udp-load.js';

export interface IngestBenchOptions {
  frames: number;
  terminals: number;
  store: string;
  bus: string;
  via: 'inproc' | 'http' | 'semtech-udp';
  batch: number;
  /** Concurrent callers (stations posting at once). */
  clients: number;
  onProgress?: (done: number, total: number) => void;
}

/** The event path after ingest, as the benchmark saw it. */
export interface EventPathFigures {
  /** Events waiting in the outbox the moment the last batch was acknowledged. */
  readonly outboxLagAtEnd: number;
  /** From the last acknowledgement until every accepted message was queued for the webhook, s. */
  readonly drainSeconds: number;
  /** Ingested (durable) → queued for the webhook, per message, ms. */
  readonly queuedP50Ms: number;
  readonly queuedP99Ms: number;
  readonly queuedMaxMs: number;
  /** Messages whose uplink event reached the webhook's queue. */
  readonly queued: number;
}

export interface IngestBenchResult extends EventPathFigures {
  framesPerSecond: number;
  cryptoOnlyFramesPerSecond: number;
  ratio: number;
  frames: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  seconds: number;
  store: string;
  bus: string;
  via: string;
  batch: number;
  terminals: number;
}

/** The p-quantile (0..1) of sorted values (nearest rank). */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/**
 * Pushes real encrypted LoRaWAN frames through the whole pipeline (HTTP or in-process → MIC →
 * dedup → anti-replay → decrypt → durable store with its outbox): ~10 % duplicate copies from other
 * satellites, ~0.5 % bad frames (a broken MIC or truncated bytes), counters slightly out of order as
 * store-and-forward delivers them. Measures, in the same run, the crypto-only rate (parse + MIC +
 * decrypt of the same frames, one thread) for the ratio; and the event path behind it — the outbox
 * relay, the bus, the decoder and rules consumers, the webhook fan-out — from a tenant webhook on
 * uplinks (answered at once in-process): each message's ingested → queued latency, and how long the
 * events took to catch up after the last batch.
 */
export async function runIngestBench(o: IngestBenchOptions): Promise<IngestBenchResult> {
  const scratch = await openScratchStore(o.store);
  const { store } = scratch;
  const bus = await openBus(o.bus).catch(async (e: unknown) => {
    await store.close();
    await scratch.cleanUp();
    throw e;
  });
  const queuedMs: number[] = [];
  const core = await Core.start({
    store,
    bus,
    vault: new KeyVault(randomBytes(32)),
    onError: () => undefined,
    delivery: {
      transport: { post: async () => ({ status: 204 }) },
      publisher: { publish: async () => undefined, close: async () => undefined },
      onQueued: (_k, ms) => {
        queuedMs.push(ms);
      },
    },
  }).catch(async (e: unknown) => {
    await bus.close();
    await store.close();
    throw e;
  });
  try {
    const tenant = await core.provisioning.createTenant('bench');
    await core.delivery!.catalog.createWebhook({
      tenantId: tenant.id,
      url: 'https://receiver.example/satiot',
      events: ['uplink'],
    });
    const { station, token } = await core.provisioning.createGroundStation({ name: 'bench-gs', lat: 40, lon: 116 });
    const terms = benchTerminals(o.terminals);
    await registerBenchTerminals(core, tenant.id, terms);
    const frames = benchFrames(terms, o.frames);

    // Crypto only: what the pipeline cannot avoid doing per frame.
    let cryptoCount = 0;
    const c0 = performance.now();
    for (const f of frames) {
      try {
        const fr = parseDataFrame(Buffer.from(f.phyPayload, 'base64'));
        const term = terms[parseInt(fr.devAddr, 16) - 0x26000000];
        if (term && verifyMic(fr, fr.fCnt16, term.keys)) {
          decryptPayload(fr, fr.fCnt16, term.keys);
          cryptoCount++;
        }
      } catch {
        /* bad frames count as work done */
      }
    }
    const cryptoSeconds = (performance.now() - c0) / 1000;

    let accepted = 0,
      duplicates = 0,
      rejected = 0;
    const tally = (results: ReadonlyArray<{ status: string }>): void => {
      for (const r of results) {
        if (r.status === 'accepted') accepted++;
        else if (r.status === 'duplicate') duplicates++;
        else rejected++;
      }
    };
    const batches = batchesOf(frames, o.batch);
    let done = 0;
    const s0 = performance.now();
    if (o.via === 'inproc') {
      let next = 0;
      await Promise.all(
        Array.from({ length: o.clients }, async () => {
          while (next < batches.length) {
            const b = batches[next++]!;
            tally(await core.pipeline.ingest(station, b));
            done += b.length;
            o.onProgress?.(done, frames.length);
          }
        }),
      );
    } else if (o.via === 'semtech-udp') {
      const r = await pushOverSemtechUdp(core, frames, o.clients, (n) => o.onProgress?.(n, frames.length));
      accepted = r.accepted;
      duplicates = r.duplicates;
      rejected = r.rejected + r.lost;
    } else {
      const app = await buildApp({ core, adminKeyHash: sha256Hex(randomBytes(16).toString('hex')) });
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      try {
        const bodies = batches.map((b) => JSON.stringify({ frames: b }));
        let next = 0;
        await Promise.all(
          Array.from({ length: o.clients }, async () => {
            while (next < bodies.length) {
              const i = next++;
              const res = await fetch(`${address}/api/v1/gateway/uplinks`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
                body: bodies[i],
              });
              if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
              tally(((await res.json()) as { results: Array<{ status: string }> }).results);
              done += batches[i]!.length;
              o.onProgress?.(done, frames.length);
            }
          }),
        );
      } finally {
        await app.close();
      }
    }
    const seconds = (performance.now() - s0) / 1000;
    const outboxLagAtEnd = (await store.outbox.lag()).pending;
    // The events catch up: every accepted message queued for the webhook (or a minute passes).
    const d0 = performance.now();
    while (queuedMs.length < accepted && performance.now() - d0 < 60_000) await new Promise((r) => setTimeout(r, 20));
    const drainSeconds = (performance.now() - d0) / 1000;
    const sorted = [...queuedMs].sort((a, b) => a - b);
    const fps = frames.length / seconds;
    const cfps = frames.length / cryptoSeconds;
    void cryptoCount;
    return {
      framesPerSecond: Math.round(fps),
      cryptoOnlyFramesPerSecond: Math.round(cfps),
      ratio: Number((fps / cfps).toFixed(3)),
      frames: frames.length,
      accepted,
      duplicates,
      rejected,
      seconds: Number(seconds.toFixed(2)),
      store: store.backend,
      bus: bus.kind,
      via: o.via,
      batch: o.batch,
      terminals: o.terminals,
      outboxLagAtEnd,
      drainSeconds: Number(drainSeconds.toFixed(2)),
      queued: sorted.length,
      queuedP50Ms: Math.round(quantile(sorted, 0.5)),
      queuedP99Ms: Math.round(quantile(sorted, 0.99)),
      queuedMaxMs: Math.round(sorted[sorted.length - 1] ?? NaN),
    };
  } finally {
    await core.close();
    await scratch.cleanUp();
  }
}
