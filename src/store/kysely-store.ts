import type { Kysely } from 'kysely';
import type {
  GroundStationRecord, MessageWithReceptions, Reception, RejectionCode, SatelliteRecord, Tenant, TerminalCounters, TerminalRecord,
} from '../core/model.js';
import type { IngestWrite, MessageQuery, Page, Store } from '../core/ports/store.js';
import { SatiotError } from '../errors/satiot-error.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';
import {
  groundStationRow, sqlBool, terminalRow, toCounters, toGroundStation, toMessage, toReception, toTenant, toTerminal,
} from './row-mapping.js';
import type { ConstraintViolation, StoreCapabilities } from './store-capabilities.js';
import type { StoreDatabase } from './store-schema.js';

/** Largest page a listing returns. */
export const MAX_PAGE_SIZE = 1000;
/** Ids per `IN (…)` list: well under SQLite's and PostgreSQL's bound-parameter limits. */
const IDS_PER_QUERY = 500;
/** Rows per satellite upsert (6 parameters each, well under both backends' parameter limits). */
const SATELLITES_PER_QUERY = 100;

/**
 * The Store methods both backends run the same way, as typed Kysely queries. A backend supplies
 * the Kysely instance, its capabilities, its constraint-error reader, and the parts that differ:
 * migrations, the ingest transaction, closing.
 *
 * Every method here is one statement (or reads only), never a Kysely transaction: SQLite's one
 * connection is shared with the synchronous ingest transaction, which must never find a BEGIN left
 * open across an await.
 */
export abstract class KyselyStore implements Store {
  abstract readonly backend: 'sqlite' | 'postgres';

  protected constructor(
    protected readonly db: Kysely<StoreDatabase>,
    protected readonly caps: StoreCapabilities,
  ) {}

  abstract migrate(): Promise<void>;
  abstract close(): Promise<void>;
  abstract commitIngest(w: IngestWrite): Promise<void>;
  /** Reads a driver error as a constraint violation of the schema, or undefined for anything else. */
  protected abstract constraintViolation(e: unknown): ConstraintViolation | undefined;

  // ---- tenants -------------------------------------------------------------------------------

  async createTenant(t: Tenant): Promise<void> {
    try {
      await this.db.insertInto('tenants').values({ id: t.id, name: t.name, created_at: t.createdAt }).execute();
    } catch (e) {
      if (this.constraintViolation(e)?.kind === 'unique') {
        throw new SatiotError('INVALID_ARGUMENT', `Tenant ${t.id} already exists.`, { tenantId: t.id });
      }
      throw e;
    }
  }

