import type { Kysely } from 'kysely';
import type {
  Anomaly,
  AnomalyKind,
  AnomalyQuery,
  AnomalyResponse,
  AnomalyStore,
} from '../../core/ports/anomaly-store.js';
import type { Page } from '../../core/ports/page.js';
import type { StoreDatabase } from '../store-schema.js';
import { checkLimit, decodeCursor, encodeCursor } from './page-cursor.js';

/** Columns of migration 11. */
interface AnomalyRow {
  id: string;
  kind: string;
  subject_kind: string;
  subject_id: string;
  tenant_id: string | null;
  score: number;
  evidence: string;
  observed_at: number;
  detected_at: number;
  response: string;
}

interface AnomalyTables {
  anomalies: AnomalyRow;
}

/** Detected anomalies, the same single-statement Kysely queries on both backends. */
export class KyselyAnomalyStore implements AnomalyStore {
  private readonly db: Kysely<AnomalyTables>;

  constructor(db: Kysely<StoreDatabase>) {
    this.db = db as unknown as Kysely<AnomalyTables>;
  }

  async save(a: Anomaly): Promise<void> {
    await this.db
      .insertInto('anomalies')
      .values({
        id: a.id,
        kind: a.kind,
        subject_kind: a.subject.kind,
        subject_id: a.subject.id,
        tenant_id: a.tenantId ?? null,
        score: a.score,
        evidence: JSON.stringify(a.evidence),
        observed_at: a.observedAt,
        detected_at: a.detectedAt,
        response: a.response,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async list(q: AnomalyQuery): Promise<Page<Anomaly>> {
    checkLimit(q.limit);
    let query = this.db.selectFrom('anomalies').selectAll();
    if (q.tenantId !== undefined) query = query.where('tenant_id', '=', q.tenantId);
    if (q.kind !== undefined) query = query.where('kind', '=', q.kind);
    if (q.subjectId !== undefined) query = query.where('subject_id', '=', q.subjectId);
    if (q.from !== undefined) query = query.where('detected_at', '>=', q.from);
    if (q.to !== undefined) query = query.where('detected_at', '<', q.to);
    if (q.cursor !== undefined) {
      const c = decodeCursor('anomalies', q.cursor);
      query = query.where((eb) => eb(eb.refTuple('detected_at', 'id'), '<', eb.tuple(c.at, c.id)));
    }
    const rows = await query
      .orderBy('detected_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute();
    const items = rows.slice(0, q.limit).map(toAnomaly);
    const last = items[items.length - 1];
    return rows.length > q.limit && last
      ? { items, nextCursor: encodeCursor('anomalies', { at: last.detectedAt, id: last.id }) }
      : { items };
  }
}

function toAnomaly(r: AnomalyRow): Anomaly {
  let evidence: Record<string, unknown>;
  try {
    evidence = JSON.parse(r.evidence) as Record<string, unknown>;
  } catch {
    evidence = {};
  }
  return {
    id: r.id,
    kind: r.kind as AnomalyKind,
    subject: { kind: r.subject_kind as 'terminal' | 'station', id: r.subject_id },
    ...(r.tenant_id !== null ? { tenantId: r.tenant_id } : {}),
    score: Number(r.score),
    evidence,
    observedAt: Number(r.observed_at),
    detectedAt: Number(r.detected_at),
    response: r.response as AnomalyResponse,
  };
}
