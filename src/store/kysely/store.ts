import { sql, type Kysely, type Selectable } from 'kysely';
import type {
  ApiKeyRecord,
  GatewayStatus,
  GroundStationRecord,
  MessageDecode,
  TenantQuota,
  MessageWithReceptions,
  Reception,
  RejectionCode,
  SatelliteRecord,
  Tenant,
  TerminalCounters,
  TerminalRecord,
  UserCodecRecord,
  ReportedPosition,
} from '../../core/model.js';
import {
  ruleStateKey,
  type AlarmQuery,
  type IngestWrite,
  type MessageQuery,
  type Page,
  type Store,
  type StoreTx,
  type TerminalChanges,
  type TrafficHours,
  type UsageRow,
} from '../../core/ports/store.js';
import { parseRule, type Alarm, type Rule, type RuleState } from '../../rules/index.js';
import type { DownlinkStore } from '../../core/ports/downlink-store.js';
import { KyselyDownlinkStore } from './downlink-store.js';
import type { DeliveryStore } from '../../core/ports/delivery-store.js';
import { KyselyDeliveryStore } from './delivery-store.js';
import type { RegistrationStore } from '../../core/ports/registration-store.js';
import { KyselyRegistrationStore } from './registration-store.js';
import type { AuditStore } from '../../core/ports/audit-store.js';
import type { AnomalyStore } from '../../core/ports/anomaly-store.js';
import { KyselyAnomalyStore } from './anomaly-store.js';
import type { DecisionStore } from '../../core/ports/decision-store.js';
import { KyselyModelStore } from './model-store.js';
import type { ModelStore } from '../../core/ports/model-store.js';
import { KyselyDecisionStore } from './decision-store.js';
import { KyselyOutboxStore } from './outbox-store.js';
import { KyselyInboxStore } from './inbox-store.js';
import { KyselyDeadLetterStore } from './dead-letter-store.js';
import { KyselyLeaseStore } from './lease-store.js';
import { KyselyNodeStore } from './node-store.js';
import { KyselyLimitStore } from './limit-store.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { parseMessageId, type MessageKey } from '../message-key.js';
import { checkLimit, decodeCursor, encodeCursor } from './page-cursor.js';
import {
  groundStationRow,
  messageDecodeRow,
  sqlBool,
  terminalRow,
  toCounters,
  toGroundStation,
  toMessage,
  toMessageDecode,
  toReception,
  toTenant,
  toTerminal,
  toUserCodec,
  type MessageRow,
} from '../row-mapping.js';
import type { ConstraintViolation, StoreCapabilities } from '../store-capabilities.js';
import type { ApiKeysTable, StoreDatabase } from '../store-schema.js';

/** Largest page a listing returns. */
/** Ids per `IN (…)` list: well under SQLite's and PostgreSQL's bound-parameter limits. */
const IDS_PER_QUERY = 500;
/** Rows per multi-row insert (well inside both backends' limits on bound parameters). */
const ROWS_PER_INSERT = 1000;
/** Rows per satellite upsert (6 parameters each, well under both backends' parameter limits). */
const SATELLITES_PER_QUERY = 100;

/**
 * The Store methods both backends run the same way, as typed Kysely queries. A backend supplies
 * the Kysely instance, its capabilities, its constraint-error reader, and the parts that differ:
 * migrations, the ingest transaction, closing.
 *
 * Every method here is one statement (or reads only). Writes that must commit together go through
 * `atomically()`, which runs them on a view of the store bound to one transaction (transaction-
 * store.ts); on SQLite that transaction holds the one connection, and the synchronous raw
 * transactions (ingest, audit) wait for it like any other query.
 */
export abstract class KyselyStore implements Store {
  abstract readonly backend: 'sqlite' | 'postgres';

  get clusterable(): boolean {
    return this.caps.serverClock;
  }

  /**
   * Terminal id → seq and station id → seq (the integer surrogate keys the other tables reference),
   * filled on create and on demand. Rows are never deleted nor renumbered, so an entry never goes
   * stale; a miss is looked up (another store on the same database may have created the row).
   */
  protected readonly terminalSeqs = new Map<string, number>();
  protected readonly stationSeqs = new Map<string, number>();

  readonly downlinks: DownlinkStore;
  readonly deliveries: DeliveryStore;
  readonly registrations: RegistrationStore;
  /** Backend-specific: each backend serialises appends its own way. */
  abstract readonly audit: AuditStore;
  readonly anomalies: AnomalyStore;
  readonly decisions: DecisionStore;
  readonly models: ModelStore;
  readonly outbox: KyselyOutboxStore;
  readonly inbox: KyselyInboxStore;
  readonly deadLetters: KyselyDeadLetterStore;
  readonly leases: KyselyLeaseStore;
  readonly nodes: KyselyNodeStore;
  readonly limits: KyselyLimitStore;

