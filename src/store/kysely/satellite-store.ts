import type { Kysely } from 'kysely';
import type { SatelliteRecord } from '../../core/model.js';
import type { StoreDatabase } from '../store-schema.js';
import type { StoreContext } from './store-context.js';
import type { SatelliteStore } from '../../core/ports/satellite-store.js';

/** Rows per satellite upsert (6 parameters each, well under both backends' parameter limits). */
const SATELLITES_PER_QUERY = 100;

/**
 * Satellites' element sets (`satellites`, migration 2). The SatelliteStore port over Kysely: the
 * same statements on SQLite and PostgreSQL.
 */
export class KyselySatelliteStore implements SatelliteStore {
  private readonly db: Kysely<StoreDatabase>;

  constructor(private readonly ctx: StoreContext) {
    this.db = ctx.db;
  }

  async upsert(sats: readonly SatelliteRecord[]): Promise<void> {
    for (let i = 0; i < sats.length; i += SATELLITES_PER_QUERY) {
      const rows = sats.slice(i, i + SATELLITES_PER_QUERY).map((s) => ({
        norad_id: s.noradId,
        name: s.name,
        format: s.format,
        element_set: s.elementSet,
        epoch: s.epoch,
        updated_at: s.updatedAt,
      }));
      await this.db
        .insertInto('satellites')
        .values(rows)
        .onConflict((oc) =>
          oc.column('norad_id').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            format: eb.ref('excluded.format'),
            element_set: eb.ref('excluded.element_set'),
            epoch: eb.ref('excluded.epoch'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  }

  async list(): Promise<SatelliteRecord[]> {
    const rows = await this.db.selectFrom('satellites').selectAll().orderBy('norad_id').execute();
    return rows.map((r) => ({
      noradId: Number(r.norad_id),
      name: r.name,
      format: r.format,
      elementSet: r.element_set,
      epoch: Number(r.epoch),
      updatedAt: Number(r.updated_at),
    }));
  }
}
