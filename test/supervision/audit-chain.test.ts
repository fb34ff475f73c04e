import { createHash } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, type AuditRecord } from '../../src/core/ports/audit-store.js';
import { canonicalJson, chainHash } from '../../src/supervision/audit-chain.js';
import { verifyStoredChain } from '../../src/supervision/audit-verifier.js';
import { auditOnDisk, entry, type AuditDisk } from './audit-fixture.js';

describe('audit chain arithmetic', () => {
  it('canonical JSON sorts keys at every level and leaves out absent fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined, x: null }], c: 'é' }, u: undefined })).toBe(
      '{"a":{"c":"é","d":[2,{"x":null,"z":1}]},"b":1}',
    );
  });

  it('hashes H(previous hash bytes ‖ canonical record) with SHA-256 and SM3', () => {
    const r = {
      seq: 1,
      at: 5,
      actor: { kind: 'system' as const },
      action: 'x',
      outcome: 'ok' as const,
      alg: 'sha256' as const,
    };
    // Reference computed independently of chainHash: the bytes spelled out by hand.
    const body = '{"action":"x","actor":{"kind":"system"},"alg":"sha256","at":5,"outcome":"ok","seq":1}';
    expect(chainHash(GENESIS_HASH, r)).toBe(createHash('sha256').update(Buffer.alloc(32)).update(body).digest('hex'));
    const sm3Body = body.replace('"sha256"', '"sm3"');
    expect(chainHash(GENESIS_HASH, { ...r, alg: 'sm3' })).toBe(
      createHash('sm3').update(Buffer.alloc(32)).update(sm3Body).digest('hex'),
    );
  });

  it('SM3 in node:crypto matches the GB/T 32905-2016 example ("abc")', () => {
    expect(createHash('sm3').update('abc').digest('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
  });
});

