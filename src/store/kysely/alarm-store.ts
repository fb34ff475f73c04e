import type { Kysely } from 'kysely';
import type { Page } from '../../core/ports/page.js';
import { type Alarm } from '../../rules/index.js';
import { checkLimit, decodeCursor, encodeCursor } from './page-cursor.js';
import type { StoreDatabase } from '../store-schema.js';
import type { StoreContext } from './store-context.js';
import type { AlarmQuery, AlarmStore } from '../../core/ports/alarm-store.js';

/**
 * Alarms (`alarms`, migration 4), kept as JSON with their indexed columns. The AlarmStore port over
 * Kysely: the same statements on SQLite and PostgreSQL.
 */
export class KyselyAlarmStore implements AlarmStore {
  private readonly db: Kysely<StoreDatabase>;

  constructor(private readonly ctx: StoreContext) {
    this.db = ctx.db;
  }

  async getOpen(ruleId: string, terminalId: string): Promise<Alarm | undefined> {
    const r = await this.db
      .selectFrom('alarms')
      .select('body')
      .where('rule_id', '=', ruleId)
      .where('terminal_id', '=', terminalId)
      .where('state', '<>', 'cleared')
      .executeTakeFirst();
    return r && alarmOf(r.body);
  }

  async save(a: Alarm): Promise<void> {
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

  async get(id: string): Promise<Alarm | undefined> {
    const r = await this.db.selectFrom('alarms').select('body').where('id', '=', id).executeTakeFirst();
    return r && alarmOf(r.body);
  }

  async list(q: AlarmQuery): Promise<Page<Alarm>> {
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

function alarmOf(body: string): Alarm {
  return JSON.parse(body) as Alarm;
}
