import type { Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';
import type { DownlinkPriority } from '../plan/downlink-route.js';
import type { TenantQuota } from './model.js';
import { quotaStatus, type QuotaStatus } from './quota-status.js';

/**
 * Tenants' monthly quotas: what operators set and what is used of them on the core's clock. A
 * quota is a plain setting read on demand (no node caches it), so saving one writes no event.
 */
export class QuotaService {
  constructor(private readonly store: Store, private readonly clock: Clock) {}

  /** The quota and this month's use (src/core/quota-status.ts). */
  status(tenantId: string): Promise<QuotaStatus> {
    return quotaStatus(this.store, tenantId, this.clock.now());
  }

  /**
   * Whether a new downlink of this priority may be queued for the tenant: customers' and rules'
   * requests obey the same policy, and an emergency is never held back (nor costs a usage query).
   */
  async admitsDownlink(tenantId: string, priority: DownlinkPriority): Promise<boolean> {
    return priority === 'emergency' || !(await this.status(tenantId)).refusesDownlinks;
  }

  /** Creates or replaces a tenant's quota, stamped now. */
  save(q: Omit<TenantQuota, 'updatedAt'>): Promise<void> {
    return this.store.saveQuota({ ...q, updatedAt: this.clock.now() });
  }
}
