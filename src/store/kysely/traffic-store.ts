import { sql, type Kysely } from 'kysely';
import type { RejectionCode } from '../../core/model.js';
import type { StoreDatabase } from '../store-schema.js';
import type { StoreContext } from './store-context.js';
import type { TrafficHours, TrafficStore } from '../../core/ports/traffic-store.js';

/**
 * Traffic tallies (`traffic_hours`, `rejection_hours`, `rejection_tallies`), written by the ingest
 * transaction. The TrafficStore port over Kysely: the same statements on SQLite and PostgreSQL.
 */
export class KyselyTrafficStore implements TrafficStore {
  private readonly db: Kysely<StoreDatabase>;

  constructor(private readonly ctx: StoreContext) {
    this.db = ctx.db;
  }

  async byHour(fromHour: number, toHour: number): Promise<TrafficHours> {
    const receptions = await sql<{
      hour: number | string;
      station_id: string;
      satellite_id: string;
      receptions: number | string;
    }>`
      SELECT t.hour, g.id AS station_id, t.satellite_id, sum(t.receptions) AS receptions FROM traffic_hours AS t JOIN ground_stations AS g ON g.seq = t.station_seq
      WHERE t.hour >= ${fromHour} AND t.hour <= ${toHour} GROUP BY t.hour, g.id, t.satellite_id ORDER BY t.hour, g.id, t.satellite_id`.execute(
      this.db,
    );
    const rejections = await sql<{
      hour: number | string;
      station_id: string;
      code: RejectionCode;
      count: number | string;
    }>`
      SELECT hour, station_id, code, count FROM rejection_hours WHERE hour >= ${fromHour} AND hour <= ${toHour} ORDER BY hour, station_id, code`.execute(
      this.db,
    );
    return {
      receptions: receptions.rows.map((r) => ({
        hour: Number(r.hour),
        stationId: r.station_id,
        satelliteId: r.satellite_id,
        count: Number(r.receptions),
      })),
      rejections: rejections.rows.map((r) => ({
        hour: Number(r.hour),
        stationId: r.station_id,
        code: r.code,
        count: Number(r.count),
      })),
    };
  }

  async rejectionTallies(): Promise<Array<{ stationId: string; code: RejectionCode; count: number }>> {
    const rows = await this.db
      .selectFrom('rejection_tallies')
      .selectAll()
      .orderBy('station_id')
      .orderBy('code')
      .execute();
    return rows.map((r) => ({ stationId: r.station_id, code: r.code, count: Number(r.count) }));
  }
}
