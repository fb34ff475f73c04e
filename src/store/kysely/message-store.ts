import { sql, type Kysely } from 'kysely';
import type { MessageDecode, MessageWithReceptions, Reception, ReportedPosition } from '../../core/model.js';
import type { Page, UsageRow } from '../../core/ports/page.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { parseMessageId, type MessageKey } from '../message-key.js';
import { checkLimit, decodeCursor, encodeCursor } from './page-cursor.js';
import { messageDecodeRow, toMessage, toMessageDecode, toReception, type MessageRow } from '../row-mapping.js';
import type { StoreDatabase } from '../store-schema.js';
import { IDS_PER_QUERY, ROWS_PER_INSERT } from './batch-sizes.js';
import type { StoreContext } from './store-context.js';
import type { MessageQuery, MessageStore } from '../../core/ports/message-store.js';

/**
 * Messages with their receptions, decodes and reported positions (`messages`, `receptions`,
 * `message_decodes`, `message_positions`), and uplink usage. The MessageStore port over Kysely: the
 * same statements on SQLite and PostgreSQL.
 */
export class KyselyMessageStore implements MessageStore {
  private readonly db: Kysely<StoreDatabase>;

  constructor(private readonly ctx: StoreContext) {
    this.db = ctx.db;
  }

  async ingestedAt(ids: readonly string[]): Promise<Map<string, number>> {
    return new Map([...(await this.rowsOf(ids))].map(([id, r]) => [id, r.ingestedAt]));
  }

  /** The seq and ingest time of those of `ids` that are stored messages, a few queries for any number. */
  private async rowsOf(ids: Iterable<string>): Promise<Map<string, { seq: number; ingestedAt: number }>> {
    const out = new Map<string, { seq: number; ingestedAt: number }>();
    const keys = new Map<string, MessageKey>();
    for (const id of ids) {
      const k = parseMessageId(id);
      if (k) keys.set(id, k);
    }
    const seqs = await this.ctx.keys.terminalSeqsOf([...keys.values()].map((k) => k.terminalId));
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

  async get(id: string): Promise<MessageWithReceptions | undefined> {
    const key = parseMessageId(id);
    if (!key) return undefined;
    const seq = (await this.ctx.keys.terminalSeqsOf([key.terminalId])).get(key.terminalId);
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
  async list(q: MessageQuery): Promise<Page<MessageWithReceptions>> {
    checkLimit(q.limit);
    let before: (MessageKey & { at: number }) | undefined;
    if (q.cursor !== undefined) {
      const c = decodeCursor('messages', q.cursor);
      const key = parseMessageId(c.id);
      if (!key)
        throw new SatiotError('INVALID_ARGUMENT', 'The cursor is not valid for this listing.', { cursor: q.cursor });
      before = { ...key, at: c.at };
    }
    const terminalSeq = (await this.ctx.keys.terminalSeqsOf([q.terminalId])).get(q.terminalId);
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
    const rows = await this.rowsOf(ps.map((p) => p.messageId));
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

  async saveDecode(d: MessageDecode): Promise<void> {
    const missing = await this.saveDecodes([d]);
    if (missing.length > 0)
      throw new SatiotError('MESSAGE_NOT_FOUND', `No message ${d.messageId}.`, { messageId: d.messageId });
  }

  async saveDecodes(ds: readonly MessageDecode[]): Promise<string[]> {
    const rows = await this.rowsOf(ds.map((d) => d.messageId));
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
}

function withPosition(m: MessageWithReceptions, reportedPosition: ReportedPosition | undefined): MessageWithReceptions {
  return reportedPosition ? { ...m, reportedPosition } : m;
}

function withDecode(m: MessageWithReceptions, decode: MessageDecode | undefined): MessageWithReceptions {
  return decode ? { ...m, decode } : m;
}