describe.each(['sha256', 'sm3'] as const)('audit chain on SQLite (%s)', (alg) => {
  let d: AuditDisk;
  beforeEach(async () => {
    d = await auditOnDisk({ alg, checkpointEvery: 5 });
    // 12 appends, some concurrent: a group commit must still chain them in order without a fork.
    await Promise.all([0, 1, 2, 3, 4, 5].map((i) => d.log.append(entry(i))));
    for (let i = 6; i < 12; i++) {
      d.clock.advance(1000);
      await d.log.append(entry(i));
    }
  });
  afterEach(() => d.close());

  it('verifies an untouched chain with its signed checkpoints', async () => {
    const v = await verifyStoredChain(d.store.audit, d.signer);
    expect(v).toMatchObject({ ok: true, records: 12, firstSeq: 1, lastSeq: 12 });
    expect(v.checkpointsVerified).toBeGreaterThanOrEqual(2);
    const head = await d.store.audit.head();
    expect(head.seq).toBe(12);
    const cps = await d.store.audit.checkpoints();
    expect(cps.every((c) => c.keyId === d.signer.keyId)).toBe(true);
  });

  it('is not fooled by appends while it runs: what a live service writes meanwhile is neither checked nor a break', async () => {
    const audit = d.store.audit;
    let appended = false;
    // The service appends right after the verifier has read the head.
    const racing = Object.create(audit) as typeof audit;
    racing.head = async () => {
      const h = await audit.head();
      if (!appended) {
        appended = true;
        await d.log.append(entry(99));
      }
      return h;
    };
    const v = await verifyStoredChain(racing, d.signer);
    expect(v).toMatchObject({ ok: true, records: 12, lastSeq: 12 });
    expect((await audit.head()).seq).toBe(13);
  });

  it('catches a record slipped in past the head', async () => {
    await d.tamper(
      'INSERT INTO audit_log SELECT seq + 1, at, actor_kind, actor_id, actor_role, actor_tenant_id, action, target_kind, target_id, target_tenant_id, outcome, details, source_ip, tenant_id, alg, hash FROM audit_log WHERE seq = 12',
    );
    const v = await verifyStoredChain(d.store.audit, d.signer);
    expect(v.ok).toBe(false);
    expect(v.broken).toMatchObject({ seq: 13, reason: 'head-mismatch' });
  });

  it('catches a field edited in the file, naming the record and both hashes', async () => {
    const before = (await d.store.audit.range(7, 1))[0]!;
    await d.tamper("UPDATE audit_log SET outcome = 'denied' WHERE seq = 7");
    const v = await verifyStoredChain(d.store.audit, d.signer);
    expect(v.ok).toBe(false);
    expect(v.broken).toMatchObject({ seq: 7, reason: 'hash-mismatch', found: before.hash });
    expect(v.broken?.expected).not.toBe(before.hash);
  });

  it('catches an edited details field', async () => {
    await d.tamper(`UPDATE audit_log SET details = json_set(details, '$.status', 200) WHERE seq = 3`);
    expect((await verifyStoredChain(d.store.audit, d.signer)).broken).toMatchObject({
      seq: 3,
      reason: 'hash-mismatch',
    });
  });

  it('catches a deleted row', async () => {
    await d.tamper('DELETE FROM audit_log WHERE seq = 4');
    expect((await verifyStoredChain(d.store.audit, d.signer)).broken).toMatchObject({
      seq: 4,
      reason: 'record-missing',
    });
  });

  it('catches two rows swapped (reordered)', async () => {
    await d.tamper('UPDATE audit_log SET seq = -1 WHERE seq = 8');
    await d.tamper('UPDATE audit_log SET seq = 8 WHERE seq = 9');
    await d.tamper('UPDATE audit_log SET seq = 9 WHERE seq = -1');
    expect((await verifyStoredChain(d.store.audit, d.signer)).broken).toMatchObject({
      seq: 8,
      reason: 'hash-mismatch',
    });
  });

  it('catches the newest records deleted (the head and the checkpoints remember them)', async () => {
    await d.tamper('DELETE FROM audit_log WHERE seq >= 11');
    expect((await verifyStoredChain(d.store.audit, d.signer)).broken).toMatchObject({
      seq: 11,
      reason: 'record-missing',
    });
  });

  it('catches the first record deleted', async () => {
    await d.tamper('DELETE FROM audit_log WHERE seq = 1');
    expect((await verifyStoredChain(d.store.audit, d.signer)).broken).toMatchObject({ seq: 2, reason: 'no-anchor' });
  });

  it('catches a chain rewritten with recomputed hashes: the signed checkpoint no longer matches', async () => {
    // The attacker edits record 2 and recomputes every hash after it (and the head), without the signing key.
    const records = await d.store.audit.range(1, 100);
    let prev = records[0]!.hash;
    const rewritten = records.slice(1).map((r) => {
      const edited = r.seq === 2 ? { ...r, outcome: 'failed' as const } : r;
      const hash = chainHash(prev, edited);
      prev = hash;
      return { ...edited, hash };
    });
    for (const r of rewritten)
      await d.tamper('UPDATE audit_log SET outcome = ?, hash = ? WHERE seq = ?', r.outcome, r.hash, r.seq);
    await d.tamper('UPDATE audit_head SET hash = ? WHERE id = 1', prev);
    const v = await verifyStoredChain(d.store.audit, d.signer);
    const firstCheckpoint = (await d.store.audit.checkpoints())[0]!;
    expect(v.broken).toMatchObject({
      reason: 'checkpoint-mismatch',
      seq: firstCheckpoint.seq,
      expected: firstCheckpoint.hash,
    });
  });

  it('catches a forged checkpoint signature', async () => {
    const cp = (await d.store.audit.checkpoints())[0]!;
    const sig = Buffer.from(cp.signature, 'base64');
    sig[0] = sig[0]! ^ 1;
    await d.tamper('UPDATE audit_checkpoints SET signature = ? WHERE seq = ?', sig.toString('base64'), cp.seq);
    expect((await verifyStoredChain(d.store.audit, d.signer)).broken).toMatchObject({
      seq: cp.seq,
      reason: 'checkpoint-signature',
    });
  });

  it('continues the chain after a restart (a new writer reads the head)', async () => {
    await d.tamper('SELECT 1');
    await d.log.append(entry(99));
    const v = await verifyStoredChain(d.store.audit, d.signer);
    expect(v).toMatchObject({ ok: true, records: 13 });
  });
});

const DAY = 86_400_000;

/**
 * What an attacker with write access to the database does to the file: edits record `seq` and
 * recomputes every hash from genesis on, drops the signed checkpoints that would expose it and
 * moves the head to the new last hash.
 */
