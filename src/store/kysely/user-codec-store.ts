import type { Kysely } from 'kysely';
import type { UserCodecRecord } from '../../core/model.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { toUserCodec } from '../row-mapping.js';
import type { StoreDatabase } from '../store-schema.js';
import type { StoreContext } from './store-context.js';
import type { UserCodecStore } from '../../core/ports/user-codec-store.js';

/**
 * Tenants' codecs (`user_codecs`, migration 3). The UserCodecStore port over Kysely: the same
 * statements on SQLite and PostgreSQL.
 */
export class KyselyUserCodecStore implements UserCodecStore {
  private readonly db: Kysely<StoreDatabase>;

  constructor(private readonly ctx: StoreContext) {
    this.db = ctx.db;
  }

  async create(c: UserCodecRecord): Promise<void> {
    try {
      await this.db
        .insertInto('user_codecs')
        .values({ id: c.id, tenant_id: c.tenantId, name: c.name, script: c.script, created_at: c.createdAt })
        .execute();
    } catch (e) {
      const v = this.ctx.violation(e);
      if (v?.kind === 'unique')
        throw new SatiotError('INVALID_ARGUMENT', `The tenant already has a codec named ${c.name}.`, { name: c.name });
      if (v?.kind === 'foreign-key')
        throw new SatiotError('TENANT_NOT_FOUND', `No tenant ${c.tenantId}.`, { tenantId: c.tenantId });
      throw e;
    }
  }

  async get(id: string): Promise<UserCodecRecord | undefined> {
    const r = await this.db.selectFrom('user_codecs').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toUserCodec(r);
  }

  async list(tenantId: string): Promise<UserCodecRecord[]> {
    const rows = await this.db
      .selectFrom('user_codecs')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('name')
      .execute();
    return rows.map(toUserCodec);
  }
}
