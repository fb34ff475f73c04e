import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type {
  DownlinkPlan,
  DownlinkRecord,
  DownlinkState,
  DownlinkStep,
  DownlinkStore,
  DownlinkUpdate,
} from '../../core/ports/downlink-store.js';
import type { Page, UsageRow } from '../../core/ports/store.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';
import { asBuffer } from '../row-mapping.js';
import { underSavepoint } from './savepoint.js';

/** The `downlinks` table (migration 6 of both backends). Times are ms; int8 may come back as strings. */
export interface DownlinksTable {
  id: string;
  tenant_id: string;
  terminal_id: string;
  dev_eui: string;
  f_port: number;
  payload: Uint8Array;
  /** 0/1 on both backends. */
  confirmed: number;
  priority: 'normal' | 'emergency';
  alarm_id: string | null;
  created_at: number | string;
  expires_at: number | string;
  state: DownlinkState;
  f_cnt_down: number | string | null;
  phy_payload: Uint8Array | null;
  station_id: string | null;
  contact_start: number | string | null;
  contact_end: number | string | null;
  /** DownlinkPlan as JSON. */
  plan: string | null;
  eta: number | string | null;
  /** DownlinkStep[] as JSON. */
  history: string;
  version: number | string;
}

interface DownlinkDatabase {
  downlinks: DownlinksTable;
}

const OPEN_STATES: readonly DownlinkState[] = ['queued', 'scheduled', 'uploaded'];
const MAX_PAGE = 1000;

/**
 * The DownlinkStore port over Kysely: the same statements on SQLite and PostgreSQL (no dialect
 * branches; `confirmed` is an integer on both). Every method is a single statement or reads only —
 * never a transaction — so that it can share SQLite's one connection with the ingest path.
 */
export class KyselyDownlinkStore implements DownlinkStore {
  private readonly db: Kysely<DownlinkDatabase>;