  async getTenant(id: string): Promise<Tenant | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toTenant(row);
  }

  async listTenants(): Promise<Tenant[]> {
    const rows = await this.db.selectFrom('tenants').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toTenant);
  }

  // ---- terminals -----------------------------------------------------------------------------

  async createTerminal(t: TerminalRecord): Promise<void> {
    try {
      await this.db.insertInto('terminals').values(terminalRow(this.caps, t)).execute();
    } catch (e) {
      const v = this.constraintViolation(e);
      if (v?.kind === 'unique' && v.key === 'terminals.dev_eui') {
        throw new SatiotError('TERMINAL_EXISTS', `A terminal with DevEUI ${t.devEui} is already registered.`, { devEui: t.devEui });
      }
      if (v?.kind === 'unique') {
        throw new SatiotError('INVALID_ARGUMENT', `Terminal ${t.id} already exists.`, { terminalId: t.id });
      }
      if (v?.kind === 'foreign-key') {
        throw new SatiotError('TENANT_NOT_FOUND', `No tenant ${t.tenantId}.`, { tenantId: t.tenantId });
      }
      throw e;
    }
  }

  async getTerminalByDevEui(devEui: string): Promise<TerminalRecord | undefined> {
    const row = await this.db.selectFrom('terminals').selectAll().where('dev_eui', '=', devEui).executeTakeFirst();
    return row && toTerminal(row);
  }

  async listAllTerminals(): Promise<TerminalRecord[]> {
    const rows = await this.db.selectFrom('terminals').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toTerminal);
  }

  /** Oldest first (by createdAt, then id). */
  async listTerminals(q: { tenantId?: string; limit: number; cursor?: string }): Promise<Page<TerminalRecord>> {
    checkLimit(q.limit);
    let query = this.db.selectFrom('terminals').selectAll();
    if (q.tenantId !== undefined) query = query.where('tenant_id', '=', q.tenantId);
    if (q.cursor !== undefined) {
      const after = decodeCursor('terminals', q.cursor);
      query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after.at, after.id)));
    }
    const rows = await query.orderBy('created_at').orderBy('id').limit(q.limit + 1).execute();
    const items = rows.slice(0, q.limit).map(toTerminal);
    const last = items[items.length - 1];
    return rows.length > q.limit && last
      ? { items, nextCursor: encodeCursor('terminals', { at: last.createdAt, id: last.id }) }
      : { items };
  }

  async setTerminalEnabled(devEui: string, enabled: boolean): Promise<boolean> {
    const r = await this.db.updateTable('terminals').set({ enabled: sqlBool(this.caps, enabled) })
      .where('dev_eui', '=', devEui).executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  // ---- counters ------------------------------------------------------------------------------

  async getCounters(terminalId: string): Promise<TerminalCounters | undefined> {
    const row = await this.db.selectFrom('terminal_counters').selectAll().where('terminal_id', '=', terminalId).executeTakeFirst();
    return row && toCounters(row);
  }

  async listAllCounters(): Promise<TerminalCounters[]> {
    const rows = await this.db.selectFrom('terminal_counters').selectAll().orderBy('terminal_id').execute();
    return rows.map(toCounters);
  }

  // ---- ground stations -----------------------------------------------------------------------

  async createGroundStation(g: GroundStationRecord): Promise<void> {
    try {
      await this.db.insertInto('ground_stations').values(groundStationRow(this.caps, g)).execute();
    } catch (e) {
      const v = this.constraintViolation(e);
      if (v?.kind === 'unique') {
        const what = v.key === 'ground_stations.token_hash' ? 'token' : 'id';
        throw new SatiotError('INVALID_ARGUMENT', `A ground station with this ${what} already exists.`, { stationId: g.id });
      }
      throw e;
    }
  }

  async getGroundStationByTokenHash(tokenHash: string): Promise<GroundStationRecord | undefined> {
    const row = await this.db.selectFrom('ground_stations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row && toGroundStation(row);
  }

  async listGroundStations(): Promise<GroundStationRecord[]> {
    const rows = await this.db.selectFrom('ground_stations').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toGroundStation);
  }

  // ---- satellites ----------------------------------------------------------------------------

  async upsertSatellites(sats: readonly SatelliteRecord[]): Promise<void> {
    for (let i = 0; i < sats.length; i += SATELLITES_PER_QUERY) {
      const rows = sats.slice(i, i + SATELLITES_PER_QUERY).map((s) => ({
        norad_id: s.noradId, name: s.name, format: s.format, element_set: s.elementSet, epoch: s.epoch, updated_at: s.updatedAt,
      }));
      await this.db.insertInto('satellites').values(rows).onConflict((oc) => oc.column('norad_id').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'), format: eb.ref('excluded.format'), element_set: eb.ref('excluded.element_set'),
        epoch: eb.ref('excluded.epoch'), updated_at: eb.ref('excluded.updated_at'),
      }))).execute();
    }
  }

  async listSatellites(): Promise<SatelliteRecord[]> {
    const rows = await this.db.selectFrom('satellites').selectAll().orderBy('norad_id').execute();
    return rows.map((r) => ({ noradId: Number(r.norad_id), name: r.name, format: r.format, elementSet: r.element_set, epoch: Number(r.epoch), updatedAt: Number(r.updated_at) }));
  }

  // ---- messages ------------------------------------------------------------------------------

  async messageIngestedAt(ids: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += IDS_PER_QUERY) {
      const rows = await this.db.selectFrom('messages').select(['id', 'ingested_at'])
        .where('id', 'in', unique.slice(i, i + IDS_PER_QUERY)).execute();
      for (const r of rows) out.set(r.id, Number(r.ingested_at));
    }
    return out;
  }

  async getMessage(id: string): Promise<MessageWithReceptions | undefined> {
    const row = await this.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const receptions = await this.receptionsOf([id]);
    return { ...toMessage(row), receptions: receptions.get(id) ?? [] };
  }

  async listMessages(q: MessageQuery): Promise<Page<MessageWithReceptions>> {
    checkLimit(q.limit);
    let query = this.db.selectFrom('messages').selectAll().where('terminal_id', '=', q.terminalId);
    if (q.from !== undefined) query = query.where('captured_at', '>=', q.from);
    if (q.to !== undefined) query = query.where('captured_at', '<=', q.to);
    if (q.fPort !== undefined) query = query.where('f_port', '=', q.fPort);
    if (q.cursor !== undefined) {
      const before = decodeCursor('messages', q.cursor);
      query = query.where((eb) => eb(eb.refTuple('captured_at', 'id'), '<', eb.tuple(before.at, before.id)));
    }
    const rows = await query.orderBy('captured_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1).execute();
    const page = rows.slice(0, q.limit).map(toMessage);
    const receptions = await this.receptionsOf(page.map((m) => m.id));
    const items = page.map((m) => ({ ...m, receptions: receptions.get(m.id) ?? [] }));
    const last = items[items.length - 1];
    return rows.length > q.limit && last
      ? { items, nextCursor: encodeCursor('messages', { at: last.capturedAt, id: last.id }) }
      : { items };
  }

  /** Receptions of the messages, each list ordered by receivedAt. */
  private async receptionsOf(messageIds: readonly string[]): Promise<Map<string, Reception[]>> {
    const out = new Map<string, Reception[]>();
    for (let i = 0; i < messageIds.length; i += IDS_PER_QUERY) {
      const rows = await this.db.selectFrom('receptions').selectAll()
        .where('message_id', 'in', messageIds.slice(i, i + IDS_PER_QUERY))
        .orderBy('received_at').orderBy('station_id').orderBy('satellite_id').orderBy('captured_at')
        .execute();
      for (const r of rows) {
        const list = out.get(r.message_id);
        if (list) list.push(toReception(r));
        else out.set(r.message_id, [toReception(r)]);
      }
    }
    return out;
  }

  async rejectionTallies(): Promise<Array<{ stationId: string; code: RejectionCode; count: number }>> {
    const rows = await this.db.selectFrom('rejection_tallies').selectAll().orderBy('station_id').orderBy('code').execute();
    return rows.map((r) => ({ stationId: r.station_id, code: r.code, count: Number(r.count) }));
  }
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new SatiotError('INVALID_ARGUMENT', `The page size must be an integer from 1 to ${MAX_PAGE_SIZE}.`, { limit });
  }
}
