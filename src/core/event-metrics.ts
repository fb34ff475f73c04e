import { Counter, Histogram, type Registry } from 'prom-client';
import type { AttemptObservation } from './delivery/delivery-worker.js';
import type { Bus, Subscription } from './ports/bus.js';
import { ALARM_SUBJECTS, DOWNLINK_SUBJECTS } from './events/subjects.js';

/**
 * Prometheus counters of what happens after ingest, read off the bus (a transient subscription on
 * each node: each node counts what it sees): downlink state changes and alarm events; and the
 * delivery attempts the delivery service reports.
 */
export class EventMetrics {
  private readonly downlinks: Counter<'state'>;
  private readonly alarms: Counter<'action' | 'severity'>;
  private readonly attempts: Counter<'kind' | 'outcome'>;
  private readonly attemptSeconds: Histogram<'kind'>;
  private readonly deliveredSeconds: Histogram<'kind'>;
  /**
   * Ingested → queued for an application: the event path itself (outbox, relay, bus, fan-out), without the receivers.
   */
  readonly queuedSeconds: Histogram<'kind'>;
  private subs: Subscription[] = [];

  constructor(
    registry: Registry,
    private readonly bus: Bus,
  ) {
    this.downlinks = new Counter({
      name: 'satiot_downlink_transitions_total',
      help: 'Downlinks entering each state (queued, scheduled, uploaded, transmitted, acknowledged, expired, failed)',
      labelNames: ['state'],
      registers: [registry],
    });
    this.attempts = new Counter({
      name: 'satiot_delivery_attempts_total',
      help:
        'Delivery attempts to webhooks and MQTT brokers by integration kind and outcome (delivered, retrying, ' +
        'failed)',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    });
    this.attemptSeconds = new Histogram({
      name: 'satiot_delivery_attempt_seconds',
      help: 'Duration of one delivery attempt',
      labelNames: ['kind'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    });
    this.deliveredSeconds = new Histogram({
      name: 'satiot_delivery_latency_seconds',
      help: "The message's last hop: ingested (durable) → delivered to an application, per integration kind",
      labelNames: ['kind'],
      buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600],
      registers: [registry],
    });
    this.queuedSeconds = new Histogram({
      name: 'satiot_delivery_queued_seconds',
      help:
        "An uplink event's path from ingest (durable) to queued for an application's integration: outbox, " +
        'relay, bus and fan-out',
      labelNames: ['kind'],
      buckets: [
        0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 20, 30, 60, 120, 300,
      ],
      registers: [registry],
    });
    this.alarms = new Counter({
      name: 'satiot_alarm_events_total',
      help: 'Alarm events by action (raised, repeated, acknowledged, cleared) and severity',
      labelNames: ['action', 'severity'],
      registers: [registry],
    });
  }

  /** An event queued for an integration of `kind`, `sinceIngestMs` after its message was ingested. */
  readonly observeQueued = (kind: string, sinceIngestMs: number): void => {
    this.queuedSeconds.observe({ kind }, Math.max(0, sinceIngestMs) / 1000);
  };

  /** Counts one delivery attempt (the delivery service calls it). */
  readonly observeAttempt = (a: AttemptObservation): void => {
    this.attempts.inc({ kind: a.kind, outcome: a.outcome });
    this.attemptSeconds.observe({ kind: a.kind }, a.durationMs / 1000);
    if (a.sinceIngestS !== undefined) this.deliveredSeconds.observe({ kind: a.kind }, a.sinceIngestS);
  };

  async start(): Promise<void> {
    const json = (data: Uint8Array): Record<string, unknown> | undefined => {
      try {
        return JSON.parse(Buffer.from(data).toString('utf8')) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    };
    this.subs.push(
      await this.bus.subscribe(DOWNLINK_SUBJECTS, async (m) => {
        const e = json(m.data);
        if (e?.['kind'] === 'downlink' && typeof e['action'] === 'string') this.downlinks.inc({ state: e['action'] });
      }),
    );
    this.subs.push(
      await this.bus.subscribe(ALARM_SUBJECTS, async (m) => {
        const e = json(m.data) as { kind?: unknown; action?: unknown; alarm?: { severity?: unknown } } | undefined;
        if (e?.kind === 'alarm' && typeof e.action === 'string')
          this.alarms.inc({ action: e.action, severity: String(e.alarm?.severity ?? '') });
      }),
    );
  }

  async stop(): Promise<void> {
    for (const s of this.subs.splice(0)) await s.close();
  }
}