  // Any Kysely whose database has the downlinks table (the stores' own Kysely<StoreDatabase>).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  constructor(db: Kysely<any>) {
    this.db = db as Kysely<DownlinkDatabase>;
  }

  async create(d: DownlinkRecord): Promise<'created' | 'alarm-exists'> {
    const r = await this.db
      .insertInto('downlinks')
      .values(row(d))
      .onConflict((oc) => oc.column('alarm_id').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1 ? 'created' : 'alarm-exists';
  }

  async get(id: string): Promise<DownlinkRecord | undefined> {
    const r = await this.db.selectFrom('downlinks').selectAll().where('id', '=', id).executeTakeFirst();
    return r && record(r);
  }

  async listByTerminal(
    terminalId: string,
    q: { readonly limit: number; readonly cursor?: string },
  ): Promise<Page<DownlinkRecord>> {
    const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(q.limit)));
    let query = this.db.selectFrom('downlinks').selectAll().where('terminal_id', '=', terminalId);
    if (q.cursor !== undefined) {
      const c = decodeCursor('downlinks', q.cursor);
      query = query.where((eb) =>
        eb.or([eb('created_at', '<', c.at), eb.and([eb('created_at', '=', c.at), eb('id', '<', c.id)])]),
      );
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const items = rows.slice(0, limit).map(record);
    const last = items[items.length - 1];
    return rows.length > limit && last
      ? { items, nextCursor: encodeCursor('downlinks', { at: last.createdAt, id: last.id }) }
      : { items };
  }

  async update(d: DownlinkRecord, expectedVersion: number): Promise<DownlinkUpdate> {
    const { id: _id, tenant_id: _t, terminal_id: _te, dev_eui: _e, created_at: _c, alarm_id: _a, ...changes } = row(d);
    try {
      const r = await underSavepoint(this.db, () =>
        this.db
          .updateTable('downlinks')
          .set({ ...changes, version: expectedVersion + 1 })
          .where('id', '=', d.id)
          .where('version', '=', expectedVersion)
          .executeTakeFirst(),
      );
      return Number(r.numUpdatedRows) === 1 ? 'updated' : 'stale';
    } catch (e) {
      // The one unique key an update can break is (terminal_id, f_cnt_down): read it back rather
      // than parse each driver's error text.
      if (d.fCntDown !== null) {
        const holder = await this.db
          .selectFrom('downlinks')
          .select('id')
          .where('terminal_id', '=', d.terminalId)
          .where('f_cnt_down', '=', d.fCntDown)
          .where('id', '<>', d.id)
          .executeTakeFirst();
        if (holder) return 'counter-taken';
      }
      throw e;
    }
  }

  async listExpiring(q: {
    readonly tenantId?: string;
    readonly before: number;
    readonly limit: number;
  }): Promise<DownlinkRecord[]> {
    let query = this.db
      .selectFrom('downlinks')
      .selectAll()
      .where('state', 'in', ['queued', 'scheduled'])
      .where('expires_at', '<=', q.before);
    if (q.tenantId !== undefined) query = query.where('tenant_id', '=', q.tenantId);
    const rows = await query.orderBy('expires_at').orderBy('id').limit(q.limit).execute();
    return rows.map(record);
  }

  async listOpen(): Promise<DownlinkRecord[]> {
    const rows = await this.db
      .selectFrom('downlinks')
      .selectAll()
      .where((eb) =>
        eb.or([eb('state', 'in', OPEN_STATES), eb.and([eb('state', '=', 'transmitted'), eb('confirmed', '=', 1)])]),
      )
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(record);
  }

  async hasWaiting(terminalId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('downlinks')
      .select('id')
      .where('terminal_id', '=', terminalId)
      .where('state', 'in', ['queued', 'scheduled'])
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async nextCounter(terminalId: string): Promise<number> {
    return (await this.maxCounter(terminalId, [])) + 1;
  }

  async maxCounter(terminalId: string, exceptIds: readonly string[]): Promise<number> {
    let q = this.db
      .selectFrom('downlinks')
      .select((eb) => eb.fn.max('f_cnt_down').as('top'))
      .where('terminal_id', '=', terminalId);
    if (exceptIds.length > 0) q = q.where('id', 'not in', [...exceptIds]);
    const r = await q.executeTakeFirst();
    return r?.top === null || r?.top === undefined ? -1 : Number(r.top);
  }

  async findByAlarmId(alarmId: string): Promise<DownlinkRecord | undefined> {
    const r = await this.db.selectFrom('downlinks').selectAll().where('alarm_id', '=', alarmId).executeTakeFirst();
    return r && record(r);
  }

  async stationSchedule(stationId: string, from: number, to: number): Promise<DownlinkRecord[]> {
    const rows = await this.db
      .selectFrom('downlinks')
      .selectAll()
      .where('station_id', '=', stationId)
      .where('state', '=', 'scheduled')
      .where('contact_start', '<', to)
      .where('contact_end', '>', from)
      // 'emergency' sorts before 'normal': emergency frames first within a contact, then first come
      // (one terminal's frames by counter, the order its deliveries are planned in).
      .orderBy('contact_start')
      .orderBy('priority')
      .orderBy('created_at')
      .orderBy('f_cnt_down')
      .orderBy('id')
      .execute();
    return rows.map(record);
  }

  async awaitingAck(terminalId: string): Promise<DownlinkRecord[]> {
    const rows = await this.db
      .selectFrom('downlinks')
      .selectAll()
      .where('terminal_id', '=', terminalId)
      .where('confirmed', '=', 1)
      .where('state', 'in', ['uploaded', 'transmitted'])
      .orderBy('f_cnt_down', 'desc')
      .execute();
    return rows.map(record);
  }

  async usage(q: {
    readonly tenantId?: string;
    readonly terminalId?: string;
    readonly from: number;
    readonly to: number;
  }): Promise<UsageRow[]> {
    // Integer division is the UTC day in both SQLite and PostgreSQL.
    const day = sql<number>`created_at / 86400000`;
    let query = this.db
      .selectFrom('downlinks')
      .select([
        'tenant_id',
        'dev_eui',
        day.as('day'),
        (eb) => eb.fn.countAll<number>().as('messages'),
        sql<number>`sum(length(payload))`.as('bytes'),
      ])
      .where('created_at', '>=', q.from)
      .where('created_at', '<', q.to);
    if (q.tenantId !== undefined) query = query.where('tenant_id', '=', q.tenantId);
    if (q.terminalId !== undefined) query = query.where('terminal_id', '=', q.terminalId);
    const rows = await query.groupBy(['tenant_id', 'dev_eui', day]).orderBy('day').orderBy('dev_eui').execute();
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      devEui: r.dev_eui,
      day: Number(r.day),
      messages: Number(r.messages),
      bytes: Number(r.bytes),
    }));
  }
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

function row(d: DownlinkRecord): Insertable<DownlinksTable> {
  return {
    id: d.id,
    tenant_id: d.tenantId,
    terminal_id: d.terminalId,
    dev_eui: d.devEui,
    f_port: d.fPort,
    payload: asBuffer(d.payload),
    confirmed: d.confirmed ? 1 : 0,
    priority: d.priority,
    alarm_id: d.alarmId,
    created_at: d.createdAt,
    expires_at: d.expiresAt,
    state: d.state,
    f_cnt_down: d.fCntDown,
    phy_payload: d.phyPayload === null ? null : asBuffer(d.phyPayload),
    station_id: d.plan?.stationId ?? null,
    contact_start: d.plan?.contactStart ?? null,
    contact_end: d.plan?.contactEnd ?? null,
    plan: d.plan === null ? null : JSON.stringify(d.plan),
    eta: d.eta,
    history: JSON.stringify(d.history),
    version: d.version,
  };
}

function record(r: Selectable<DownlinksTable>): DownlinkRecord {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    terminalId: r.terminal_id,
    devEui: r.dev_eui,
    fPort: Number(r.f_port),
    payload: new Uint8Array(r.payload),
    confirmed: Number(r.confirmed) === 1,
    priority: r.priority,
    alarmId: r.alarm_id,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    state: r.state,
    fCntDown: num(r.f_cnt_down),
    phyPayload: r.phy_payload === null ? null : new Uint8Array(r.phy_payload),
    plan: r.plan === null ? null : (JSON.parse(r.plan) as DownlinkPlan),
    eta: num(r.eta),
    history: JSON.parse(r.history) as DownlinkStep[],
    version: Number(r.version),
  };
}
