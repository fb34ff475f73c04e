import type { Kysely } from 'kysely';
import type {
  Decision,
  DecisionAction,
  DecisionPolicy,
  DecisionQuery,
  DecisionState,
  DecisionStore,
} from '../../core/ports/decision-store.js';
import type { Page } from '../../core/ports/page.js';
import type { StoreDatabase } from '../store-schema.js';
import { checkLimit, decodeCursor, encodeCursor } from './page-cursor.js';

/** Columns of migration 16 (model_id: 17). */
interface DecisionRow {
  id: string;
  tenant_id: string;
  terminal_id: string;
  dev_eui: string;
  rule_id: string;
  alarm_id: string;
  action: string;
  inputs: string;
  model: string;
  model_id: string | null;
  confidence: number;
  policy: string;
  state: string;
  created_at: number;
  decided_by: string | null;
  decided_at: number | null;
  reason: string | null;
  undone_by: string | null;
  undone_at: number | null;
  version: number;
}

interface DecisionTables {
  decisions: DecisionRow;
  decision_policies: { tenant_id: string; policy: string; updated_at: number };
}

/** Decisions and the tenants' policies, the same single-statement Kysely queries on both backends. */
export class KyselyDecisionStore implements DecisionStore {
  private readonly db: Kysely<DecisionTables>;

  constructor(db: Kysely<StoreDatabase>) {
    this.db = db as unknown as Kysely<DecisionTables>;
  }

  async create(d: Decision): Promise<boolean> {
    const r = await this.db
      .insertInto('decisions')
      .values(toRow(d))
      .onConflict((oc) => oc.column('alarm_id').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async get(id: string): Promise<Decision | undefined> {
    const row = await this.db.selectFrom('decisions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toDecision(row);
  }

  async update(d: Decision, expectedVersion: number): Promise<boolean> {
    const { id: _id, ...rest } = toRow({ ...d, version: expectedVersion + 1 });
    const r = await this.db
      .updateTable('decisions')
      .set(rest)
      .where('id', '=', d.id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async list(q: DecisionQuery): Promise<Page<Decision>> {
    checkLimit(q.limit);
    let query = this.db.selectFrom('decisions').selectAll();
    if (q.tenantId !== undefined) query = query.where('tenant_id', '=', q.tenantId);
    if (q.state !== undefined) query = query.where('state', '=', q.state);
    if (q.cursor !== undefined) {
      const c = decodeCursor('decisions', q.cursor);
      query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(c.at, c.id)));
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute();
    const items = rows.slice(0, q.limit).map(toDecision);
    const last = items[items.length - 1];
    return rows.length > q.limit && last
      ? { items, nextCursor: encodeCursor('decisions', { at: last.createdAt, id: last.id }) }
      : { items };
  }

  async policy(tenantId: string): Promise<DecisionPolicy | undefined> {
    const row = await this.db
      .selectFrom('decision_policies')
      .select('policy')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return row ? (row.policy as DecisionPolicy) : undefined;
  }

  async setPolicy(tenantId: string, policy: DecisionPolicy, at: number): Promise<void> {
    await this.db
      .insertInto('decision_policies')
      .values({ tenant_id: tenantId, policy, updated_at: at })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ policy, updated_at: at }))
      .execute();
  }
}

function toRow(d: Decision): DecisionRow {
  return {
    id: d.id,
    tenant_id: d.tenantId,
    terminal_id: d.terminalId,
    dev_eui: d.devEui,
    rule_id: d.ruleId,
    alarm_id: d.alarmId,
    action: JSON.stringify(d.action),
    inputs: JSON.stringify(d.inputs),
    model: d.model,
    model_id: d.modelId,
    confidence: d.confidence,
    policy: d.policy,
    state: d.state,
    created_at: d.createdAt,
    decided_by: d.decidedBy,
    decided_at: d.decidedAt,
    reason: d.reason,
    undone_by: d.undoneBy,
    undone_at: d.undoneAt,
    version: d.version,
  };
}

function toDecision(r: DecisionRow): Decision {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    terminalId: r.terminal_id,
    devEui: r.dev_eui,
    ruleId: r.rule_id,
    alarmId: r.alarm_id,
    action: JSON.parse(r.action) as DecisionAction,
    inputs: JSON.parse(r.inputs) as Record<string, unknown>,
    model: r.model,
    modelId: r.model_id ?? null,
    confidence: Number(r.confidence),
    policy: r.policy as DecisionPolicy,
    state: r.state as DecisionState,
    createdAt: Number(r.created_at),
    decidedBy: r.decided_by,
    decidedAt: r.decided_at === null ? null : Number(r.decided_at),
    reason: r.reason,
    undoneBy: r.undone_by,
    undoneAt: r.undone_at === null ? null : Number(r.undone_at),
    version: Number(r.version),
  };
}