async function rewriteFromGenesis(d: AuditDisk, seq: number): Promise<void> {
  const records = await d.store.audit.range(1, 100_000);
  let prev = GENESIS_HASH;
  const rewritten: AuditRecord[] = records.map((r) => {
    const edited = r.seq === seq ? { ...r, outcome: 'failed' as const } : r;
    prev = chainHash(prev, edited);
    return { ...edited, hash: prev };
  });
  await d.log.flush();
  await d.store.close();
  const db = new BetterSqlite3(d.dbFile);
  const update = db.prepare('UPDATE audit_log SET outcome = ?, hash = ? WHERE seq = ?');
  db.transaction(() => {
    for (const r of rewritten) update.run(r.outcome, r.hash, r.seq);
    db.prepare('DELETE FROM audit_checkpoints').run();
    db.prepare('UPDATE audit_head SET hash = ? WHERE id = 1').run(prev);
  })();
  db.close();
  await d.tamper('SELECT 1');
}

describe('audit verification holds the writer to its checkpoint cadence', () => {
  let d: AuditDisk;
  beforeEach(async () => {
    d = await auditOnDisk({ checkpointEvery: 1000 });
  });
  afterEach(() => d.close());

  it('fails a chain recomputed from genesis with its checkpoints deleted (two hours of records, no signature)', async () => {
    for (let i = 0; i < 60; i++) {
      await d.log.append(entry(i));
      d.clock.advance(2 * 60_000);
    }
    await d.log.checkpoint();
    expect(await verifyStoredChain(d.store.audit, d.signer, { now: d.clock.now() })).toMatchObject({
      ok: true,
      records: 60,
    });
    await rewriteFromGenesis(d, 3);
    const v = await verifyStoredChain(d.store.audit, d.signer, { now: d.clock.now() });
    expect(v.ok).toBe(false);
    expect(v.broken).toMatchObject({ reason: 'checkpoint-missing' });
  });

  it('fails more than 1,000 records in a row without a signed checkpoint, however quickly they came', async () => {
    await Promise.all(Array.from({ length: 1200 }, (_, i) => d.log.append(entry(i))));
    expect(await verifyStoredChain(d.store.audit, d.signer, { now: d.clock.now() })).toMatchObject({
      ok: true,
      records: 1200,
    });
    await d.tamper('DELETE FROM audit_checkpoints');
    const v = await verifyStoredChain(d.store.audit, d.signer, { now: d.clock.now() });
    expect(v.broken).toMatchObject({ seq: 1001, reason: 'checkpoint-missing' });
  });

  it('signs at least every 1,000 records even when one group commit holds more', async () => {
    await Promise.all(Array.from({ length: 2500 }, (_, i) => d.log.append(entry(i))));
    const cps = await d.store.audit.checkpoints();
    expect(cps.map((c) => c.seq)).toEqual([1000, 2000]);
    expect(await verifyStoredChain(d.store.audit, d.signer, { now: d.clock.now() })).toMatchObject({
      ok: true,
      unsignedTail: 500,
    });
  });

  it('accepts the newest records unsigned while they are younger than the interval (the writer signs them soon)', async () => {
    for (let i = 0; i < 5; i++) await d.log.append(entry(i));
    d.clock.advance(8 * 60_000);
    for (let i = 5; i < 9; i++) await d.log.append(entry(i));
    d.clock.advance(60_000);
    expect(await verifyStoredChain(d.store.audit, d.signer, { now: d.clock.now() })).toMatchObject({
      ok: true,
      records: 9,
      unsignedTail: 9,
    });
  });

  it('fails an unsigned record written long after the last signature and never signed since', async () => {
    await d.log.append(entry(1));
    d.clock.advance(9 * 60_000);
    await d.log.append(entry(2));
    d.clock.advance(2 * 3_600_000);
    const v = await verifyStoredChain(d.store.audit, d.signer, { now: d.clock.now() });
    // Written within 10 minutes of the chain's start, so a writer owed no checkpoint yet: a stopped server leaves this.
    expect(v.ok).toBe(true);
    // Record 2 moved an hour later, hashes recomputed: a writer would have signed a record that late.
    await d.tamper('UPDATE audit_log SET at = at + 3600000 WHERE seq = 2');
    await rewriteFromGenesis(d, 1);
    expect((await verifyStoredChain(d.store.audit, d.signer, { now: d.clock.now() })).broken).toMatchObject({
      seq: 2,
      reason: 'checkpoint-missing',
    });
  });
});

