import { Counter, type Registry } from 'prom-client';
import type { Bus, Subscription } from './ports/bus.js';

/**
 * Prometheus counters of what happens after ingest, read off the bus (a transient subscription on
 * each node: each node counts what it sees): downlink state changes and alarm events.
 */
export class EventMetrics {
  private readonly downlinks: Counter<'state'>;
  private readonly alarms: Counter<'action' | 'severity'>;
  private subs: Subscription[] = [];

  constructor(registry: Registry, private readonly bus: Bus) {
    this.downlinks = new Counter({ name: 'satiot_downlink_transitions_total', help: 'Downlinks entering each state (queued, scheduled, uploaded, transmitted, acknowledged, expired, failed)', labelNames: ['state'], registers: [registry] });
    this.alarms = new Counter({ name: 'satiot_alarm_events_total', help: 'Alarm events by action (raised, repeated, acknowledged, cleared) and severity', labelNames: ['action', 'severity'], registers: [registry] });
  }

  async start(): Promise<void> {
    const json = (data: Uint8Array): Record<string, unknown> | undefined => {
      try {
        return JSON.parse(Buffer.from(data).toString('utf8')) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    };
    this.subs.push(await this.bus.subscribe('satiot.downlink.>', async (m) => {
      const e = json(m.data);
      if (e?.['kind'] === 'downlink' && typeof e['action'] === 'string') this.downlinks.inc({ state: e['action'] });
    }));
    this.subs.push(await this.bus.subscribe('satiot.alarm.>', async (m) => {
      const e = json(m.data) as { kind?: unknown; action?: unknown; alarm?: { severity?: unknown } } | undefined;
      if (e?.kind === 'alarm' && typeof e.action === 'string') this.alarms.inc({ action: e.action, severity: String(e.alarm?.severity ?? '') });
    }));
  }

  async stop(): Promise<void> {
    for (const s of this.subs.splice(0)) await s.close();
  }
}
