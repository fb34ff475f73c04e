import type { TenantQuota } from '../model.js';

/** Each tenant's monthly quota (at most one per tenant). */
export interface QuotaStore {
  get(tenantId: string): Promise<TenantQuota | undefined>;
  /** Creates or replaces a tenant's quota; an unknown tenant is TENANT_NOT_FOUND. */
  save(q: TenantQuota): Promise<void>;
}
