import type { UserCodecRecord } from '../model.js';

/** Tenants' own payload codecs (scripts run in a sandbox). */
export interface UserCodecStore {
  /** A name the tenant already uses is INVALID_ARGUMENT; an unknown tenant TENANT_NOT_FOUND. */
  create(c: UserCodecRecord): Promise<void>;
  get(id: string): Promise<UserCodecRecord | undefined>;
  /** One tenant's codecs, by name. */
  list(tenantId: string): Promise<UserCodecRecord[]>;
}
