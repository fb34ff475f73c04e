import type { Kysely } from 'kysely';
import type { TenantQuota } from '../../core/model.js';
import { SatiotError } from '../../errors/satiot-error.js';
import type { StoreDatabase } from '../store-schema.js';
import type { StoreContext } from './store-context.js';
import type { QuotaStore } from '../../core/ports/quota-store.js';

/**
 * Tenant quotas (`tenant_quotas`, migration 8). The QuotaStore port over Kysely: the same
 * statements on SQLite and PostgreSQL.
 */
export class KyselyQuotaStore implements QuotaStore {
  private readonly db: Kysely<StoreDatabase>;

  constructor(private readonly ctx: StoreContext) {
    this.db = ctx.db;
  }

  async get(tenantId: string): Promise<TenantQuota | undefined> {
    const r = await this.db
      .selectFrom('tenant_quotas')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return (
      r && {
        tenantId: r.tenant_id,
        action: r.action,
        updatedAt: Number(r.updated_at),
        monthlyUplinkMessages: r.monthly_uplink_messages === null ? null : Number(r.monthly_uplink_messages),
        monthlyDownlinks: r.monthly_downlinks === null ? null : Number(r.monthly_downlinks),
      }
    );
  }

  async save(q: TenantQuota): Promise<void> {
    const row = {
      tenant_id: q.tenantId,
      monthly_uplink_messages: q.monthlyUplinkMessages,
      monthly_downlinks: q.monthlyDownlinks,
      action: q.action,
      updated_at: q.updatedAt,
    };
    try {
      await this.db
        .insertInto('tenant_quotas')
        .values(row)
        .onConflict((oc) =>
          oc.column('tenant_id').doUpdateSet({
            monthly_uplink_messages: row.monthly_uplink_messages,
            monthly_downlinks: row.monthly_downlinks,
            action: row.action,
            updated_at: row.updated_at,
          }),
        )
        .execute();
    } catch (e) {
      if (this.ctx.violation(e)?.kind === 'foreign-key')
        throw new SatiotError('TENANT_NOT_FOUND', `No tenant ${q.tenantId}.`, { tenantId: q.tenantId });
      throw e;
    }
  }
}
