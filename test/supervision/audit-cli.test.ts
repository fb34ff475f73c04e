import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { ChainedAuditLog } from '../../src/supervision/audit-log.js';
import { createAuditLog, resolveAuditSigner } from '../../src/cli/audit-setup.js';
import { AuditSigner } from '../../src/supervision/audit-signer.js';
import { SatiotError } from '../../src/errors/satiot-error.js';
import { ERROR_CODES } from '../../src/errors/error-codes.js';
import { errorCode, runCli, tempDir } from '../cli/helpers.js';
import { entry, T0 } from './audit-fixture.js';

describe('satiot audit verify | export', () => {
  let dir: string;
  let cleanup: () => void;
  /** The public key an inspector keeps outside the data directory. */
  let pinned: string;
  let cleanupPinned: () => void;
  beforeEach(async () => {
    ({ dir, cleanup } = tempDir('audit-cli'));
    const outside = tempDir('audit-pin');
    cleanupPinned = outside.cleanup;
    pinned = join(outside.dir, 'audit-signing.pub');
    const store = await openStore('sqlite', { dataDir: dir });
    const clock = new ManualClock(T0);
    const log = new ChainedAuditLog(store.audit, { clock, signer: resolveAuditSigner(dir, {}), checkpointEvery: 4 });
    for (let i = 0; i < 10; i++) {
      await log.append(entry(i));
      clock.advance(60_000);
    }
    await log.checkpoint();
    await store.close();
    copyFileSync(join(dir, 'audit-signing.pub'), pinned);
  });
  afterEach(() => {
    cleanup();
    cleanupPinned();
  });

  const tamper = (sql: string) => {
    const db = new BetterSqlite3(join(dir, 'satiot.db'));
    db.exec(sql);
    db.close();
  };

  it('exits 0 with a summary on an intact chain, quietly when the key is pinned', async () => {
    const r = await runCli(['audit', 'verify', '--data', dir, '--public-key', pinned]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^audit chain OK: 10 records \(records 1–10\), 3 signed checkpoints verified, 0 records after the last checkpoint/,
    );
  });

  it('exits AUDIT_CHAIN_BROKEN naming the first broken record, with the expected and found hashes', async () => {
    tamper("UPDATE audit_log SET action = 'api.get' WHERE seq = 6");
    const r = await runCli(['audit', 'verify', '--data', dir]);
    expect(r.code).toBe(ERROR_CODES.AUDIT_CHAIN_BROKEN.exit);
    expect(errorCode(r)).toBe('AUDIT_CHAIN_BROKEN');
    expect(r.stderr).toMatch(/record 6: .*\(expected [0-9a-f]{64}, found [0-9a-f]{64}\) \[hash-mismatch\]/);
  });

  it('catches a deleted row and a reordering on disk', async () => {
    tamper('DELETE FROM audit_log WHERE seq = 3');
    expect((await runCli(['audit', 'verify', '--data', dir])).stderr).toMatch(/record 3: record 3 is missing/);
    tamper('UPDATE audit_log SET seq = 3 WHERE seq = 4');
    expect((await runCli(['audit', 'verify', '--data', dir])).stderr).toMatch(/record 3: .*\[hash-mismatch\]/);
  });

  it("warns loudly when no key is pinned: the data directory's own key proves nothing against whoever controls it", async () => {
    const r = await runCli(['audit', 'verify', '--data', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^warning: .*taken from the data directory \(.*audit-signing\.pub\), not pinned: it proves nothing/,
    );
    expect(r.stderr).toMatch(/--public-key/);
  });

  it('trusts only the pinned key: checkpoints re-signed with a key planted in the data directory fail', async () => {
    const planted = AuditSigner.generate();
    writeFileSync(join(dir, 'audit-signing.key'), planted.privatePem());
    writeFileSync(join(dir, 'audit-signing.pub'), planted.publicPem());
    const db = new BetterSqlite3(join(dir, 'satiot.db'));
    const cps = db.prepare('SELECT seq, hash, at FROM audit_checkpoints').all() as Array<{
      seq: number;
      hash: string;
      at: number;
    }>;
    const resign = db.prepare('UPDATE audit_checkpoints SET key_id = ?, signature = ? WHERE seq = ?');
    for (const c of cps) {
      const s = planted.sign(c.seq, c.hash, c.at);
      resign.run(s.keyId, s.signature, c.seq);
    }
    db.close();
    expect((await runCli(['audit', 'verify', '--data', dir])).code).toBe(0);
    const r = await runCli(['audit', 'verify', '--data', dir, '--public-key', pinned]);
    expect(errorCode(r)).toBe('AUDIT_CHAIN_BROKEN');
    expect(r.stderr).toMatch(/\[checkpoint-signature\]/);
  });

  it('fails records removed up to a checkpoint younger than the retention, naming the reason', async () => {
    tamper('DELETE FROM audit_log WHERE seq <= 4');
    const r = await runCli(['audit', 'verify', '--data', dir, '--public-key', pinned, '--retention-days', '36500']);
    expect(errorCode(r)).toBe('AUDIT_CHAIN_BROKEN');
    expect(r.stderr).toMatch(/record 5: .*retention.*\[prune-unproven\]/);
  });

  it('exports a range that verifies on its own, and fails once the file is edited', async () => {
    const out = join(dir, 'extract.jsonl');
    const e = await runCli([
      'audit',
      'export',
      '--data',
      dir,
      '--from',
      new Date(T0 + 2 * 60_000).toISOString(),
      '--to',
      new Date(T0 + 6 * 60_000).toISOString(),
      '--out',
      out,
    ]);
    expect(e.code).toBe(0);
    expect(e.stderr).toMatch(/^4 records written/);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; seq?: number; inRange?: boolean });
    expect(lines[0]).toMatchObject({ type: 'header', records: 4 });
    expect(lines[1]).toMatchObject({ type: 'anchor', seq: 2 });
    expect(lines.filter((l) => l.type === 'record' && l.inRange).map((l) => l.seq)).toEqual([3, 4, 5, 6]);
    const pub = pinned;
    const ok = await runCli(['audit', 'verify', '--file', out, '--public-key', pub, '--data', join(dir, 'none')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^audit chain OK: \d+ records/);
    writeFileSync(out, readFileSync(out, 'utf8').replace('"outcome":"ok"', '"outcome":"denied"'));
    const bad = await runCli(['audit', 'verify', '--file', out, '--public-key', pub, '--data', join(dir, 'none')]);
    expect(errorCode(bad)).toBe('AUDIT_CHAIN_BROKEN');
    // The export itself was audited on the chain, and signed with the data directory's key.
    const verify = await runCli(['audit', 'verify', '--data', dir, '--public-key', pinned]);
    expect(verify.stdout).toMatch(/11 records .*, 0 records after the last checkpoint/);
  });
});

