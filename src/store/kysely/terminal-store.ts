import { sql, type Kysely } from 'kysely';
import type { TerminalRecord } from '../../core/model.js';
import type { Page } from '../../core/ports/page.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { checkLimit, decodeCursor, encodeCursor } from './page-cursor.js';
import { sqlBool, terminalRow, toTerminal } from '../row-mapping.js';
import type { StoreDatabase } from '../store-schema.js';
import { IDS_PER_QUERY } from './batch-sizes.js';
import type { StoreContext } from './store-context.js';
import type { TerminalChanges, TerminalStore } from '../../core/ports/terminal-store.js';

/**
 * Terminals (`terminals`); a new terminal's surrogate key goes into the store's keys, a deleted
 * one's leaves them. The TerminalStore port over Kysely: the same statements on SQLite and
 * PostgreSQL.
 */
export class KyselyTerminalStore implements TerminalStore {
  private readonly db: Kysely<StoreDatabase>;

  constructor(private readonly ctx: StoreContext) {
    this.db = ctx.db;
  }

  async create(t: TerminalRecord): Promise<void> {
    try {
      const row = await this.db
        .insertInto('terminals')
        .values(terminalRow(this.ctx.caps, t))
        .returning('seq')
        .executeTakeFirstOrThrow();
      this.ctx.keys.terminals.set(t.id, Number(row.seq));
    } catch (e) {
      const v = this.ctx.violation(e);
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

  async createMany(ts: readonly TerminalRecord[]): Promise<void> {
    // Rows per statement: within SQLite's 32,766 bound parameters at ~16 columns a row.
    const ROWS = 500;
    try {
      for (let i = 0; i < ts.length; i += ROWS) {
        const part = ts.slice(i, i + ROWS);
        const rows = await this.db
          .insertInto('terminals')
          .values(part.map((t) => terminalRow(this.ctx.caps, t)))
          .returning(['id', 'seq'])
          .execute();
        for (const r of rows) this.ctx.keys.terminals.set(r.id, Number(r.seq));
      }
    } catch (e) {
      const v = this.ctx.violation(e);
      if (v?.kind === 'unique' && v.key === 'terminals.dev_eui')
        throw new SatiotError('TERMINAL_EXISTS', 'A terminal of the batch has a DevEUI that is already registered.');
      if (v?.kind === 'unique' && v.key === 'terminals.imei')
        throw new SatiotError('TERMINAL_EXISTS', 'A terminal of the batch has an IMEI that is already registered.');
      if (v?.kind === 'foreign-key')
        throw new SatiotError('TENANT_NOT_FOUND', 'A terminal of the batch names no existing tenant.');
      throw e;
    }
  }

  async getByDevEui(devEui: string): Promise<TerminalRecord | undefined> {
    const row = await this.db.selectFrom('terminals').selectAll().where('dev_eui', '=', devEui).executeTakeFirst();
    return row && toTerminal(row);
  }

  async listAll(): Promise<TerminalRecord[]> {
    const rows = await this.db.selectFrom('terminals').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toTerminal);
  }

  async byImei(imei: string): Promise<TerminalRecord | undefined> {
    const row = await this.db.selectFrom('terminals').selectAll().where('imei', '=', imei).executeTakeFirst();
    return row && toTerminal(row);
  }

  async byDevAddr(devAddrs: readonly string[]): Promise<TerminalRecord[]> {
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
  async list(q: { tenantId?: string; limit: number; cursor?: string }): Promise<Page<TerminalRecord>> {
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

  async setEnabled(devEui: string, enabled: boolean): Promise<boolean> {
    const r = await this.db
      .updateTable('terminals')
      .set({ enabled: sqlBool(this.ctx.caps, enabled) })
      .where('dev_eui', '=', devEui)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async delete(devEui: string): Promise<'deleted' | 'not-found' | 'has-messages'> {
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
    // the registration store's table
    await sql`DELETE FROM terminal_registrations WHERE terminal_id = ${t.id}`.execute(this.db);
    await this.db.deleteFrom('terminal_counters').where('terminal_seq', '=', seq).execute();
    await this.db.deleteFrom('terminals').where('seq', '=', seq).execute();
    this.ctx.keys.terminals.delete(t.id);
    this.ctx.keys.forgottenTerminals.add(t.id);
    return 'deleted';
  }

  async update(devEui: string, c: TerminalChanges): Promise<boolean> {
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
    if (Object.keys(set).length === 0) return (await this.getByDevEui(devEui)) !== undefined;
    const r = await this.db.updateTable('terminals').set(set).where('dev_eui', '=', devEui).executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }
}
