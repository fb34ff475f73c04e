import type { Database } from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { StoreDatabase } from '../store-schema.js';
import type { AuditCheckpoint, AuditHead, AuditRecord } from '../../core/ports/audit-store.js';
import { auditRow, checkContinues, checkpointRow, KyselyAuditStore, type AuditLogRow } from '../kysely/audit-store.js';

/**
 * SQLite's audit store: an append is one IMMEDIATE transaction on the store's connection (run
 * synchronously, so it never leaves a BEGIN open across an await on the shared connection). The
 * write lock also serialises other processes on the same file.
 */
export class SqliteAuditStore extends KyselyAuditStore {
  /** `exclusive` runs a synchronous transaction while no other holds the store's connection. */
  constructor(
    db: Kysely<StoreDatabase>,
    private readonly sqlite: Database,
    private readonly exclusive: <T>(fn: () => T) => Promise<T>,
  ) {
    super(db);
  }

  async appendChained(
    build: (head: AuditHead) => { records: readonly AuditRecord[]; checkpoint?: AuditCheckpoint },
  ): Promise<AuditHead> {
    const db = this.sqlite;
    const tx = db.transaction((): AuditHead => {
      const h = db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as { seq: number; hash: string };
      const head = { seq: Number(h.seq), hash: h.hash };
      const { records, checkpoint } = build(head);
      checkContinues(head, records);
      const insert =
        db.prepare(`INSERT INTO audit_log (seq, at, actor_kind, actor_id, actor_role, actor_tenant_id, action, target_kind, target_id,
        target_tenant_id, outcome, details, source_ip, tenant_id, alg, hash) VALUES (@seq, @at, @actor_kind, @actor_id, @actor_role, @actor_tenant_id,
        @action, @target_kind, @target_id, @target_tenant_id, @outcome, @details, @source_ip, @tenant_id, @alg, @hash)`);
      for (const r of records) insert.run(auditRow(r) as unknown as Record<string, unknown> & AuditLogRow);
      if (checkpoint) {
        db.prepare(
          'INSERT OR REPLACE INTO audit_checkpoints (seq, hash, at, key_id, sig_alg, signature) VALUES ' +
            '(@seq, @hash, @at, @key_id, @sig_alg, @signature)',
        ).run(checkpointRow(checkpoint));
      }
      const last = records[records.length - 1];
      if (!last) return head;
      db.prepare('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1').run(last.seq, last.hash);
      return { seq: last.seq, hash: last.hash };
    });
    return this.exclusive(() => tx.immediate());
  }

  async prune(seq: number): Promise<number> {
    const db = this.sqlite;
    return this.exclusive(() =>
      db
        .transaction(() => {
          const n = db.prepare('DELETE FROM audit_log WHERE seq <= ?').run(seq).changes;
          db.prepare('DELETE FROM audit_checkpoints WHERE seq < ?').run(seq);
          return n;
        })
        .immediate(),
    );
  }
}
