import type { ApiKeyRecord } from '../model.js';

/** API keys, kept by the hash of their secret. */
export interface ApiKeyStore {
  /** An unknown tenant is TENANT_NOT_FOUND. */
  create(k: ApiKeyRecord): Promise<void>;
  getByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  /** Oldest first; one tenant's keys, or every key. */
  list(tenantId?: string): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked at `at`; false when there is no such key or it was already revoked. */
  revoke(id: string, at: number): Promise<boolean>;
}
