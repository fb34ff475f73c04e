import { Gauge, type Registry } from 'prom-client';
import type { Cluster } from './cluster.js';

/**
 * The cluster's state on /metrics, read when Prometheus scrapes (one status query per scrape):
 * outbox lag, each durable consumer's backlog, the leases this node holds, the nodes by state, open
 * dead letters.
 */
export function registerClusterMetrics(registry: Registry, cluster: Cluster): void {
  let last: Promise<Awaited<ReturnType<Cluster['status']>> | undefined> | undefined;
  // One status per scrape, shared by the gauges that read it.
  const status = () => {
    last ??= cluster
      .status()
      .catch(() => undefined)
      .finally(() => {
        setTimeout(() => {
          last = undefined;
        }, 500).unref();
      });
    return last;
  };
  new Gauge({
    name: 'satiot_outbox_pending',
    help: "Events written and not yet published (the cluster's outbox)",
    registers: [registry],
    async collect() {
      const s = await status();
      if (s) this.set(s.outbox.pending);
    },
  });
  new Gauge({
    name: 'satiot_outbox_oldest_seconds',
    help: 'Age of the oldest event not yet published (0 when none)',
    registers: [registry],
    async collect() {
      const s = await status();
      if (s) this.set((s.outbox.oldestAgeMs ?? 0) / 1000);
    },
  });
  new Gauge({
    name: 'satiot_consumer_pending',
    help: 'Events a durable consumer has not been delivered yet, by consumer',
    labelNames: ['consumer'],
    registers: [registry],
    async collect() {
      const s = await status();
      if (s) {
        this.reset();
        for (const c of s.consumers) this.set({ consumer: c.consumer }, c.pending);
      }
    },
  });
  new Gauge({
    name: 'satiot_consumer_unacknowledged',
    help: 'Events delivered to a durable consumer and not yet acknowledged (in a handler or waiting for a redelivery)',
    labelNames: ['consumer'],
    registers: [registry],
    async collect() {
      const s = await status();
      if (s) {
        this.reset();
        for (const c of s.consumers) this.set({ consumer: c.consumer }, c.unacknowledged);
      }
    },
  });
  new Gauge({
    name: 'satiot_lease_held',
    help: 'Singleton work this node runs (1) or not (0), by lease',
    labelNames: ['lease'],
    registers: [registry],
    async collect() {
      const s = await status();
      if (s) {
        this.reset();
        for (const l of s.leases) this.set({ lease: l.name }, l.holder === s.node ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'satiot_cluster_nodes',
    help: 'Nodes by state as their heartbeats say (up, stopped, lost)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const s = await status();
      if (!s) return;
      for (const state of ['up', 'stopped', 'lost'] as const)
        this.set({ state }, s.nodes.filter((n) => n.state === state).length);
    },
  });
  new Gauge({
    name: 'satiot_dead_letters_open',
    help: 'Events consumers gave up on and nobody replayed yet',
    registers: [registry],
    async collect() {
      const s = await status();
      if (s) this.set(s.deadLetters.open);
    },
  });
}