  protected constructor(
    protected readonly db: Kysely<StoreDatabase>,
    protected readonly caps: StoreCapabilities,
  ) {
    this.downlinks = new KyselyDownlinkStore(db);
    this.deliveries = new KyselyDeliveryStore(db);
    this.registrations = new KyselyRegistrationStore(db);
    this.anomalies = new KyselyAnomalyStore(db);
    this.decisions = new KyselyDecisionStore(db);
    this.models = new KyselyModelStore(db);
    this.outbox = new KyselyOutboxStore(db);
    this.inbox = new KyselyInboxStore(db);
    this.deadLetters = new KyselyDeadLetterStore(db);
    this.leases = new KyselyLeaseStore(db, caps);
    this.nodes = new KyselyNodeStore(db, caps);
    this.limits = new KyselyLimitStore(db);
  }

  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db);
  }

  async atomically<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    let bound: KyselyStore | undefined;
    const out = await this.transaction((trx) => fn((bound = this.bind(trx))));
    // Surrogate keys the transaction looked up or created are known once it committed (a rolled-back
    // insert's seq may be used again by SQLite).
    if (bound) {
      for (const [id, seq] of bound.terminalSeqs) this.terminalSeqs.set(id, seq);
      for (const [id, seq] of bound.stationSeqs) this.stationSeqs.set(id, seq);
      for (const id of bound.forgottenTerminals) this.terminalSeqs.delete(id);
    }
    return out;
  }

  /** Terminals deleted through this store (a transaction's view reports them to its parent on commit). */
  protected readonly forgottenTerminals = new Set<string>();

  /** Runs `fn` in one transaction of this backend on `trx`, a Kysely bound to it. */
  protected abstract transaction<T>(fn: (trx: Kysely<StoreDatabase>) => Promise<T>): Promise<T>;
  /** A view of this store whose queries run on `trx` (transaction-store.ts). */
  protected abstract bind(trx: Kysely<StoreDatabase>): KyselyStore;

  /** The seqs of those of `ids` that are terminals: from the cache, the misses in one query per chunk. */
  protected async terminalSeqsOf(ids: Iterable<string>): Promise<Map<string, number>> {
    return this.seqsOf('terminals', this.terminalSeqs, ids);
  }

  /** The seqs of those of `ids` that are ground stations (as terminalSeqsOf). */
  protected async stationSeqsOf(ids: Iterable<string>): Promise<Map<string, number>> {
    return this.seqsOf('ground_stations', this.stationSeqs, ids);
  }

  private async seqsOf(
    table: 'terminals' | 'ground_stations',
    cache: Map<string, number>,
    ids: Iterable<string>,
  ): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const seq = cache.get(id);
      if (seq !== undefined) out.set(id, seq);
      else missing.push(id);
    }
    for (let i = 0; i < missing.length; i += IDS_PER_QUERY) {
      const rows = await this.db
        .selectFrom(table)
        .select(['id', 'seq'])
        .where('id', 'in', missing.slice(i, i + IDS_PER_QUERY))
        .execute();
      for (const r of rows) {
        cache.set(r.id, Number(r.seq));
        out.set(r.id, Number(r.seq));
      }
    }
    return out;
  }

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
      const row = await this.db
        .insertInto('terminals')
        .values(terminalRow(this.caps, t))
        .returning('seq')
        .executeTakeFirstOrThrow();
      this.terminalSeqs.set(t.id, Number(row.seq));
    } catch (e) {
      const v = this.constraintViolation(e);
      if (v?.kind === 'unique' && v.key === 'terminals.dev_eui') {
        throw new SatiotError('TERMINAL_EXISTS', `A terminal with DevEUI ${t.devEui} is already registered.`, {
          devEui: t.devEui,
        });
      }
      if (v?.kind === 'unique' && v.key === 'terminals.imei') {
        throw new SatiotError('TERMINAL_EXISTS', `A terminal with IMEI ${t.imei} is already registered.`, {
          imei: t.imei,
        });
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

  async createTerminals(ts: readonly TerminalRecord[]): Promise<void> {
    // Rows per statement: within SQLite's 32,766 bound parameters at ~16 columns a row.
    const ROWS = 500;
    try {
      for (let i = 0; i < ts.length; i += ROWS) {
        const part = ts.slice(i, i + ROWS);
        const rows = await this.db
          .insertInto('terminals')
          .values(part.map((t) => terminalRow(this.caps, t)))
          .returning(['id', 'seq'])
          .execute();
        for (const r of rows) this.terminalSeqs.set(r.id, Number(r.seq));
      }
    } catch (e) {
      const v = this.constraintViolation(e);
      if (v?.kind === 'unique' && v.key === 'terminals.dev_eui')
        throw new SatiotError('TERMINAL_EXISTS', 'A terminal of the batch has a DevEUI that is already registered.');
      if (v?.kind === 'unique' && v.key === 'terminals.imei')
        throw new SatiotError('TERMINAL_EXISTS', 'A terminal of the batch has an IMEI that is already registered.');
      if (v?.kind === 'foreign-key')
        throw new SatiotError('TENANT_NOT_FOUND', 'A terminal of the batch names no existing tenant.');
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

  async terminalByImei(imei: string): Promise<TerminalRecord | undefined> {
    const row = await this.db.selectFrom('terminals').selectAll().where('imei', '=', imei).executeTakeFirst();
    return row && toTerminal(row);
  }

  async terminalsByDevAddr(devAddrs: readonly string[]): Promise<TerminalRecord[]> {
    const out: TerminalRecord[] = [];
    for (let i = 0; i < devAddrs.length; i += IDS_PER_QUERY) {
      const rows = await this.db
        .selectFrom('terminals')
        .selectAll()
        .where('dev_addr', 'in', devAddrs.slice(i, i + IDS_PER_QUERY))
        .execute();
      out.push(...rows.map(toTerminal));
    }
    return out;
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
    const rows = await query
      .orderBy('created_at')
      .orderBy('id')
      .limit(q.limit + 1)
      .execute();
    const items = rows.slice(0, q.limit).map(toTerminal);
    const last = items[items.length - 1];
    return rows.length > q.limit && last
      ? { items, nextCursor: encodeCursor('terminals', { at: last.createdAt, id: last.id }) }
      : { items };
  }

  async setTerminalEnabled(devEui: string, enabled: boolean): Promise<boolean> {
    const r = await this.db
      .updateTable('terminals')
      .set({ enabled: sqlBool(this.caps, enabled) })
      .where('dev_eui', '=', devEui)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async deleteTerminal(devEui: string): Promise<'deleted' | 'not-found' | 'has-messages'> {
    const t = await this.db
      .selectFrom('terminals')
      .select(['seq', 'id'])
      .where('dev_eui', '=', devEui)
      .executeTakeFirst();
    if (!t) return 'not-found';
    const seq = Number(t.seq);
    if (await this.db.selectFrom('messages').select('seq').where('terminal_seq', '=', seq).limit(1).executeTakeFirst())
      return 'has-messages';
    // Statement by statement, children first: a message arriving meanwhile makes the last one fail on
    // its foreign key, and the terminal stays (as it should: it has data now).
    await sql`DELETE FROM downlinks WHERE terminal_id = ${t.id}`.execute(this.db); // the downlink store's table
    await this.db.deleteFrom('rule_states').where('terminal_id', '=', t.id).execute();
    await sql`DELETE FROM terminal_registrations WHERE terminal_id = ${t.id}`.execute(this.db); // the registration store's table
    await this.db.deleteFrom('terminal_counters').where('terminal_seq', '=', seq).execute();
    await this.db.deleteFrom('terminals').where('seq', '=', seq).execute();
    this.terminalSeqs.delete(t.id);
    this.forgottenTerminals.add(t.id);
    return 'deleted';
  }

  async updateTerminal(devEui: string, c: TerminalChanges): Promise<boolean> {
    const set = {
      ...(c.profile !== undefined ? { profile: c.profile } : {}),
      ...(c.expectedMessagesPerDay !== undefined ? { expected_messages_per_day: c.expectedMessagesPerDay } : {}),
      ...(c.codec !== undefined ? { codec: c.codec } : {}),
      ...(c.name !== undefined ? { name: c.name } : {}),
      ...(c.location !== undefined
        ? {
            location_lat: c.location?.lat ?? null,
            location_lon: c.location?.lon ?? null,
            location_alt_m: c.location?.altM ?? null,
          }
        : {}),
    };
    if (Object.keys(set).length === 0) return (await this.getTerminalByDevEui(devEui)) !== undefined;
    const r = await this.db.updateTable('terminals').set(set).where('dev_eui', '=', devEui).executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  // ---- counters ------------------------------------------------------------------------------

  async getCounters(terminalId: string): Promise<TerminalCounters | undefined> {
    const row = await this.countersQuery().where('t.id', '=', terminalId).executeTakeFirst();
    return row && toCounters(row);
  }

  async listAllCounters(): Promise<TerminalCounters[]> {
    const rows = await this.countersQuery().orderBy('t.id').execute();
    return rows.map(toCounters);
  }

  private countersQuery() {
    return this.db
      .selectFrom('terminal_counters as c')
      .innerJoin('terminals as t', 't.seq', 'c.terminal_seq')
      .select(['t.id as terminal_id', 'c.f_cnt_up_top', 'c.window_bits', 'c.f_cnt_down', 'c.version', 'c.up_epoch']);
  }

  async resetUplinkCounters(terminalId: string): Promise<TerminalCounters | undefined> {
    const t = await this.db.selectFrom('terminals').select('seq').where('id', '=', terminalId).executeTakeFirst();
    if (!t) return undefined;
    // One statement: a concurrent ingest commit either lands before it (and is reset) or finds the version moved.
    await this.db
      .updateTable('terminal_counters')
      .set((eb) => ({
        f_cnt_up_top: -1,
        window_bits: '',
        up_epoch: eb('up_epoch', '+', 1),
        version: eb('version', '+', 1),
      }))
      .where('terminal_seq', '=', t.seq)
      .execute();
    return (
      (await this.getCounters(terminalId)) ?? {
        terminalId,
        fCntUpTop: -1,
        windowBits: '',
        fCntDown: 0,
        version: -1,
        upEpoch: 0,
      }
    );
  }

  // ---- ground stations -----------------------------------------------------------------------

  async createGroundStation(g: GroundStationRecord): Promise<void> {
    try {
      const row = await this.db
        .insertInto('ground_stations')
        .values(groundStationRow(this.caps, g))
        .returning('seq')
        .executeTakeFirstOrThrow();
      this.stationSeqs.set(g.id, Number(row.seq));
    } catch (e) {
      const v = this.constraintViolation(e);
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

  async getGroundStationByTokenHash(tokenHash: string): Promise<GroundStationRecord | undefined> {
    const row = await this.db
      .selectFrom('ground_stations')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && toGroundStation(row);
  }

  async setGroundStationTokenHash(id: string, tokenHash: string): Promise<boolean> {
    const r = await this.db
      .updateTable('ground_stations')
      .set({ token_hash: tokenHash })
      .where('id', '=', id)
      .where('gateway_eui', 'is', null)
      .where('network', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async listGroundStations(): Promise<GroundStationRecord[]> {
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

  // ---- terrestrial gateways (ground_stations rows with an EUI) --------------------------------

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
    this.stationSeqs.delete(id);
    return 'deleted';
  }

  // ---- satellites ----------------------------------------------------------------------------

  async upsertSatellites(sats: readonly SatelliteRecord[]): Promise<void> {
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

  async listSatellites(): Promise<SatelliteRecord[]> {
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

  // ---- messages ------------------------------------------------------------------------------

  async messageIngestedAt(ids: readonly string[]): Promise<Map<string, number>> {
    return new Map([...(await this.messageRowsOf(ids))].map(([id, r]) => [id, r.ingestedAt]));
  }

  /** The seq and ingest time of those of `ids` that are stored messages, a few queries for any number. */
  private async messageRowsOf(ids: Iterable<string>): Promise<Map<string, { seq: number; ingestedAt: number }>> {
    const out = new Map<string, { seq: number; ingestedAt: number }>();
    const keys = new Map<string, MessageKey>();
    for (const id of ids) {
      const k = parseMessageId(id);
      if (k) keys.set(id, k);
    }
    const seqs = await this.terminalSeqsOf([...keys.values()].map((k) => k.terminalId));
    const terminalOf = new Map([...seqs].map(([id, seq]) => [seq, id]));
    const wanted = [...keys.values()].filter((k) => seqs.has(k.terminalId));
    for (let i = 0; i < wanted.length; i += IDS_PER_QUERY) {
      // Per terminal: terminal_seq = ? AND f_cnt IN (…), OR-ed (both backends use the unique index).
      const byTerminal = new Map<number, number[]>();
      for (const k of wanted.slice(i, i + IDS_PER_QUERY)) {
        const seq = seqs.get(k.terminalId)!;
        const list = byTerminal.get(seq);
        if (list) list.push(k.fCnt);
        else byTerminal.set(seq, [k.fCnt]);
      }
      const rows = await this.db
        .selectFrom('messages')
        .select(['seq', 'terminal_seq', 'f_cnt', 'ingested_at'])
        .where((eb) =>
          eb.or(
            [...byTerminal].map(([seq, fCnts]) => eb.and([eb('terminal_seq', '=', seq), eb('f_cnt', 'in', fCnts)])),
          ),
        )
        .execute();
      for (const r of rows)
        out.set(`${terminalOf.get(Number(r.terminal_seq))!}.${Number(r.f_cnt)}`, {
          seq: Number(r.seq),
          ingestedAt: Number(r.ingested_at),
        });
    }
    return out;
  }

  async getMessage(id: string): Promise<MessageWithReceptions | undefined> {
    const key = parseMessageId(id);
    if (!key) return undefined;
    const seq = (await this.terminalSeqsOf([key.terminalId])).get(key.terminalId);
    if (seq === undefined) return undefined;
    const row = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('terminal_seq', '=', seq)
      .where('f_cnt', '=', key.fCnt)
      .executeTakeFirst();
    if (!row) return undefined;
    const m = toMessage({ ...row, terminal_id: key.terminalId });
    const ref = [{ seq: Number(row.seq), id: m.id }];
    const [receptions, decodes, positions] = [
      await this.receptionsOf(ref),
      await this.decodesOf(ref),
      await this.positionsOf(ref),
    ];
    return withDecode(
      withPosition({ ...m, receptions: receptions.get(Number(row.seq)) ?? [] }, positions.get(Number(row.seq))),
      decodes.get(Number(row.seq)),
    );
  }

  /** Newest first: by capturedAt, then fCnt (within one terminal, the id's order), both descending. */
  async listMessages(q: MessageQuery): Promise<Page<MessageWithReceptions>> {
    checkLimit(q.limit);
    let before: (MessageKey & { at: number }) | undefined;
    if (q.cursor !== undefined) {
      const c = decodeCursor('messages', q.cursor);
      const key = parseMessageId(c.id);
      if (!key)
        throw new SatiotError('INVALID_ARGUMENT', 'The cursor is not valid for this listing.', { cursor: q.cursor });
      before = { ...key, at: c.at };
    }
    const terminalSeq = (await this.terminalSeqsOf([q.terminalId])).get(q.terminalId);
    if (terminalSeq === undefined) return { items: [] };
    let query = this.db.selectFrom('messages').selectAll().where('terminal_seq', '=', terminalSeq);
    if (q.from !== undefined) query = query.where('captured_at', '>=', q.from);
    if (q.to !== undefined) query = query.where('captured_at', '<=', q.to);
    if (q.fPort !== undefined) query = query.where('f_port', '=', q.fPort);
    if (before !== undefined) {
      const b = before;
      query = query.where((eb) => eb(eb.refTuple('captured_at', 'f_cnt'), '<', eb.tuple(b.at, b.fCnt)));
    }
    const rows: MessageRow[] = (
      await query
        .orderBy('captured_at', 'desc')
        .orderBy('f_cnt', 'desc')
        .limit(q.limit + 1)
        .execute()
    ).map((r) => ({ ...r, terminal_id: q.terminalId }));
    const page = rows.slice(0, q.limit).map((r) => ({ seq: Number(r.seq), m: toMessage(r) }));
    const refs = page.map((p) => ({ seq: p.seq, id: p.m.id }));
    const [receptions, decodes, positions] = [
      await this.receptionsOf(refs),
      await this.decodesOf(refs),
      await this.positionsOf(refs),
    ];
    const items = page.map((p) =>
      withDecode(
        withPosition({ ...p.m, receptions: receptions.get(p.seq) ?? [] }, positions.get(p.seq)),
        decodes.get(p.seq),
      ),
    );
    const last = items[items.length - 1];
    return rows.length > q.limit && last
      ? { items, nextCursor: encodeCursor('messages', { at: last.capturedAt, id: last.id }) }
      : { items };
  }

  /** Receptions of the messages (by seq), each list ordered by receivedAt. */
  private async receptionsOf(messages: ReadonlyArray<{ seq: number; id: string }>): Promise<Map<number, Reception[]>> {
    const out = new Map<number, Reception[]>();
    const idOf = new Map(messages.map((m) => [m.seq, m.id]));
    const seqs = [...idOf.keys()];
    for (let i = 0; i < seqs.length; i += IDS_PER_QUERY) {
      const rows = await this.db
        .selectFrom('receptions as r')
        .innerJoin('ground_stations as g', 'g.seq', 'r.station_seq')
        .selectAll('r')
        .select(['g.id as station_id', 'g.gateway_eui'])
        .where('r.message_seq', 'in', seqs.slice(i, i + IDS_PER_QUERY))
        .orderBy('r.received_at')
        .orderBy('g.id')
        .orderBy('r.satellite_id')
        .orderBy('r.captured_at')
        .execute();
      for (const r of rows) {
        const seq = Number(r.message_seq);
        const reception = toReception(idOf.get(seq)!, r);
        const list = out.get(seq);
        if (list) list.push(reception);
        else out.set(seq, [reception]);
      }
    }
    return out;
  }

  async trafficByHour(fromHour: number, toHour: number): Promise<TrafficHours> {
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

  /** Decodes of the messages (by seq). */
  private async decodesOf(messages: ReadonlyArray<{ seq: number; id: string }>): Promise<Map<number, MessageDecode>> {
    const out = new Map<number, MessageDecode>();
    const idOf = new Map(messages.map((m) => [m.seq, m.id]));
    const seqs = [...idOf.keys()];
    for (let i = 0; i < seqs.length; i += IDS_PER_QUERY) {
      const rows = await this.db
        .selectFrom('message_decodes')
        .selectAll()
        .where('message_seq', 'in', seqs.slice(i, i + IDS_PER_QUERY))
        .execute();
      for (const r of rows) out.set(Number(r.message_seq), toMessageDecode(idOf.get(Number(r.message_seq))!, r));
    }
    return out;
  }

  /** Reported positions of the messages (by seq). */
  private async positionsOf(messages: ReadonlyArray<{ seq: number }>): Promise<Map<number, ReportedPosition>> {
    const out = new Map<number, ReportedPosition>();
    const seqs = messages.map((m) => m.seq);
    for (let i = 0; i < seqs.length; i += IDS_PER_QUERY) {
      const rows = await this.db
        .selectFrom('message_positions')
        .selectAll()
        .where('message_seq', 'in', seqs.slice(i, i + IDS_PER_QUERY))
        .execute();
      for (const r of rows)
        out.set(Number(r.message_seq), {
          lat: Number(r.lat),
          lon: Number(r.lon),
          cepKm: Number(r.cep_km),
          source: 'iridium',
        });
    }
    return out;
  }

  async saveReportedPositions(
    ps: ReadonlyArray<{ readonly messageId: string; readonly position: ReportedPosition }>,
  ): Promise<string[]> {
    const rows = await this.messageRowsOf(ps.map((p) => p.messageId));
    const missing: string[] = [];
    const values = new Map<number, { message_seq: number; lat: number; lon: number; cep_km: number; source: string }>();
    for (const { messageId, position: p } of ps) {
      const row = rows.get(messageId);
      if (row) values.set(row.seq, { message_seq: row.seq, lat: p.lat, lon: p.lon, cep_km: p.cepKm, source: p.source });
      else missing.push(messageId);
    }
    const list = [...values.values()];
    for (let i = 0; i < list.length; i += ROWS_PER_INSERT) {
      await this.db
        .insertInto('message_positions')
        .values(list.slice(i, i + ROWS_PER_INSERT))
        .onConflict((oc) =>
          oc.column('message_seq').doUpdateSet((eb) => ({
            lat: eb.ref('excluded.lat'),
            lon: eb.ref('excluded.lon'),
            cep_km: eb.ref('excluded.cep_km'),
            source: eb.ref('excluded.source'),
          })),
        )
        .execute();
    }
    return missing;
  }

  // ---- decoded payloads and user codecs --------------------------------------------------------

  async saveDecode(d: MessageDecode): Promise<void> {
    const missing = await this.saveDecodes([d]);
    if (missing.length > 0)
      throw new SatiotError('MESSAGE_NOT_FOUND', `No message ${d.messageId}.`, { messageId: d.messageId });
  }

  async saveDecodes(ds: readonly MessageDecode[]): Promise<string[]> {
    const rows = await this.messageRowsOf(ds.map((d) => d.messageId));
    const missing: string[] = [];
    // The last decode of a message wins, as it would one statement after the other.
    const values = new Map<number, ReturnType<typeof messageDecodeRow>>();
    for (const d of ds) {
      const row = rows.get(d.messageId);
      if (row) values.set(row.seq, messageDecodeRow(row.seq, d));
      else missing.push(d.messageId);
    }
    const list = [...values.values()];
    for (let i = 0; i < list.length; i += ROWS_PER_INSERT) {
      await this.db
        .insertInto('message_decodes')
        .values(list.slice(i, i + ROWS_PER_INSERT))
        .onConflict((oc) =>
          oc.column('message_seq').doUpdateSet((eb) => ({
            codec: eb.ref('excluded.codec'),
            decoded: eb.ref('excluded.decoded'),
            error_code: eb.ref('excluded.error_code'),
            error_message: eb.ref('excluded.error_message'),
            decoded_at: eb.ref('excluded.decoded_at'),
          })),
        )
        .execute();
    }
    return missing;
  }

  async createUserCodec(c: UserCodecRecord): Promise<void> {
    try {
      await this.db
        .insertInto('user_codecs')
        .values({ id: c.id, tenant_id: c.tenantId, name: c.name, script: c.script, created_at: c.createdAt })
        .execute();
    } catch (e) {
      const v = this.constraintViolation(e);
      if (v?.kind === 'unique')
        throw new SatiotError('INVALID_ARGUMENT', `The tenant already has a codec named ${c.name}.`, { name: c.name });
      if (v?.kind === 'foreign-key')
        throw new SatiotError('TENANT_NOT_FOUND', `No tenant ${c.tenantId}.`, { tenantId: c.tenantId });
      throw e;
    }
  }

  async getUserCodec(id: string): Promise<UserCodecRecord | undefined> {
    const r = await this.db.selectFrom('user_codecs').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toUserCodec(r);
  }

  async listUserCodecs(tenantId: string): Promise<UserCodecRecord[]> {
    const rows = await this.db
      .selectFrom('user_codecs')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('name')
      .execute();
    return rows.map(toUserCodec);
  }

  // ---- rules and alarms ------------------------------------------------------------------------

  async saveRule(r: Rule, at: number): Promise<void> {
    const body = JSON.stringify(r);
    try {
      await this.db
        .insertInto('rules')
        .values({ id: r.id, tenant_id: r.tenantId, body, created_at: at, updated_at: at })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({ body, updated_at: at }).where('rules.tenant_id', '=', r.tenantId),
        )
        .execute();
    } catch (e) {
      if (this.constraintViolation(e)?.kind === 'foreign-key')
        throw new SatiotError('TENANT_NOT_FOUND', `No tenant ${r.tenantId}.`, { tenantId: r.tenantId });
      throw e;
    }
  }

  async getRule(id: string): Promise<Rule | undefined> {
    const r = await this.db.selectFrom('rules').select('body').where('id', '=', id).executeTakeFirst();
    return r && ruleOf(r.body);
  }

  async listRules(tenantId: string): Promise<Rule[]> {
    const rows = await this.db
      .selectFrom('rules')
      .select('body')
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ruleOf(r.body));
  }

  async deleteRule(id: string): Promise<boolean> {
    // One statement: rule_states go by ON DELETE CASCADE (no transaction on SQLite's shared connection).
    const r = await this.db.deleteFrom('rules').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async getRuleState(ruleId: string, terminalId: string): Promise<RuleState | undefined> {
    return (await this.getRuleStates([{ ruleId, terminalId }])).get(ruleStateKey(ruleId, terminalId));
  }

  async getRuleStates(pairs: ReadonlyArray<{ ruleId: string; terminalId: string }>): Promise<Map<string, RuleState>> {
    const out = new Map<string, RuleState>();
    const wanted = new Set(pairs.map((p) => ruleStateKey(p.ruleId, p.terminalId)));
    const rules = [...new Set(pairs.map((p) => p.ruleId))];
    const terminals = [...new Set(pairs.map((p) => p.terminalId))];
    // terminal_id IN (…) AND rule_id IN (…): one index range per terminal; pairs not asked for (a rule
    // that does not apply to a terminal has no state anyway) are dropped here.
    for (let i = 0; i < terminals.length; i += IDS_PER_QUERY) {
      const rows = await this.db
        .selectFrom('rule_states')
        .select(['rule_id', 'terminal_id', 'state'])
        .where('terminal_id', 'in', terminals.slice(i, i + IDS_PER_QUERY))
        .where('rule_id', 'in', rules)
        .execute();
      for (const r of rows) {
        const key = ruleStateKey(r.rule_id, r.terminal_id);
        if (wanted.has(key)) out.set(key, JSON.parse(r.state) as RuleState);
      }
    }
    return out;
  }

  async saveRuleState(ruleId: string, terminalId: string, state: RuleState): Promise<void> {
    await this.saveRuleStates([{ ruleId, terminalId, state }]);
  }

  async saveRuleStates(states: ReadonlyArray<{ ruleId: string; terminalId: string; state: RuleState }>): Promise<void> {
    const rows = new Map<string, { rule_id: string; terminal_id: string; state: string }>();
    for (const s of states)
      rows.set(ruleStateKey(s.ruleId, s.terminalId), {
        rule_id: s.ruleId,
        terminal_id: s.terminalId,
        state: JSON.stringify(s.state),
      });
    const list = [...rows.values()];
    for (let i = 0; i < list.length; i += ROWS_PER_INSERT) {
      await this.db
        .insertInto('rule_states')
        .values(list.slice(i, i + ROWS_PER_INSERT))
        .onConflict((oc) =>
          oc.columns(['rule_id', 'terminal_id']).doUpdateSet((eb) => ({ state: eb.ref('excluded.state') })),
        )
        .execute();
    }
  }

  async getOpenAlarm(ruleId: string, terminalId: string): Promise<Alarm | undefined> {
    const r = await this.db
      .selectFrom('alarms')
      .select('body')
      .where('rule_id', '=', ruleId)
      .where('terminal_id', '=', terminalId)
      .where('state', '<>', 'cleared')
      .executeTakeFirst();
    return r && alarmOf(r.body);
  }

  async saveAlarm(a: Alarm): Promise<void> {
    const row = {
      id: a.id,
      tenant_id: a.tenantId,
      rule_id: a.ruleId,
      terminal_id: a.terminalId,
      dev_eui: a.devEui,
      severity: a.severity,
      state: a.state,
      raised_at: a.raisedAt,
      body: JSON.stringify(a),
    };
    await this.db
      .insertInto('alarms')
      .values(row)
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet({ severity: row.severity, state: row.state, raised_at: row.raised_at, body: row.body }),
      )
      .execute();
  }

  async getAlarm(id: string): Promise<Alarm | undefined> {
    const r = await this.db.selectFrom('alarms').select('body').where('id', '=', id).executeTakeFirst();
    return r && alarmOf(r.body);
  }

  // ---- usage ---------------------------------------------------------------------------------

  async uplinkUsage(q: { tenantId?: string; terminalId?: string; from: number; to: number }): Promise<UsageRow[]> {
    // Integer division is the day in both SQLite and PostgreSQL (bigint / integer).
    const day = sql<number>`m.ingested_at / 86400000`;
    let query = this.db
      .selectFrom('messages as m')
      .innerJoin('terminals as t', 't.seq', 'm.terminal_seq')
      .select([
        't.tenant_id',
        't.dev_eui',
        day.as('day'),
        (eb) => eb.fn.countAll<number>().as('messages'),
        sql<number>`sum(length(m.payload))`.as('bytes'),
      ])
      .where('m.ingested_at', '>=', q.from)
      .where('m.ingested_at', '<', q.to);
    if (q.tenantId !== undefined) query = query.where('t.tenant_id', '=', q.tenantId);
    if (q.terminalId !== undefined) query = query.where('t.id', '=', q.terminalId);
    const rows = await query.groupBy(['t.tenant_id', 't.dev_eui', day]).orderBy('day').orderBy('t.dev_eui').execute();
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      devEui: r.dev_eui,
      day: Number(r.day),
      messages: Number(r.messages),
      bytes: Number(r.bytes),
    }));
  }

  // ---- quotas --------------------------------------------------------------------------------

  async getQuota(tenantId: string): Promise<TenantQuota | undefined> {
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

  async saveQuota(q: TenantQuota): Promise<void> {
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
      if (this.constraintViolation(e)?.kind === 'foreign-key')
        throw new SatiotError('TENANT_NOT_FOUND', `No tenant ${q.tenantId}.`, { tenantId: q.tenantId });
      throw e;
    }
  }

  // ---- API keys ------------------------------------------------------------------------------

  async createApiKey(k: ApiKeyRecord): Promise<void> {
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
      if (this.constraintViolation(e)?.kind === 'foreign-key')
        throw new SatiotError('TENANT_NOT_FOUND', `No tenant ${k.tenantId}.`, { tenantId: k.tenantId });
      throw e;
    }
  }

  async getApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const r = await this.db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
    return r && toApiKey(r);
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    const r = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toApiKey(r);
  }

  async listApiKeys(tenantId?: string): Promise<ApiKeyRecord[]> {
    let q = this.db.selectFrom('api_keys').selectAll();
    if (tenantId !== undefined) q = q.where('tenant_id', '=', tenantId);
    return (await q.orderBy('created_at').orderBy('id').execute()).map(toApiKey);
  }

  async revokeApiKey(id: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async listAlarms(q: AlarmQuery): Promise<Page<Alarm>> {
    checkLimit(q.limit);
    let query = this.db.selectFrom('alarms').select(['id', 'raised_at', 'body']);
    if (q.tenantId !== undefined) query = query.where('tenant_id', '=', q.tenantId);
    if (q.devEui !== undefined) query = query.where('dev_eui', '=', q.devEui);
    if (q.severity !== undefined) query = query.where('severity', '=', q.severity);
    if (q.state === 'open') query = query.where('state', '<>', 'cleared');
    else if (q.state !== undefined) query = query.where('state', '=', q.state);
    if (q.cursor !== undefined) {
      const c = decodeCursor('alarms', q.cursor);
      query = query.where((eb) => eb(eb.refTuple('raised_at', 'id'), '<', eb.tuple(c.at, c.id)));
    }
    const rows = await query
      .orderBy('raised_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute();
    const items = rows.slice(0, q.limit).map((r) => alarmOf(r.body));
    const last = items[items.length - 1];
    return rows.length > q.limit && last
      ? { items, nextCursor: encodeCursor('alarms', { at: last.raisedAt, id: last.id }) }
      : { items };
  }
}

/** Rows of rules and alarms hold JSON; reading one back re-validates it (an edited row cannot smuggle in a bad rule). */
/**
 * A stored rule, parsed again. A stored body that no longer parses is the store's fault, not the
 * caller's: it surfaces as an internal error (500, logged in full), never as the caller's RULE_INVALID.
 */
function ruleOf(body: string): Rule {
  try {
    return parseRule(body);
  } catch (e) {
    throw new Error(`a stored rule no longer parses: ${(e as Error).message}`, { cause: e });
  }
}

function alarmOf(body: string): Alarm {
  return JSON.parse(body) as Alarm;
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

function withPosition(m: MessageWithReceptions, reportedPosition: ReportedPosition | undefined): MessageWithReceptions {
  return reportedPosition ? { ...m, reportedPosition } : m;
}

function withDecode(m: MessageWithReceptions, decode: MessageDecode | undefined): MessageWithReceptions {
  return decode ? { ...m, decode } : m;
}
