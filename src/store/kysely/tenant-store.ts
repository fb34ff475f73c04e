import type { Kysely } from 'kysely';
import type { Tenant } from '../../core/model.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { toTenant } from '../row-mapping.js';
import type { StoreDatabase } from '../store-schema.js';
import type { StoreContext } from './store-context.js';
import type { TenantStore } from '../../core/ports/tenant-store.js';

/**
 * Tenants (`tenants`). The TenantStore port over Kysely: the same statements on SQLite and
 * PostgreSQL.
 */
export class KyselyTenantStore implements TenantStore {
  private readonly db: Kysely<StoreDatabase>;

  constructor(private readonly ctx: StoreContext) {
    this.db = ctx.db;
  }

  async create(t: Tenant): Promise<void> {
    try {
      await this.db.insertInto('tenants').values({ id: t.id, name: t.name, created_at: t.createdAt }).execute();
    } catch (e) {
      if (this.ctx.violation(e)?.kind === 'unique') {
        throw new SatiotError('INVALID_ARGUMENT', `Tenant ${t.id} already exists.`, { tenantId: t.id });
      }
      throw e;
    }
  }

  async get(id: string): Promise<Tenant | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toTenant(row);
  }

  async list(): Promise<Tenant[]> {
    const rows = await this.db.selectFrom('tenants').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toTenant);
  }
}
