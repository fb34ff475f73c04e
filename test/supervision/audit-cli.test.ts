import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { ChainedAuditLog } from '../../src/supervision/audit-log.js';
import { resolveAuditSigner } from '../../src/cli/audit-setup.js';
import { ERROR_CODES } from '../../src/errors/error-codes.js';
import { cliIsBuilt, errorCode, runCli, tempDir } from '../cli/helpers.js';
import { entry, T0 } from './audit-fixture.js';

describe.skipIf(!cliIsBuilt())('satiot audit verify | export', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(async () => {
    ({ dir, cleanup } = tempDir('audit-cli'));
    const store = await openStore('sqlite', { dataDir: dir });
    const clock = new ManualClock(T0);
    const log = new ChainedAuditLog(store.audit, { clock, signer: resolveAuditSigner(dir, {}), checkpointEvery: 4 });
    for (let i = 0; i < 10; i++) {
      await log.append(entry(i));
      clock.advance(60_000);
    }
    await log.checkpoint();
    await store.close();
  });
  afterEach(() => cleanup());

  const tamper = (sql: string) => {
    const db = new BetterSqlite3(join(dir, 'satiot.db'));
    db.exec(sql);
    db.close();
  };

  it('exits 0 with a summary on an intact chain', async () => {
    const r = await runCli(['audit', 'verify', '--data', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^audit chain OK: 10 records \(records 1–10\), 3 signed checkpoints verified, 0 records after the last checkpoint/);
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

  it('exports a range that verifies on its own, and fails once the file is edited', async () => {
    const out = join(dir, 'extract.jsonl');
    const e = await runCli(['audit', 'export', '--data', dir, '--from', new Date(T0 + 2 * 60_000).toISOString(), '--to', new Date(T0 + 6 * 60_000).toISOString(), '--out', out]);
    expect(e.code).toBe(0);
    expect(e.stderr).toMatch(/^4 records written/);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; seq?: number; inRange?: boolean });
    expect(lines[0]).toMatchObject({ type: 'header', records: 4 });
    expect(lines[1]).toMatchObject({ type: 'anchor', seq: 2 });
    expect(lines.filter((l) => l.type === 'record' && l.inRange).map((l) => l.seq)).toEqual([3, 4, 5, 6]);
    const pub = join(dir, 'audit-signing.pub');
    const ok = await runCli(['audit', 'verify', '--file', out, '--public-key', pub, '--data', join(dir, 'none')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^audit chain OK: \d+ records/);
    writeFileSync(out, readFileSync(out, 'utf8').replace('"outcome":"ok"', '"outcome":"denied"'));
    const bad = await runCli(['audit', 'verify', '--file', out, '--public-key', pub, '--data', join(dir, 'none')]);
    expect(errorCode(bad)).toBe('AUDIT_CHAIN_BROKEN');
    // The export itself was audited on the chain.
    const verify = await runCli(['audit', 'verify', '--data', dir]);
    expect(verify.stdout).toMatch(/11 records/);
  });
});