describe('audit verification of a pruned chain', () => {
  let d: AuditDisk;
  beforeEach(async () => {
    d = await auditOnDisk({ checkpointEvery: 4 });
    for (let i = 0; i < 10; i++) {
      await d.log.append(entry(i));
      d.clock.advance(60_000);
    }
    await d.log.checkpoint();
  });
  afterEach(() => d.close());

  const policy = () => ({ now: d.clock.now(), retentionMs: 180 * DAY });

  it('fails records deleted up to the newest checkpoint: its signed time shows they were not old enough to prune', async () => {
    const cps = await d.store.audit.checkpoints();
    const anchor = cps[cps.length - 2]!;
    await d.tamper('DELETE FROM audit_log WHERE seq <= ?', anchor.seq);
    const v = await verifyStoredChain(d.store.audit, d.signer, policy());
    expect(v.ok).toBe(false);
    expect(v.broken).toMatchObject({ seq: anchor.seq + 1, reason: 'prune-unproven' });
  });

  it('fails every record deleted down to the signed head', async () => {
    await d.tamper('DELETE FROM audit_log');
    const v = await verifyStoredChain(d.store.audit, d.signer, policy());
    expect(v.broken).toMatchObject({ reason: 'prune-unproven' });
  });

  it('accepts the same cut once the anchor is older than the retention', async () => {
    const cps = await d.store.audit.checkpoints();
    const anchor = cps[cps.length - 2]!;
    await d.tamper('DELETE FROM audit_log WHERE seq <= ?', anchor.seq);
    d.clock.advance(181 * DAY);
    await d.log.append(entry(99));
    expect(await verifyStoredChain(d.store.audit, d.signer, policy())).toMatchObject({
      ok: true,
      firstSeq: anchor.seq + 1,
    });
  });
});

describe('audit retention', () => {
  it('prunes to a signed checkpoint and the rest still verifies', async () => {
    const d = await auditOnDisk({ checkpointEvery: 4 });
    try {
      for (let i = 0; i < 10; i++) {
        await d.log.append(entry(i));
        d.clock.advance(20 * 86_400_000); // 20 days between records
      }
      await d.log.checkpoint();
      d.clock.advance(150 * 86_400_000);
      const pruned = await d.log.prune(); // default 180 days
      expect(pruned.deleted).toBeGreaterThan(0);
      const first = await d.store.audit.firstSeq();
      expect(first).toBe(pruned.anchorSeq! + 1);
      const v = await verifyStoredChain(d.store.audit, d.signer, { now: d.clock.now(), retentionMs: 180 * DAY });
      expect(v).toMatchObject({ ok: true, firstSeq: first, lastSeq: 10 });
      // Records k = 1…10 at T0 + 20(k − 1) days; more than 10 minutes between appends makes a checkpoint at
      // every record from 2 on. Now is T0 + 350 days, the cut-off T0 + 170 days: the newest checkpoint before
      // it is record 9's (T0 + 160 days), so records 1–9 go and 10 (T0 + 180 days) stays.
      expect(pruned).toEqual({ deleted: 9, anchorSeq: 9 });
      const kept = await d.store.audit.range(0, 100);
      expect(kept.map((r) => r.seq)).toEqual([10]);
    } finally {
      await d.close();
    }
  });

  it('keeps secrets out of details even when a caller passes them', async () => {
    const d = await auditOnDisk();
    try {
      await d.log.append(
        entry(1, {
          details: {
            appSKey: '00112233445566778899aabbccddeeff',
            token: 'gs_secret',
            identityNumber: '110101199003077777',
            keyId: 'k1',
          },
        }),
      );
      const [r] = await d.store.audit.range(1, 1);
      expect(r!.details).toEqual({
        appSKey: '[redacted]',
        token: '[redacted]',
        identityNumber: '[redacted]',
        keyId: 'k1',
      });
    } finally {
      await d.close();
    }
  });
});
