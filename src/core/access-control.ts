import { randomBytes, randomUUID } from 'node:crypto';
import { SatiotError } from '../errors/satiot-error.js';
import type { Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';
import { ROLES, type ApiKeyRecord, type Role } from './model.js';
import { matchesHash, sha256Hex } from './provisioning.js';
import type { EventWriter } from './event-writer.js';

/** Who is calling: the role and, for tenant roles, the tenant. */
export interface Principal {
  /** The API key's id; null for the deployment's bootstrap operator key. */
  readonly keyId: string | null;
  readonly role: Role;
  readonly tenantId: string | null;
}

export const TENANT_ROLES: readonly Role[] = ['tenant-admin', 'tenant-user'];

/**
 * How long a key lookup is trusted before the store is asked again. A revocation through any node
 * also arrives as a registry event and drops the key within a second (registry-sync.ts); this
 * bounds a missed one.
 */
const CACHE_MS = 10_000;

/**
 * API keys and what they may do. Keys are random (`sk_` + 32 bytes base64url), shown once, stored
 * as SHA-256; they can expire and be revoked. The deployment's bootstrap operator key (its hash
 * from `SATIOT_ADMIN_KEY` or the one generated at first start) always works, so an operator can
 * never lock themselves out.
 */
export class AccessControl {
  private readonly cache = new Map<string, { at: number; key: ApiKeyRecord | undefined }>();

  /**
   * `regulatorSeesPayloads`: the deployment's policy for regulators — false (default) shows them
   * metadata only: no payloads, decodes, positions or alarm evidence taken from payloads.
   */
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly bootstrapKeyHash: string,
    readonly regulatorSeesPayloads = false,
    private readonly events?: EventWriter,
  ) {}

  /** Forgets a cached key (revoked through another node). */
  forget(keyId: string): void {
    for (const [hash, hit] of this.cache) if (hit.key?.id === keyId) this.cache.delete(hash);
  }

  /** Whether `p` may see payloads and what is derived from them (decodes, positions, alarm evidence). */
  seesPayloads(p: Principal): boolean {
    return p.role !== 'regulator' || this.regulatorSeesPayloads;
  }

  /** The principal a bearer token stands for, or undefined (unknown, revoked or expired). */
  async authenticate(token: string | undefined): Promise<Principal | undefined> {
    if (!token) return undefined;
    if (matchesHash(token, this.bootstrapKeyHash)) return { keyId: null, role: 'operator', tenantId: null };
    const hash = sha256Hex(token);
    const now = this.clock.now();
    let hit = this.cache.get(hash);
    if (!hit || now - hit.at > CACHE_MS) {
      hit = { at: now, key: await this.store.apiKeys.getByHash(hash) };
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(hash, hit);
    }
    const k = hit.key;
    if (!k || k.revokedAt !== null || (k.expiresAt !== null && k.expiresAt <= now)) return undefined;
    return { keyId: k.id, role: k.role, tenantId: k.tenantId };
  }

  /**
   * Creates a key. Operators create any key; a tenant-admin creates tenant-admin and tenant-user
   * keys of its own tenant (another tenant answers TENANT_NOT_FOUND, as if it did not exist).
   */
  async createKey(
    by: Principal,
    n: { tenantId?: string; role: Role; name?: string; expiresAt?: number },
  ): Promise<{ record: ApiKeyRecord; key: string }> {
    if (!ROLES.includes(n.role)) throw new SatiotError('INVALID_ARGUMENT', `role must be one of ${ROLES.join(', ')}`);
    const tenantRole = TENANT_ROLES.includes(n.role);
    if (tenantRole && !n.tenantId) throw new SatiotError('INVALID_ARGUMENT', `a ${n.role} key needs a tenantId`);
    if (!tenantRole && n.tenantId)
      throw new SatiotError('INVALID_ARGUMENT', `an ${n.role} key belongs to no tenant: leave tenantId out`);
    // Another tenant answers as if it did not exist, before any role check (ids never leak).
    if (by.tenantId !== null && n.tenantId !== by.tenantId)
      throw new SatiotError('TENANT_NOT_FOUND', `no tenant ${n.tenantId ?? ''}`);
    if (by.role !== 'operator' && by.role !== 'tenant-admin')
      throw new SatiotError('FORBIDDEN', 'only operators and tenant admins create keys');
    if (n.tenantId && !(await this.store.tenants.get(n.tenantId)))
      throw new SatiotError('TENANT_NOT_FOUND', `no tenant ${n.tenantId}`);
    const now = this.clock.now();
    if (n.expiresAt !== undefined && !(n.expiresAt > now))
      throw new SatiotError('INVALID_ARGUMENT', 'expiresAt must be in the future');
    const key = `sk_${randomBytes(32).toString('base64url')}`;
    const record: ApiKeyRecord = {
      id: randomUUID(),
      tenantId: n.tenantId ?? null,
      role: n.role,
      name: (n.name ?? '').trim().slice(0, 200),
      keyHash: sha256Hex(key),
      prefix: key.slice(0, 7),
      createdAt: now,
      expiresAt: n.expiresAt ?? null,
      revokedAt: null,
    };
    await this.store.apiKeys.create(record);
    return { record, key };
  }

  /** Keys visible to `by`: all for operators, the tenant's for tenant admins. */
  async listKeys(by: Principal, tenantId?: string): Promise<ApiKeyRecord[]> {
    if (by.tenantId !== null && tenantId !== undefined && tenantId !== by.tenantId)
      throw new SatiotError('TENANT_NOT_FOUND', `no tenant ${tenantId}`);
    if (by.role === 'operator') return this.store.apiKeys.list(tenantId);
    if (by.role !== 'tenant-admin') throw new SatiotError('FORBIDDEN', 'only operators and tenant admins list keys');
    return this.store.apiKeys.list(by.tenantId!);
  }

  async revokeKey(by: Principal, id: string): Promise<ApiKeyRecord> {
    const k = await this.store.apiKeys.get(id);
    if (!k || (by.tenantId !== null && k.tenantId !== by.tenantId))
      throw new SatiotError('NOT_FOUND', `no API key ${id}`);
    if (by.role !== 'operator' && by.role !== 'tenant-admin')
      throw new SatiotError('FORBIDDEN', 'only operators and tenant admins revoke keys');
    const at = this.clock.now();
    const revoked = this.events
      ? await this.events.run(async (tx, emit) => {
          const ok = await tx.apiKeys.revoke(id, at);
          if (ok) emit(this.events!.registryChange('api-key', id));
          return ok;
        })
      : await this.store.apiKeys.revoke(id, at);
    if (!revoked) throw new SatiotError('INVALID_ARGUMENT', `API key ${id} is already revoked`);
    this.cache.delete(k.keyHash);
    return (await this.store.apiKeys.get(id))!;
  }
}
