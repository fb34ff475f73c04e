import type { Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';
import type { DownlinkPriority } from '../plan/downlink-route.js';
import type { TenantQuota } from './model.js';
import { quotaStatus, type QuotaStatus } from './quota-status.js';
import type { EmergencyBudget, EmergencyRequest } from './emergency-budget.js';
import { SatiotError } from '../errors/satiot-error.js';

/**
 * Tenants' monthly quotas: what operators set and what is used of them on the core's clock. A
 * quota is a plain setting read on demand (no node caches it), so saving one writes no event.
 */
export class QuotaService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly emergencies?: EmergencyBudget,
  ) {}

  /** The quota and this month's use (src/core/quota-status.ts). */
  status(tenantId: string): Promise<QuotaStatus> {
    return quotaStatus(this.store, tenantId, this.clock.now());
  }

  /**
   * Admits a new downlink of this priority for the tenant, or throws: customers' and rules' requests
   * obey the same policy. A normal one is refused with QUOTA_EXCEEDED when the monthly quota's policy
   * says so; an emergency is never held back by the quota (nor costs a usage query) but counts
   * against the tenant's emergency budget (EMERGENCY_BUDGET_EXCEEDED, src/core/emergency-budget.ts).
   */
  async admitDownlink(r: EmergencyRequest & { readonly priority: DownlinkPriority }): Promise<void> {
    if (r.priority === 'emergency') {
      await this.emergencies?.admit(r);
      return;
    }
    if ((await this.status(r.tenantId)).refusesDownlinks) {
      throw new SatiotError(
        'QUOTA_EXCEEDED',
        "the tenant's monthly quota is used up and its policy refuses new downlinks (emergency downlinks " +
          'still go, within their budget)',
      );
    }
  }

  /** Creates or replaces a tenant's quota, stamped now. */
  save(q: Omit<TenantQuota, 'updatedAt'>): Promise<void> {
    return this.store.quotas.save({ ...q, updatedAt: this.clock.now() });
  }
}
