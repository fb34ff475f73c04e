import { randomBytes, randomUUID } from 'node:crypto';
import { buildDataFrame } from '../../frame/index.js';
import { batchesOf, benchTerminals, registerBenchTerminals, type BenchTerminal } from './bench-frames.js';
import { quantile } from './ingest-bench.js';
import { openScratchStore } from './scratch-store.js';
import { WebhookReceiver, type Received } from './webhook-receiver.js';
import { Core } from '../../core/core.js';
import { KeyVault } from '../../core/key-vault.js';
import { RULES_CONSUMER } from '../../core/rule-runner.js';
import type { UplinkFrameInput } from '../../core/ingest-pipeline.js';
import { openBus } from '../../bus/open-bus.js';
import { HttpWebhookTransport } from '../../integrations/http-webhook-transport.js';
import { MqttIntegrationPublisher } from '../../integrations/mqtt-integration-publisher.js';
import { solutionRules, type SolutionName, type SolutionParams } from '../../solutions/index.js';
import { buildPayload } from '../../twin/model/payloads.js';
import { startSupervision } from '../../supervision/supervision.js';

export type PipelineCodec = 'sl651' | 'jt808';
export type PipelineRules = 'water' | 'logistics' | 'none';

export interface PipelineBenchOptions {
  /** Distinct messages (about 5 % more frames: second copies from other satellites). */
  messages: number;
  terminals: number;
  codec: PipelineCodec;
  rules: PipelineRules;
  /** Webhooks of the tenant, each wanting every decoded event and alarm. */
  webhooks: number;
  store: string;
  bus: string;
  batch: number;
  clients: number;
  /** Give up waiting for the deliveries this long after the load, s. */
  timeoutSeconds: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface PipelineBenchResult {
  /** Messages through ingest → decode → rules → every webhook, per second of the whole run (load and catch-up). */
  messagesPerSecond: number;
  /** Frames/s of ingest alone while the load ran (the event path running beside it). */
  ingestFramesPerSecond: number;
  /** messagesPerSecond / ingest's messages per second in the same run. */
  ratioToIngest: number;
  /** Webhook requests answered per second over the run. */
  deliveriesPerSecond: number;
  /** Ingest acknowledged → the receiver got the decoded event, ms (every webhook's copy). */
  deliveredP50Ms: number;
  deliveredP99Ms: number;
  deliveredMaxMs: number;
  /** Load start → the last delivery and the rules caught up, s. */
  seconds: number;
  loadSeconds: number;
  frames: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Decoded events that reached every webhook. */
  delivered: number;
  /** Decoded events a webhook received a second time (exactly once means none). */
  repeatedDeliveries: number;
  /** Decoded events whose codec reported an error (none expected: the payloads are the codec's own frames). */
  decodeErrors: number;
  alarms: number;
  rulesEvaluated: boolean;
  caughtUp: boolean;
  codec: PipelineCodec;
  rules: PipelineRules;
  webhooks: number;
  store: string;
  bus: string;
  terminals: number;
}

/**
 * Real device payloads (the codec's own encoder, as the twin's terminals send) in encrypted LoRaWAN frames, ~5 % heard
 * twice.
 */
export function pipelineFrames(
  terms: readonly BenchTerminal[],
  messages: number,
  codec: PipelineCodec,
  capturedFrom = Date.now() - 3_600_000,
): UplinkFrameInput[] {
  const out: UplinkFrameInput[] = [];
  for (let i = 0; i < messages; i++) {
    const k = i % terms.length;
    const term = terms[k]!;
    const fCnt = Math.floor(i / terms.length);
    const createdAt = capturedFrom + i;
    const payload = buildPayload({
      protocol: codec,
      terminal: k,
      serial: fCnt,
      createdAt,
      emergency: i % 997 === 5,
      event: i % 101 === 7,
      fix: {
        lat: 30 + (k % 100) / 10,
        lon: 110 + (k % 70) / 10,
        altKm: 0.05,
        speedKmh: i % 89 === 3 ? 112 : 60 + (i % 30),
        headingDeg: (i * 7) % 360,
      },
    });
    const phy = buildDataFrame(
      { mtype: 'unconfirmed-data-up', devAddr: term.devAddr, fCnt32: fCnt, fPort: 10, payload },
      term.keys,
    );
    const f: UplinkFrameInput = {
      phyPayload: Buffer.from(phy).toString('base64'),
      satelliteId: `SAT-${i % 24}`,
      capturedAt: new Date(createdAt).toISOString(),
      downlinkedAt: new Date(createdAt + 600_000).toISOString(),
      rssi: -120,
      snr: -5,
    };
    out.push(f);
    if (i % 20 === 9) out.push({ ...f, satelliteId: `SAT-${(i + 7) % 24}` });
  }
  return out;
}

function presetParams(rules: SolutionName): SolutionParams {
  return rules === 'water' ? { warningLevelM: 30, guaranteedLevelM: 38 } : { maxSpeedKmh: 100 };
}

/**
 * The whole pipeline with real device payloads: frames ingested in-process (MIC, dedup, decrypt,
 * durable store) → the decoder (the terminals' codec) → the rules (a solution preset) and the webhook
 * fan-out (and the anomaly monitor, as a server runs it) → the delivery worker posting signed
 * requests to a receiver on 127.0.0.1 in its own thread. The run ends when every accepted message's decoded event
 * reached every webhook and the rules consumer has nothing pending; messages/s is over that whole time.
 */
export async function runPipelineBench(o: PipelineBenchOptions): Promise<PipelineBenchResult> {
  const scratch = await openScratchStore(o.store);
  const { store } = scratch;
  const ackedAt = new Map<string, number>();
  const latencies: number[] = [];
  let decodeErrors = 0,
    alarms = 0,
    lastAt = 0,
    repeats = 0;
  /** (webhook, message) pairs delivered so far. */
  const seen = new Set<string>();
  const receiver = await WebhookReceiver.start((batch: readonly Received[]) => {
    for (const r of batch) {
      if (r.kind === 'alarm') {
        alarms++;
        continue;
      }
      if (r.kind !== 'decoded' || r.messageId === undefined) continue;
      const key = `${r.path} ${r.messageId}`;
      if (seen.has(key)) {
        repeats++;
        continue;
      }
      seen.add(key);
      if (!r.ok) decodeErrors++;
      const t = ackedAt.get(r.messageId);
      if (t !== undefined) latencies.push(r.at - t);
      if (r.at > lastAt) lastAt = r.at;
    }
  });
  const bus = await openBus(o.bus).catch(async (e: unknown) => {
    await receiver.stop();
    await store.close();
    await scratch.cleanUp();
    throw e;
  });
  const publisher = new MqttIntegrationPublisher();
  const core = await Core.start({
    store,
    bus,
    vault: new KeyVault(randomBytes(32)),
    onError: () => undefined,
    delivery: { transport: new HttpWebhookTransport({ allowInternal: true }), publisher },
  }).catch(async (e: unknown) => {
    await bus.close();
    await receiver.stop();
    await store.close();
    await scratch.cleanUp();
    throw e;
  });
  // The anomaly monitor too, as `satiot serve` runs it beside the core (it reads every decoded event).
  const supervision = await startSupervision(core, undefined).catch(async (e: unknown) => {
    await core.close();
    await receiver.stop();
    await scratch.cleanUp();
    throw e;
  });
  try {
    const tenant = await core.provisioning.createTenant('bench');
    for (let w = 0; w < o.webhooks; w++) {
      await core.delivery!.catalog.createWebhook({
        tenantId: tenant.id,
        url: `${receiver.url}/${w}`,
        events: ['decoded', 'alarm'],
      });
    }
    if (o.rules !== 'none') {
      for (const rule of solutionRules(o.rules, tenant.id, presetParams(o.rules), randomUUID))
        await core.rules.save(rule);
    }
    const terms = benchTerminals(o.terminals);
    await registerBenchTerminals(core, tenant.id, terms, {
      codec: o.codec,
      profile: o.codec === 'jt808' ? 'vehicle' : 'fixed-collector',
    });
    const frames = pipelineFrames(terms, o.messages, o.codec);
    const batches = batchesOf(frames, o.batch);
    const { station } = await core.provisioning.createGroundStation({ name: 'bench-gs', lat: 30, lon: 114 });

    let accepted = 0,
      duplicates = 0,
      rejected = 0,
      done = 0,
      next = 0;
    const s0 = performance.now();
    const wallStart = Date.now();
    await Promise.all(
      Array.from({ length: o.clients }, async () => {
        while (next < batches.length) {
          const b = batches[next++]!;
          const results = await core.pipeline.ingest(station, b);
          const now = Date.now();
          for (const r of results) {
            if (r.status === 'accepted') {
              accepted++;
              ackedAt.set(r.messageId!, now);
            } else if (r.status === 'duplicate') duplicates++;
            else rejected++;
          }
          done += b.length;
          o.onProgress?.('ingest', done, frames.length);
        }
      }),
    );
    const loadSeconds = (performance.now() - s0) / 1000;
    const wanted = accepted * o.webhooks;
    const deadline = performance.now() + o.timeoutSeconds * 1000;
    let rulesDone = false;
    for (;;) {
      await receiver.flush();
      o.onProgress?.('deliveries', Math.min(seen.size, wanted), wanted);
      rulesDone =
        o.rules === 'none' ||
        (await bus.consumerLag())
          .filter((l) => l.consumer === RULES_CONSUMER)
          .every((l) => l.pending === 0 && l.unacknowledged === 0);
      if ((seen.size >= wanted && rulesDone) || performance.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const caughtUp = seen.size >= wanted && rulesDone;
    // Caught up: the run ends with the last delivery (not with this loop's polling); else now.
    const seconds = ((caughtUp ? Math.max(lastAt, wallStart + loadSeconds * 1000) : Date.now()) - wallStart) / 1000;
    const sorted = latencies.sort((a, b) => a - b);
    const messagesPerSecond = (caughtUp ? accepted : seen.size / o.webhooks) / seconds;
    const ingestMessagesPerSecond = accepted / loadSeconds;
    return {
      messagesPerSecond: Math.round(messagesPerSecond),
      ingestFramesPerSecond: Math.round(frames.length / loadSeconds),
      ratioToIngest: Number((messagesPerSecond / ingestMessagesPerSecond).toFixed(3)),
      deliveriesPerSecond: Math.round(seen.size / seconds),
      deliveredP50Ms: Math.round(quantile(sorted, 0.5)),
      deliveredP99Ms: Math.round(quantile(sorted, 0.99)),
      deliveredMaxMs: Math.round(sorted[sorted.length - 1] ?? NaN),
      seconds: Number(seconds.toFixed(2)),
      loadSeconds: Number(loadSeconds.toFixed(2)),
      frames: frames.length,
      accepted,
      duplicates,
      rejected,
      delivered: Math.floor(seen.size / o.webhooks),
      decodeErrors,
      alarms,
      repeatedDeliveries: repeats,
      rulesEvaluated: rulesDone,
      caughtUp,
      codec: o.codec,
      rules: o.rules,
      webhooks: o.webhooks,
      store: store.backend,
      bus: bus.kind,
      terminals: o.terminals,
    };
  } finally {
    await supervision.stop();
    await core.close();
    await publisher.close();
    await receiver.stop();
    await scratch.cleanUp();
  }
}
