import { sql, type Kysely } from 'kysely';
import type { AuditCheckpoint, AuditHead, AuditRecord } from '../../core/ports/audit-store.js';
import { auditRow, checkContinues, checkpointRow, KyselyAuditStore, type AuditTables } from '../kysely/audit-store.js';

/**
 * PostgreSQL's audit store: an append locks the head row (`SELECT … FOR UPDATE`) in the
 * transaction that writes the records, so appends from several core nodes are serialised and the
 * chain never forks; READ COMMITTED is enough, as the lock is taken before the head is read.
 */
export class PostgresAuditStore extends KyselyAuditStore {
  async appendChained(
    build: (head: AuditHead) => { records: readonly AuditRecord[]; checkpoint?: AuditCheckpoint },
  ): Promise<AuditHead> {
    return this.db.transaction().execute(async (trx: Kysely<AuditTables>) => {
      const h = await trx
        .selectFrom('audit_head')
        .select(['seq', 'hash'])
        .where('id', '=', 1)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const head = { seq: Number(h.seq), hash: h.hash };
      const { records, checkpoint } = build(head);
      checkContinues(head, records);
      if (records.length > 0) await trx.insertInto('audit_log').values(records.map(auditRow)).execute();
      if (checkpoint) {
        await trx
          .insertInto('audit_checkpoints')
          .values(checkpointRow(checkpoint))
          .onConflict((oc) =>
            oc.column('seq').doUpdateSet({
              hash: sql`excluded.hash`,
              at: sql`excluded.at`,
              key_id: sql`excluded.key_id`,
              sig_alg: sql`excluded.sig_alg`,
              signature: sql`excluded.signature`,
            }),
          )
          .execute();
      }
      const last = records[records.length - 1];
      if (!last) return head;
      await trx.updateTable('audit_head').set({ seq: last.seq, hash: last.hash }).where('id', '=', 1).execute();
      return { seq: last.seq, hash: last.hash };
    });
  }

  async prune(seq: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await trx.selectFrom('audit_head').select('seq').where('id', '=', 1).forUpdate().execute();
      const r = await trx.deleteFrom('audit_log').where('seq', '<=', seq).executeTakeFirst();
      await trx.deleteFrom('audit_checkpoints').where('seq', '<', seq).execute();
      return Number(r.numDeletedRows);
    });
  }
}
