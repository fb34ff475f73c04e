import { type Kysely, type Selectable } from 'kysely';
import type { ApiKeyRecord } from '../../core/model.js';
import { SatiotError } from '../../errors/satiot-error.js';
import type { ApiKeysTable, StoreDatabase } from '../store-schema.js';
import type { StoreContext } from './store-context.js';
import type { ApiKeyStore } from '../../core/ports/api-key-store.js';

/**
 * API keys (`api_keys`, migration 5), found by the hash of their secret. The ApiKeyStore port over
 * Kysely: the same statements on SQLite and PostgreSQL.
 */
export class KyselyApiKeyStore implements ApiKeyStore {
  private readonly db: Kysely<StoreDatabase>;

  constructor(private readonly ctx: StoreContext) {
    this.db = ctx.db;
  }

  async create(k: ApiKeyRecord): Promise<void> {
    try {
      await this.db
        .insertInto('api_keys')
        .values({
          id: k.id,
          tenant_id: k.tenantId,
          role: k.role,
          name: k.name,
          key_hash: k.keyHash,
          prefix: k.prefix,
          created_at: k.createdAt,
          expires_at: k.expiresAt,
          revoked_at: k.revokedAt,
        })
        .execute();
    } catch (e) {
      if (this.ctx.violation(e)?.kind === 'foreign-key')
        throw new SatiotError('TENANT_NOT_FOUND', `No tenant ${k.tenantId}.`, { tenantId: k.tenantId });
      throw e;
    }
  }

  async getByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const r = await this.db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
    return r && toApiKey(r);
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    const r = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toApiKey(r);
  }

  async list(tenantId?: string): Promise<ApiKeyRecord[]> {
    let q = this.db.selectFrom('api_keys').selectAll();
    if (tenantId !== undefined) q = q.where('tenant_id', '=', tenantId);
    return (await q.orderBy('created_at').orderBy('id').execute()).map(toApiKey);
  }

  async revoke(id: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}

function toApiKey(r: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    role: r.role,
    name: r.name,
    keyHash: r.key_hash,
    prefix: r.prefix,
    createdAt: Number(r.created_at),
    expiresAt: r.expires_at === null ? null : Number(r.expires_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
  };
}
