/**
 * No acknowledged write is lost when the process dies: a child commits batches through SqliteStore
 * and prints each batch's last message id after commitIngest resolves; it is killed with SIGKILL at
 * a random moment, then the database must open cleanly and hold every printed id.
 *
 * (SIGKILL loses the process, not the OS page cache: this checks the transaction boundaries and
 * that a commit is complete when it resolves; `synchronous = FULL` is what covers power loss.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { station, tenant, terminal } from './helpers.js';
import { seededRandom } from '../support/test-seed.js';

const WRITER = fileURLToPath(new URL('./fixtures/sqlite-ingest-writer.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ROUNDS = 4;
const BATCH = 200;

interface Run {
  /** Complete lines the child printed: ids of acknowledged batches. */
  readonly acked: string[];
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Spawns the writer and SIGKILLs it after `afterLines` acknowledged batches plus `extraMs`. */
function runWriter(path: string, tag: string, afterLines: number, extraMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, path, tag], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    let killing = false;
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!killing && out.split('\n').length - 1 >= afterLines) {
        killing = true;
        setTimeout(() => child.kill('SIGKILL'), extraMs);
      }
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(guard);
      const lines = out.split('\n');
      lines.pop(); // an unterminated last line was not fully printed: not acknowledged
      resolve({ acked: lines, signal, stderr });
    });
  });
}

describe('SqliteStore durability under SIGKILL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'satiot-durability-'));
  const path = join(dir, 'satiot.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`keeps every acknowledged batch over ${ROUNDS} kills at random moments`, async () => {
    const setup = new SqliteStore(path);
    await setup.migrate();
    await setup.tenants.create(tenant('acme'));
    await setup.terminals.create(terminal('term-1', 'acme', 1));
    await setup.groundStations.create(station('gs-a'));
    await setup.close();

    const rnd = seededRandom('sqlite durability kills');
    let ackedTotal = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const run = await runWriter(path, `r${round}`, 1 + rnd.int(15), rnd.int(40));
      expect(run.signal, run.stderr).toBe('SIGKILL');
      expect(run.acked.length, run.stderr).toBeGreaterThan(0);
      ackedTotal += run.acked.length;

      // The database opens cleanly (WAL recovered) and is consistent.
      const raw = new BetterSqlite3(path);
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(raw.pragma('foreign_key_check')).toEqual([]);
      const messages = raw.prepare('SELECT count(*) FROM messages').pluck().get();
      const receptions = raw.prepare('SELECT count(*) FROM receptions').pluck().get();
      raw.close();

      const store = new SqliteStore(path);
      await store.migrate();
      try {
        const found = await store.messages.ingestedAt(run.acked);
        expect(run.acked.filter((id) => !found.has(id))).toEqual([]);
        // Batches are all or nothing: messages, receptions, the counter and the tally moved
        // together, by the acknowledged batches and at most one more (committed, not yet printed).
        const counters = await store.counters.get('term-1');
        const batches = counters?.version ?? 0;
        expect(batches).toBeGreaterThanOrEqual(ackedTotal);
        expect(batches).toBeLessThanOrEqual(ackedTotal + 1);
        expect(counters?.fCntUpTop).toBe(batches * BATCH - 1);
        expect([messages, receptions]).toEqual([batches * BATCH, batches * BATCH]);
        expect(await store.traffic.rejectionTallies()).toEqual([
          { stationId: 'gs-a', code: 'BAD_MIC', count: batches },
        ]);
        ackedTotal = batches;
      } finally {
        await store.close();
      }
    }
  }, 120_000);
});
