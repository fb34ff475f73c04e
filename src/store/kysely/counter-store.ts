import type { Kysely } from 'kysely';
import type { TerminalCounters } from '../../core/model.js';
import { toCounters } from '../row-mapping.js';
import type { StoreDatabase } from '../store-schema.js';
import type { StoreContext } from './store-context.js';
import type { CounterStore } from '../../core/ports/counter-store.js';

/**
 * Frame counters (`terminal_counters`): read and reset here, written by the ingest transaction. The
 * CounterStore port over Kysely: the same statements on SQLite and PostgreSQL.
 */
export class KyselyCounterStore implements CounterStore {
  private readonly db: Kysely<StoreDatabase>;

  constructor(private readonly ctx: StoreContext) {
    this.db = ctx.db;
  }

  async get(terminalId: string): Promise<TerminalCounters | undefined> {
    const row = await this.query().where('t.id', '=', terminalId).executeTakeFirst();
    return row && toCounters(row);
  }

  async listAll(): Promise<TerminalCounters[]> {
    const rows = await this.query().orderBy('t.id').execute();
    return rows.map(toCounters);
  }

  private query() {
    return this.db
      .selectFrom('terminal_counters as c')
      .innerJoin('terminals as t', 't.seq', 'c.terminal_seq')
      .select(['t.id as terminal_id', 'c.f_cnt_up_top', 'c.window_bits', 'c.f_cnt_down', 'c.version', 'c.up_epoch']);
  }

  async resetUplink(terminalId: string): Promise<TerminalCounters | undefined> {
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
      (await this.get(terminalId)) ?? {
        terminalId,
        fCntUpTop: -1,
        windowBits: '',
        fCntDown: 0,
        version: -1,
        upEpoch: 0,
      }
    );
  }
}
