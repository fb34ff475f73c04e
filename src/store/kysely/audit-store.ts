import type { Kysely } from 'kysely';
import type { AuditActorKind, AuditOutcome } from '../../core/ports/audit-log.js';
import type {
  AuditCheckpoint,
  AuditHashAlg,
  AuditHead,
  AuditQuery,
  AuditRecord,
  AuditStore,
} from '../../core/ports/audit-store.js';
import type { Page } from '../../core/ports/page.js';
import { decodeCursor, encodeCursor, MAX_PAGE_SIZE } from './page-cursor.js';
import { SatiotError } from '../../errors/satiot-error.js';
import type { StoreDatabase } from '../store-schema.js';

/** Columns of migration 10 ({sqlite,postgres}/migrations/010-audit.ts). */
export interface AuditLogRow {
  seq: number;
  at: number;
  actor_kind: string;
  actor_id: string | null;
  actor_role: string | null;
  actor_tenant_id: string | null;
  action: string;
  target_kind: string | null;
  target_id: string | null;
  target_tenant_id: string | null;
  outcome: string;
  details: string | null;
  source_ip: string | null;
  tenant_id: string | null;
  alg: string;
  hash: string;
}

export interface AuditCheckpointRow {
  seq: number;
  hash: string;
  at: number;
  key_id: string;
  sig_alg: string;
  signature: string;
}

export interface AuditTables {
  audit_log: AuditLogRow;
  audit_checkpoints: AuditCheckpointRow;
  audit_head: { id: number; seq: number; hash: string };
}

/** The row of a record; `details` as JSON text (the record's details are JSON-safe by then). */
export function auditRow(r: AuditRecord): AuditLogRow {
  return {
    seq: r.seq,
    at: r.at,
    actor_kind: r.actor.kind,
    actor_id: r.actor.id ?? null,
    actor_role: r.actor.role ?? null,
    actor_tenant_id: r.actor.tenantId ?? null,
    action: r.action,
    target_kind: r.target?.kind ?? null,
    target_id: r.target?.id ?? null,
    target_tenant_id: r.target?.tenantId ?? null,
    outcome: r.outcome,
    details: r.details === undefined ? null : JSON.stringify(r.details),
    source_ip: r.sourceIp ?? null,
    tenant_id: r.tenantId ?? null,
    alg: r.alg,
    hash: r.hash,
  };
}

/**
 * A row read back as a record, as stored: nothing is validated here (the verifier recomputes the
 * hash over exactly what it reads). Unparseable details come back as `{ unparseable: text }`, so
 * an edited row still reaches the verifier and fails there.
 */
export function toAuditRecord(r: AuditLogRow): AuditRecord {
  let details: Record<string, unknown> | undefined;
  if (r.details !== null) {
    try {
      details = JSON.parse(r.details) as Record<string, unknown>;
    } catch {
      details = { unparseable: r.details };
    }
  }
  return {
    seq: Number(r.seq),
    at: Number(r.at),
    actor: {
      kind: r.actor_kind as AuditActorKind,
      ...(r.actor_id !== null ? { id: r.actor_id } : {}),
      ...(r.actor_role !== null ? { role: r.actor_role } : {}),
      ...(r.actor_tenant_id !== null ? { tenantId: r.actor_tenant_id } : {}),
    },
    action: r.action,
    ...(r.target_kind !== null || r.target_id !== null
      ? {
          target: {
            kind: r.target_kind ?? '',
            id: r.target_id ?? '',
            ...(r.target_tenant_id !== null ? { tenantId: r.target_tenant_id } : {}),
          },
        }
      : {}),
    outcome: r.outcome as AuditOutcome,
    ...(details !== undefined ? { details } : {}),
    ...(r.source_ip !== null ? { sourceIp: r.source_ip } : {}),
    ...(r.tenant_id !== null ? { tenantId: r.tenant_id } : {}),
    alg: r.alg as AuditHashAlg,
    hash: r.hash,
  };
}

export function toCheckpoint(r: AuditCheckpointRow): AuditCheckpoint {
  return {
    seq: Number(r.seq),
    hash: r.hash,
    at: Number(r.at),
    keyId: r.key_id,
    sigAlg: r.sig_alg,
    signature: r.signature,
  };
}

export function checkpointRow(c: AuditCheckpoint): AuditCheckpointRow {
  return { seq: c.seq, hash: c.hash, at: c.at, key_id: c.keyId, sig_alg: c.sigAlg, signature: c.signature };
}

