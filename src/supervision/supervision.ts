import type { Core } from '../core/core.js';
import { AnomalyMonitor } from './anomaly-monitor.js';
import type { AnomalyPolicy } from './anomaly-policy.js';
import type { ChainedAuditLog } from './audit-log.js';

export interface SupervisionOptions {
  readonly policy?: AnomalyPolicy;
  /** Checkpoint the audit chain this often when records came in (default 10 minutes), ms. */
  readonly checkpointIntervalMs?: number;
  /** Apply the audit retention this often (default daily; also once at start), ms. */
  readonly pruneIntervalMs?: number;
  readonly onError?: (e: unknown, what: string) => void;
}

export interface Supervision {
  readonly monitor: AnomalyMonitor;
  /** Stops the monitor and the timers, writes what is queued and signs a last checkpoint. */
  stop(): Promise<void>;
}

/** The supervision a server runs beside its core: the anomaly monitor, audit checkpoints and retention. */
export async function startSupervision(core: Core, audit: ChainedAuditLog | undefined, opts: SupervisionOptions = {}): Promise<Supervision> {
  const report = (what: string) => (e: unknown) => opts.onError?.(e, what);
  const monitor = new AnomalyMonitor(core, { ...(opts.policy ? { policy: opts.policy } : {}), onError: report('anomaly detection') });
  await monitor.start();
  const timers: NodeJS.Timeout[] = [];
  if (audit) {
    const checkpoint = setInterval(() => { audit.checkpoint().catch(report('audit checkpoint')); }, opts.checkpointIntervalMs ?? 10 * 60_000);
    const prune = setInterval(() => { audit.prune().catch(report('audit retention')); }, opts.pruneIntervalMs ?? 86_400_000);
    checkpoint.unref();
    prune.unref();
    timers.push(checkpoint, prune);
    await audit.prune().catch(report('audit retention'));
  }
  return {
    monitor,
    async stop() {
      for (const t of timers) clearInterval(t);
      await monitor.stop();
      if (audit) {
        await audit.flush();
        await audit.checkpoint().catch(report('audit checkpoint'));
      }
    },
  };
}
