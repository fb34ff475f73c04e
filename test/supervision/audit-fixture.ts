import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { AuditEntryInput } from '../../src/core/ports/audit-log.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import type { Store } from '../../src/core/ports/store.js';
import type { AuditHashAlg } from '../../src/core/ports/audit-store.js';
import { openStore } from '../../src/store/open-store.js';
import { ChainedAuditLog } from '../../src/supervision/audit-log.js';
import { AuditSigner } from '../../src/supervision/audit-signer.js';

export const T0 = Date.parse('2026-03-01T00:00:00Z');

/** An audit entry as the API or the registration workflow would append it. */
export function entry(i: number, o: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    actor: { kind: 'api-key', id: `key-${i % 3}`, role: 'tenant-admin', tenantId: i % 2 === 0 ? 't-even' : 't-odd' },
    action: i % 4 === 0 ? 'terminal.approve' : 'api.post',
    target: {
      kind: 'terminal',
      id: `70b3d5000000${String(i).padStart(4, '0')}`,
      tenantId: i % 2 === 0 ? 't-even' : 't-odd',
    },
    outcome: 'ok',
    details: { route: '/api/v1/terminals', status: 201, n: i, nested: { b: 2, a: [1, 'x', null] } },
    sourceIp: '192.0.2.7',
    ...o,
  };
}

export interface AuditDisk {
  dir: string;
  dbFile: string;
  store: Store;
  log: ChainedAuditLog;
  signer: AuditSigner;
  clock: ManualClock;
  /** Closes the store (so the file can be edited), runs `sql` on the file, reopens the store. */
  tamper(sql: string, ...params: unknown[]): Promise<void>;
  close(): Promise<void>;
}

/** A SQLite store in a temporary directory with a chained audit log on it. */
export async function auditOnDisk(o: { alg?: AuditHashAlg; checkpointEvery?: number } = {}): Promise<AuditDisk> {
  const dir = mkdtempSync(join(tmpdir(), 'satiot-audit-'));
  const clock = new ManualClock(T0);
  const signer = AuditSigner.generate();
  const d: AuditDisk = {
    dir,
    dbFile: join(dir, 'satiot.db'),
    clock,
    signer,
    store: await openStore('sqlite', { dataDir: dir }),
    log: undefined as unknown as ChainedAuditLog,
    async tamper(sql, ...params) {
      await d.log.flush();
      await d.store.close();
      const db = new BetterSqlite3(d.dbFile);
      db.prepare(sql).run(...params);
      db.close();
      d.store = await openStore('sqlite', { dataDir: dir });
      d.log = new ChainedAuditLog(d.store.audit, {
        clock,
        signer,
        alg: o.alg ?? 'sha256',
        checkpointEvery: o.checkpointEvery ?? 5,
      });
    },
    async close() {
      await d.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  d.log = new ChainedAuditLog(d.store.audit, {
    clock,
    signer,
    alg: o.alg ?? 'sha256',
    checkpointEvery: o.checkpointEvery ?? 5,
  });
  return d;
}
