import { Counter, Histogram, type Registry } from 'prom-client';
import type { RejectionCode } from './model.js';

/**
 * Prometheus metrics of the ingest path, registered on the registry it is given (constructor
 * injection: no global default registry, so tests and several cores in one process stay apart).
 */
export class IngestMetrics {
  readonly frames: Counter<'status' | 'code' | 'station'>;
  /** Copies taken in (new messages and duplicates), by the path that carried them. */
  readonly receptions: Counter<'path' | 'status'>;
  readonly batchSeconds: Histogram;
  readonly hopSeconds: Histogram<'hop'>;
  /** Events the outbox relay published, and how long each waited in the outbox. */
  readonly relayed: Counter;
  readonly outboxWaitSeconds: Histogram;
  readonly decodes: Counter<'codec' | 'outcome'>;
  private readonly onboard: { observe(v: number): void };
  private readonly groundToCore: { observe(v: number): void };
  private readonly terrestrial: { observe(v: number): void };

  constructor(registry: Registry) {
    this.frames = new Counter({
      name: 'satiot_ingest_frames_total',
      help: 'Frames handed in by ground stations, by outcome, rejection code and station',
      labelNames: ['status', 'code', 'station'],
      registers: [registry],
    });
    this.batchSeconds = new Histogram({
      name: 'satiot_ingest_batch_seconds',
      help: 'Time to decide and commit one group of gateway batches (group commit), durable commit included',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    });
    this.hopSeconds = new Histogram({
      name: 'satiot_message_hop_seconds',
      help:
        'Per-hop latency of new messages: captured→downlinked (on board), downlinked→ingested (ground→core); ' +
        'captured→ingested for a message a terrestrial gateway heard first (terrestrial)',
      labelNames: ['hop'],
      buckets: [1, 10, 60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400],
      registers: [registry],
    });
    this.onboard = this.hopSeconds.labels({ hop: 'onboard' });
    this.groundToCore = this.hopSeconds.labels({ hop: 'ground-to-core' });
    this.terrestrial = this.hopSeconds.labels({ hop: 'terrestrial' });
    this.receptions = new Counter({
      name: 'satiot_ingest_receptions_total',
      help:
        'Copies of messages taken in, by path (satellite: through a ground station; terrestrial: a LoRa ' +
        'gateway) and status (accepted: a new message; duplicate)',
      labelNames: ['path', 'status'],
      registers: [registry],
    });
    this.decodes = new Counter({
      name: 'satiot_decodes_total',
      help: 'Payloads decoded after ingest, by codec (user codecs as "user") and outcome (ok or the error code)',
      labelNames: ['codec', 'outcome'],
      registers: [registry],
    });
    this.relayed = new Counter({
      name: 'satiot_outbox_published_total',
      help: 'Events the outbox relay of this node published to the bus',
      registers: [registry],
    });
    this.outboxWaitSeconds = new Histogram({
      name: 'satiot_outbox_wait_seconds',
      help: "Time from an event's commit to its publication (outbox lag as each event saw it)",
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 300],
      registers: [registry],
    });
  }

  /** Adds one batch's outcomes: one increment per (status, code), not per frame. */
  countBatch(
    station: string,
    results: ReadonlyArray<{ status: 'accepted' | 'duplicate' | 'rejected'; code?: RejectionCode }>,
    path: 'satellite' | 'terrestrial' = 'satellite',
  ): void {
    const tally = new Map<string, number>();
    for (const r of results) {
      const key = `${r.status}|${r.code ?? ''}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    for (const [key, n] of tally) {
      const [status, code] = key.split('|') as [string, string];
      this.frames.inc({ status, code, station }, n);
      if (status !== 'rejected') this.receptions.inc({ path, status }, n);
    }
  }

  /** A new message a terrestrial gateway heard first: captured → ingested, s. */
  observeTerrestrial(seconds: number): void {
    this.terrestrial.observe(seconds);
  }

  /** One event published by the relay after waiting `waitedMs` in the outbox. */
  readonly observeRelayed = (waitedMs: number): void => {
    this.relayed.inc();
    this.outboxWaitSeconds.observe(Math.max(0, waitedMs) / 1000);
  };

  /** Hop latencies of one new message, seconds. */
  observeHops(onboardS: number, groundToCoreS: number): void {
    this.onboard.observe(onboardS);
    this.groundToCore.observe(groundToCoreS);
  }
}
