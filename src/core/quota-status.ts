import type { Store } from './ports/store.js';
import type { TenantQuota } from './model.js';

/** A tenant's quota and what it has used in the current UTC calendar month. */
export interface QuotaStatus {
  readonly quota: TenantQuota | null;
  /** `2026-01`. */
  readonly month: string;
  readonly used: { readonly uplinkMessages: number; readonly downlinks: number };
  readonly exceeded: { readonly uplinkMessages: boolean; readonly downlinks: boolean };
  /** The policy is `refuse-downlinks` and a limit is reached: new normal-priority downlinks are refused. */
  readonly refusesDownlinks: boolean;
}

export async function quotaStatus(store: Store, tenantId: string, now: number): Promise<QuotaStatus> {
  const d = new Date(now);
  const from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
    to = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  const [quota, up, down] = [
    await store.quotas.get(tenantId),
    await store.messages.uplinkUsage({ tenantId, from, to }),
    await store.downlinks.usage({ tenantId, from, to }),
  ];
  const used = {
    uplinkMessages: up.reduce((n, r) => n + r.messages, 0),
    downlinks: down.reduce((n, r) => n + r.messages, 0),
  };
  const reached = (limit: number | null | undefined, n: number) => limit !== null && limit !== undefined && n >= limit;
  const exceeded = {
    uplinkMessages: reached(quota?.monthlyUplinkMessages, used.uplinkMessages),
    downlinks: reached(quota?.monthlyDownlinks, used.downlinks),
  };
  return {
    quota: quota ?? null,
    month: new Date(from).toISOString().slice(0, 7),
    used,
    exceeded,
    refusesDownlinks: quota?.action === 'refuse-downlinks' && (exceeded.uplinkMessages || exceeded.downlinks),
  };
}
