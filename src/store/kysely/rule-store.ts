import type { Kysely } from 'kysely';
import { parseRule, type Rule, type RuleState } from '../../rules/index.js';
import { SatiotError } from '../../errors/satiot-error.js';
import type { StoreDatabase } from '../store-schema.js';
import { IDS_PER_QUERY, ROWS_PER_INSERT } from './batch-sizes.js';
import type { StoreContext } from './store-context.js';
import { ruleStateKey, type RuleStore } from '../../core/ports/rule-store.js';

/**
 * Rules and their per-terminal states (`rules`, `rule_states`, migration 4). The RuleStore port
 * over Kysely: the same statements on SQLite and PostgreSQL.
 */
export class KyselyRuleStore implements RuleStore {
  private readonly db: Kysely<StoreDatabase>;

  constructor(private readonly ctx: StoreContext) {
    this.db = ctx.db;
  }

  async save(r: Rule, at: number): Promise<void> {
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
      if (this.ctx.violation(e)?.kind === 'foreign-key')
        throw new SatiotError('TENANT_NOT_FOUND', `No tenant ${r.tenantId}.`, { tenantId: r.tenantId });
      throw e;
    }
  }

  async get(id: string): Promise<Rule | undefined> {
    const r = await this.db.selectFrom('rules').select('body').where('id', '=', id).executeTakeFirst();
    return r && ruleOf(r.body);
  }

  async list(tenantId: string): Promise<Rule[]> {
    const rows = await this.db
      .selectFrom('rules')
      .select('body')
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ruleOf(r.body));
  }

  async delete(id: string): Promise<boolean> {
    // One statement: rule_states go by ON DELETE CASCADE (no transaction on SQLite's shared connection).
    const r = await this.db.deleteFrom('rules').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async getState(ruleId: string, terminalId: string): Promise<RuleState | undefined> {
    return (await this.getStates([{ ruleId, terminalId }])).get(ruleStateKey(ruleId, terminalId));
  }

  async getStates(pairs: ReadonlyArray<{ ruleId: string; terminalId: string }>): Promise<Map<string, RuleState>> {
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

  async saveState(ruleId: string, terminalId: string, state: RuleState): Promise<void> {
    await this.saveStates([{ ruleId, terminalId, state }]);
  }

  async saveStates(states: ReadonlyArray<{ ruleId: string; terminalId: string; state: RuleState }>): Promise<void> {
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
}

/**
 * Rows of rules and alarms hold JSON; reading one back re-validates it (an edited row cannot smuggle in a bad rule).
 */
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