describe("the server's audit verification key", () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir('audit-pin'));
  });
  afterEach(() => cleanup());

  it('trusts the public key pinned with SATIOT_AUDIT_PUBLIC_KEY (or --audit-public-key) and says so', async () => {
    const signer = AuditSigner.generate();
    const pub = join(dir, 'pinned.pub');
    writeFileSync(pub, signer.publicPem());
    const data = join(dir, 'data');
    const store = await openStore('sqlite', { dataDir: data });
    try {
      const env = { SATIOT_AUDIT_SIGNING_KEY: signer.privatePem(), SATIOT_AUDIT_PUBLIC_KEY: pub };
      const log = createAuditLog(store, data, new ManualClock(T0), env);
      expect(log.trust).toMatchObject({ source: 'pinned', key: { keyId: signer.keyId } });
      expect(
        createAuditLog(store, data, new ManualClock(T0), { SATIOT_AUDIT_SIGNING_KEY: signer.privatePem() }, pub).trust
          ?.source,
      ).toBe('pinned');
      expect(
        createAuditLog(store, data, new ManualClock(T0), { SATIOT_AUDIT_SIGNING_KEY: signer.privatePem() }).trust
          ?.source,
      ).toBe('environment');
      // A "pinned" copy inside the data directory is only the data directory's key.
      writeFileSync(join(data, 'copy.pub'), signer.publicPem());
      expect(
        createAuditLog(
          store,
          data,
          new ManualClock(T0),
          { SATIOT_AUDIT_SIGNING_KEY: signer.privatePem() },
          join(data, 'copy.pub'),
        ).trust?.source,
      ).toBe('data-dir');
    } finally {
      await store.close();
    }
  });

  it('refuses to start when the pinned key is not the signing key', async () => {
    const pub = join(dir, 'other.pub');
    writeFileSync(pub, AuditSigner.generate().publicPem());
    const store = await openStore('sqlite', { dataDir: dir });
    try {
      let err: unknown;
      try {
        createAuditLog(store, dir, new ManualClock(T0), {
          SATIOT_AUDIT_SIGNING_KEY: AuditSigner.generate().privatePem(),
          SATIOT_AUDIT_PUBLIC_KEY: pub,
        });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SatiotError);
      expect((err as SatiotError).code).toBe('INVALID_ARGUMENT');
    } finally {
      await store.close();
    }
  });
});
