import type { Tenant } from '../model.js';

/** Tenants: the organisations whose terminals, keys and rules the platform keeps apart. */
export interface TenantStore {
  /** A tenant id already taken is INVALID_ARGUMENT. */
  create(t: Tenant): Promise<void>;
  get(id: string): Promise<Tenant | undefined>;
  /** Oldest first. */
  list(): Promise<Tenant[]>;
}
