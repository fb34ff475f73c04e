import type { Core } from '../core/core.js';
import { AnomalyMonitor } from './anomaly-monitor.js';
import type { AnomalyPolicy } from './anomaly-policy.js';
import type { ChainedAuditLog } from './audit-log.js';

export interface SupervisionOptions {
  readonly policy?: AnomalyPolicy;
  /** Checkpoint the audit chain this often when records came in (default 10 minutes of the core's clock), ms. */
  readonly checkpointIntervalMs?: number;
  /** Apply the audit retention this often (default daily; also soon after start), ms. */
  readonly pruneIntervalMs?: number;
  readonly onError?: (e: unknown, what: string) => void;
}

/** Leases of supervision's singleton work (docs/cluster.md). */
export const SUPERVISION_LEASES = {
  monitor: 'anomaly-monitor',
  checkpoint: 'audit-checkpoint',
  retention: 'audit-retention',
} as const;

export interface Supervision {
  readonly monitor: AnomalyMonitor;
  /** Stops the monitor and the timers, writes what is queued and signs a last checkpoint. */
  stop(): Promise<void>;
}

/**
 * The supervision a server runs beside its core: the anomaly monitor, audit checkpoints and
 * retention — each once per cluster, on the node holding its lease (the monitor keeps its windows
 * in memory there; a node that takes the lease over starts with empty windows).
 */
export async function startSupervision(
  core: Core,
  audit: ChainedAuditLog | undefined,
  opts: SupervisionOptions = {},
): Promise<Supervision> {
  const report = (what: string) => (e: unknown) => opts.onError?.(e, what);
  const monitor = new AnomalyMonitor(core, {
    ...(opts.policy ? { policy: opts.policy } : {}),
    onError: report('anomaly detection'),
  });
  core.leases.hold(SUPERVISION_LEASES.monitor, monitor);
  if (audit) {
    core.leases.hold(SUPERVISION_LEASES.checkpoint);
    core.leases.hold(SUPERVISION_LEASES.retention);
    core.scheduler.every(
      SUPERVISION_LEASES.checkpoint,
      opts.checkpointIntervalMs ?? 10 * 60_000,
      () => audit.checkpoint(),
      { when: () => core.leases.holds(SUPERVISION_LEASES.checkpoint) },
    );
    core.scheduler.every(SUPERVISION_LEASES.retention, opts.pruneIntervalMs ?? 86_400_000, () => audit.prune(), {
      when: () => core.leases.holds(SUPERVISION_LEASES.retention),
      firstAfterMs: 0,
    });
  }
  await core.leases.tick();
  return {
    monitor,
    async stop() {
      await monitor.stop();
      if (audit) {
        await audit.flush();
        if (core.leases.holds(SUPERVISION_LEASES.checkpoint))
          await audit.checkpoint().catch(report('audit checkpoint'));
      }
    },
  };
}
