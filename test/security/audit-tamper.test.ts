/**
 * The audit chain edited on disk, end to end: records written by the API of a server on a SQLite
 * file, the file edited behind its back (a record changed, one deleted, two swapped, the newest
 * ones cut off), and the verification — over the API and as `satiot audit verify` does it —
 * names the first broken record; so does removing the signed checkpoints after recomputing the chain,
 * or the oldest records passed off as pruned. (test/supervision/audit-chain.test.ts covers each edit on both
 * hash functions; test/supervision/audit-cli.test.ts the command's exit codes.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { ChainedAuditLog } from '../../src/supervision/audit-log.js';
import { AuditSigner } from '../../src/supervision/audit-signer.js';
import { verifyStoredChain } from '../../src/supervision/audit-verifier.js';
import { chainHash } from '../../src/supervision/audit-chain.js';
import { GENESIS_HASH } from '../../src/core/ports/audit-store.js';
import { openApi, auth, type ApiFixture } from '../api/api-fixture.js';
import { T0 } from '../support/core-fixture.js';

describe('audit chain edited on disk', () => {
  let dir: string;
  let api: ApiFixture;
  const signer = AuditSigner.generate();
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'satiot-tamper-'));
    const store = await openStore('sqlite', { dataDir: dir });
    const log = new ChainedAuditLog(store.audit, { clock: new ManualClock(T0), signer, checkpointEvery: 4 });
    api = await openApi({ store, audit: log });
    for (let i = 0; i < 6; i++)
      await api.app.inject({ method: 'POST', url: '/api/v1/tenants', headers: auth, payload: { name: `tenant-${i}` } });
    await api.app.inject({ method: 'GET', url: '/api/v1/terminals', headers: { authorization: 'Bearer stolen-key' } });
    await api.app.auditIdle?.();
    await log.flush();
    await log.checkpoint();
    await api.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function verifyAfter(sql: string) {
    const db = new BetterSqlite3(join(dir, 'satiot.db'));
    db.exec(sql);
    db.close();
    const store = await openStore('sqlite', { dataDir: dir });
    try {
      return await verifyStoredChain(store.audit, signer, {
        now: T0,
        checkpointEvery: 4,
        retentionMs: 180 * 86_400_000,
      });
    } finally {
      await store.close();
    }
  }

  /** The attacker's rewrite: record 7 (the failed login) turned into a success, every hash from genesis recomputed, the head moved. */
  async function recomputeFromGenesis(db: BetterSqlite3.Database): Promise<void> {
    const store = await openStore('sqlite', { dataDir: dir });
    const records = await store.audit.range(1, 100);
    await store.close();
    let prev = GENESIS_HASH;
    const update = db.prepare('UPDATE audit_log SET outcome = ?, action = ?, hash = ? WHERE seq = ?');
    for (const r of records) {
      const edited = r.seq === 7 ? { ...r, outcome: 'ok' as const, action: 'api.get' } : r;
      prev = chainHash(prev, edited);
      update.run(edited.outcome, edited.action, prev, r.seq);
    }
    db.prepare('UPDATE audit_head SET hash = ? WHERE id = 1').run(prev);
  }

  /** The server again on the edited file, asked GET /api/v1/audit/verify. */
  async function verifyOverApi() {
    const store = await openStore('sqlite', { dataDir: dir });
    const log = new ChainedAuditLog(store.audit, { clock: new ManualClock(T0), signer, checkpointEvery: 4 });
    const again = await openApi({ store, audit: log });
    try {
      return (await again.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: auth })).json();
    } finally {
      await again.close();
    }
  }

  it('holds when nothing was touched', async () => {
    expect(await verifyAfter('SELECT 1')).toMatchObject({ ok: true, records: 7 });
  });

  it('catches an attacker hiding a failed login by turning it into a success', async () => {
    const v = await verifyAfter(
      "UPDATE audit_log SET outcome = 'ok', action = 'api.get' WHERE action = 'auth.failure'",
    );
    expect(v.broken).toMatchObject({ seq: 7, reason: 'hash-mismatch' });
  });

  it('catches a record deleted', async () => {
    expect((await verifyAfter('DELETE FROM audit_log WHERE seq = 2')).broken).toMatchObject({
      seq: 2,
      reason: 'record-missing',
    });
  });

  it('catches two records swapped', async () => {
    expect(
      (
        await verifyAfter(
          'UPDATE audit_log SET seq = 100 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = 100',
        )
      ).broken,
    ).toMatchObject({ seq: 3, reason: 'hash-mismatch' });
  });

  it('catches the newest records cut off, head and all', async () => {
    const v = await verifyAfter(
      'DELETE FROM audit_log WHERE seq >= 6; UPDATE audit_head SET seq = 5, hash = (SELECT hash FROM audit_log WHERE seq = 5)',
    );
    expect(v.broken).toMatchObject({ reason: 'record-missing', seq: 6 });
  });

  it('catches the checkpoints deleted and the whole chain recomputed from genesis', async () => {
    const db = new BetterSqlite3(join(dir, 'satiot.db'));
    await recomputeFromGenesis(db);
    db.exec('DELETE FROM audit_checkpoints');
    db.close();
    expect((await verifyAfter('SELECT 1')).broken).toMatchObject({ seq: 5, reason: 'checkpoint-missing' });
    expect(await verifyOverApi()).toMatchObject({ ok: false, broken: { seq: 5, reason: 'checkpoint-missing' } });
  });

  it('catches every record up to the newest checkpoint deleted, passed off as pruned', async () => {
    expect((await verifyAfter('DELETE FROM audit_log WHERE seq <= 4')).broken).toMatchObject({
      seq: 5,
      reason: 'prune-unproven',
    });
    expect(await verifyOverApi()).toMatchObject({ ok: false, broken: { seq: 5, reason: 'prune-unproven' } });
  });

  it("says over the API that an unpinned key proves nothing against whoever holds the server's key", async () => {
    const v = await verifyOverApi();
    expect(v).toMatchObject({ ok: true, keySource: 'signer' });
    expect(v.warning).toMatch(/not pinned/);
  });

  it('reports the break over the API too', async () => {
    const db = new BetterSqlite3(join(dir, 'satiot.db'));
    db.exec("UPDATE audit_log SET source_ip = '10.0.0.1' WHERE seq = 4");
    db.close();
    const store = await openStore('sqlite', { dataDir: dir });
    const log = new ChainedAuditLog(store.audit, { clock: new ManualClock(T0), signer });
    const again = await openApi({ store, audit: log });
    try {
      const res = await again.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: auth });
      expect(res.json()).toMatchObject({ ok: false, broken: { seq: 4, reason: 'hash-mismatch' } });
    } finally {
      await again.close();
    }
  });
});