/** Records must continue the head without a gap: anything else is a writer bug, refused before it is written. */
export function checkContinues(head: AuditHead, records: readonly AuditRecord[]): void {
  records.forEach((r, i) => {
    if (r.seq !== head.seq + 1 + i)
      throw new Error(`audit append: record seq ${r.seq} does not continue the chain at ${head.seq + i}`);
  });
}

/**
 * The audit store's reads, shared by both backends as Kysely queries; each backend supplies the
 * append transaction and pruning (SQLite's synchronously on its one connection, PostgreSQL's with
 * the head row locked).
 */
export abstract class KyselyAuditStore implements AuditStore {
  protected readonly db: Kysely<AuditTables>;

  constructor(db: Kysely<StoreDatabase>) {
    this.db = db as unknown as Kysely<AuditTables>;
  }

  abstract appendChained(
    build: (head: AuditHead) => { records: readonly AuditRecord[]; checkpoint?: AuditCheckpoint },
  ): Promise<AuditHead>;
  abstract prune(seq: number): Promise<number>;

  async head(): Promise<AuditHead> {
    const r = await this.db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
    return r ? { seq: Number(r.seq), hash: r.hash } : { seq: 0, hash: '0'.repeat(64) };
  }

  async range(fromSeq: number, limit: number): Promise<AuditRecord[]> {
    const rows = await this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', fromSeq)
      .orderBy('seq', 'asc')
      .limit(limit)
      .execute();
    return rows.map(toAuditRecord);
  }

  async seqRange(from: number, to: number): Promise<{ first: number; last: number } | undefined> {
    const r = await this.db
      .selectFrom('audit_log')
      .select((eb) => [eb.fn.min('seq').as('first'), eb.fn.max('seq').as('last')])
      .where('at', '>=', from)
      .where('at', '<', to)
      .executeTakeFirst();
    return r && r.first !== null && r.last !== null ? { first: Number(r.first), last: Number(r.last) } : undefined;
  }

  async firstSeq(): Promise<number | undefined> {
    const r = await this.db.selectFrom('audit_log').select('seq').orderBy('seq', 'asc').limit(1).executeTakeFirst();
    return r ? Number(r.seq) : undefined;
  }

  async checkpoints(fromSeq = 0, toSeq = Number.MAX_SAFE_INTEGER): Promise<AuditCheckpoint[]> {
    const rows = await this.db
      .selectFrom('audit_checkpoints')
      .selectAll()
      .where('seq', '>=', fromSeq)
      .where('seq', '<=', toSeq)
      .orderBy('seq', 'asc')
      .execute();
    return rows.map(toCheckpoint);
  }

  async lastCheckpointBefore(at: number): Promise<AuditCheckpoint | undefined> {
    const r = await this.db
      .selectFrom('audit_checkpoints')
      .selectAll()
      .where('at', '<', at)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r ? toCheckpoint(r) : undefined;
  }

  async list(q: AuditQuery): Promise<Page<AuditRecord>> {
    if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_PAGE_SIZE)
      throw new SatiotError('INVALID_ARGUMENT', `limit is 1 to ${MAX_PAGE_SIZE}`, { limit: q.limit });
    let query = this.db.selectFrom('audit_log').selectAll();
    if (q.tenantId !== undefined) query = query.where('tenant_id', '=', q.tenantId);
    if (q.from !== undefined) query = query.where('at', '>=', q.from);
    if (q.to !== undefined) query = query.where('at', '<', q.to);
    if (q.outcome !== undefined) query = query.where('outcome', '=', q.outcome);
    if (q.action !== undefined) {
      if (q.action.endsWith('.')) {
        const prefix = q.action;
        // A prefix compared as a range (no LIKE: '%' and '_' in the input stay literal).
        query = query.where('action', '>=', prefix).where('action', '<', `${prefix.slice(0, -1)}/`);
      } else {
        query = query.where('action', '=', q.action);
      }
    }
    if (q.cursor !== undefined) query = query.where('seq', '<', decodeCursor('audit', q.cursor).at);
    const rows = await query
      .orderBy('seq', 'desc')
      .limit(q.limit + 1)
      .execute();
    const items = rows.slice(0, q.limit).map(toAuditRecord);
    const last = items[items.length - 1];
    return rows.length > q.limit && last
      ? { items, nextCursor: encodeCursor('audit', { at: last.seq, id: '' }) }
      : { items };
  }
}
