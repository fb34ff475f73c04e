import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { LearnedModel, ModelDraft, ModelQuery, ModelStore } from '../../core/ports/model-store.js';
import type { Page } from '../../core/ports/page.js';
import type { StoreDatabase } from '../store-schema.js';
import { checkLimit, decodeCursor, encodeCursor } from './page-cursor.js';

/** Columns of migration 17's learned_models. */
interface ModelRow {
  id: string;
  tenant_id: string;
  subject: string;
  kind: string;
  field: string;
  version: number;
  params: string;
  trained_from: number;
  trained_to: number;
  observations: number;
  created_at: number;
}

/** A version lost to another writer is taken again this many times before giving up. */
const SAVE_ATTEMPTS = 5;

/** Learned models, versioned per series; the same Kysely queries on both backends. */
export class KyselyModelStore implements ModelStore {
  private readonly db: Kysely<{ learned_models: ModelRow }>;

  constructor(db: Kysely<StoreDatabase>) {
    this.db = db as unknown as Kysely<{ learned_models: ModelRow }>;
  }

  async save(m: ModelDraft, at: number): Promise<LearnedModel> {
    const params = JSON.stringify(m.params);
    for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
      const newest = await this.db
        .selectFrom('learned_models')
        .selectAll()
        .where('tenant_id', '=', m.tenantId)
        .where('subject', '=', m.subject)
        .where('kind', '=', m.kind)
        .where('field', '=', m.field)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (
        newest &&
        newest.params === params &&
        Number(newest.trained_from) === m.trainedFrom &&
        Number(newest.trained_to) === m.trainedTo
      )
        return toModel(newest);
      const row: ModelRow = {
        id: randomUUID(),
        tenant_id: m.tenantId,
        subject: m.subject,
        kind: m.kind,
        field: m.field,
        version: (newest ? Number(newest.version) : 0) + 1,
        params,
        trained_from: m.trainedFrom,
        trained_to: m.trainedTo,
        observations: m.observations,
        created_at: at,
      };
      // Another node took this version first: read the newest again (it may be this very fit).
      const r = await this.db
        .insertInto('learned_models')
        .values(row)
        .onConflict((oc) => oc.columns(['tenant_id', 'subject', 'kind', 'field', 'version']).doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0) > 0) return toModel(row);
    }
    throw new Error(
      `could not take a version of model ${m.kind} ${m.field} of ${m.subject} in ${SAVE_ATTEMPTS} attempts`,
    );
  }

  async get(id: string): Promise<LearnedModel | undefined> {
    const row = await this.db.selectFrom('learned_models').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toModel(row);
  }

  async list(q: ModelQuery): Promise<Page<LearnedModel>> {
    checkLimit(q.limit);
    let query = this.db.selectFrom('learned_models').selectAll();
    if (q.tenantId !== undefined) query = query.where('tenant_id', '=', q.tenantId);
    if (q.subject !== undefined) query = query.where('subject', '=', q.subject);
    if (q.kind !== undefined) query = query.where('kind', '=', q.kind);
    if (q.field !== undefined) query = query.where('field', '=', q.field);
    if (q.cursor !== undefined) {
      const c = decodeCursor('models', q.cursor);
      query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(c.at, c.id)));
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute();
    const items = rows.slice(0, q.limit).map(toModel);
    const last = items[items.length - 1];
    return rows.length > q.limit && last
      ? { items, nextCursor: encodeCursor('models', { at: last.createdAt, id: last.id }) }
      : { items };
  }
}

function toModel(r: ModelRow): LearnedModel {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    subject: r.subject,
    kind: r.kind,
    field: r.field,
    version: Number(r.version),
    params: JSON.parse(r.params) as Record<string, unknown>,
    trainedFrom: Number(r.trained_from),
    trainedTo: Number(r.trained_to),
    observations: Number(r.observations),
    createdAt: Number(r.created_at),
  };
}
