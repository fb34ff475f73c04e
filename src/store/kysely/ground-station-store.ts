import type { Kysely } from 'kysely';
import type { GatewayStatus, GroundStationRecord } from '../../core/model.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { groundStationRow, toGroundStation } from '../row-mapping.js';
import type { StoreDatabase } from '../store-schema.js';
import type { StoreContext } from './store-context.js';
import type { GroundStationStore } from '../../core/ports/ground-station-store.js';

/**
 * Ground stations, terrestrial gateways and the Iridium gateway (`ground_stations`). The
 * GroundStationStore port over Kysely: the same statements on SQLite and PostgreSQL.
 */
export class KyselyGroundStationStore implements GroundStationStore {
  private readonly db: Kysely<StoreDatabase>;

  constructor(private readonly ctx: StoreContext) {
    this.db = ctx.db;
  }

  async create(g: GroundStationRecord): Promise<void> {
    try {
      const row = await this.db
        .insertInto('ground_stations')
        .values(groundStationRow(this.ctx.caps, g))
        .returning('seq')
        .executeTakeFirstOrThrow();
      this.ctx.keys.stations.set(g.id, Number(row.seq));
    } catch (e) {
      const v = this.ctx.violation(e);
      if (v?.kind === 'unique') {
        // A gateway's token hash derives from its EUI: either key names the same clash.
        if (
          g.gatewayEui !== undefined &&
          (v.key === 'ground_stations.gateway_eui' || v.key === 'ground_stations.token_hash')
        )
          throw new SatiotError('GATEWAY_EXISTS', `A gateway with EUI ${g.gatewayEui} is already registered.`, {
            gatewayEui: g.gatewayEui,
          });
        const what = v.key === 'ground_stations.token_hash' ? 'token' : 'id';
        throw new SatiotError('INVALID_ARGUMENT', `A ground station with this ${what} already exists.`, {
          stationId: g.id,
        });
      }
      throw e;
    }
  }

  async getByTokenHash(tokenHash: string): Promise<GroundStationRecord | undefined> {
    const row = await this.db
      .selectFrom('ground_stations')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && toGroundStation(row);
  }

  async setTokenHash(id: string, tokenHash: string): Promise<boolean> {
    const r = await this.db
      .updateTable('ground_stations')
      .set({ token_hash: tokenHash })
      .where('id', '=', id)
      .where('gateway_eui', 'is', null)
      .where('network', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async list(): Promise<GroundStationRecord[]> {
    const rows = await this.db
      .selectFrom('ground_stations')
      .selectAll()
      .where('gateway_eui', 'is', null)
      .where('network', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toGroundStation);
  }

  async listGateways(): Promise<GroundStationRecord[]> {
    const rows = await this.db
      .selectFrom('ground_stations')
      .selectAll()
      .where('gateway_eui', 'is not', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toGroundStation);
  }

  async recordGatewaySeen(id: string, at: number, stat?: GatewayStatus): Promise<void> {
    await this.db
      .updateTable('ground_stations')
      .set({ last_seen_at: at, ...(stat ? { gateway_stat: JSON.stringify(stat) } : {}) })
      .where('id', '=', id)
      .where('gateway_eui', 'is not', null)
      .execute();
  }

  async deleteGateway(id: string): Promise<'deleted' | 'not-found' | 'has-receptions'> {
    const row = await this.db
      .selectFrom('ground_stations')
      .select('seq')
      .where('id', '=', id)
      .where('gateway_eui', 'is not', null)
      .executeTakeFirst();
    if (!row) return 'not-found';
    const heard = await this.db
      .selectFrom('receptions')
      .select('message_seq')
      .where('station_seq', '=', row.seq)
      .limit(1)
      .executeTakeFirst();
    if (heard) return 'has-receptions';
    await this.db.deleteFrom('ground_stations').where('seq', '=', row.seq).execute();
    this.ctx.keys.stations.delete(id);
    return 'deleted';
  }
}
