/**
 * Audit chain throughput: appends per second through ChainedAuditLog (group commit) on a SQLite file
 * (WAL, synchronous = FULL) and, when SATIOT_TEST_POSTGRES_URL is set, on PostgreSQL; then the
 * verifier's rate over the chain written. Entries look like the API hook's.
 *
 *   node --import tsx bench/audit.bench.ts
 *   SATIOT_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx bench/audit.bench.ts
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEntryInput } from '../src/core/ports/audit-log.js';
import type { Store } from '../src/core/ports/store.js';
import { systemClock } from '../src/core/ports/clock.js';
import { openStore } from '../src/store/open-store.js';
import { dropPostgresSchema } from '../src/store/postgres/drop-schema.js';
import { ChainedAuditLog } from '../src/supervision/audit-log.js';
import { AuditSigner } from '../src/supervision/audit-signer.js';
import { verifyStoredChain } from '../src/supervision/audit-verifier.js';

const N = 20_000;
const CONCURRENCY = 200;

const entry = (i: number): AuditEntryInput => ({
  actor: { kind: 'api-key', id: `key-${i % 50}`, role: 'tenant-admin', tenantId: `tenant-${i % 20}` },
  action: 'api.post',
  target: { kind: 'terminal', id: (0x70b3d50000000000n + BigInt(i)).toString(16), tenantId: `tenant-${i % 20}` },
  outcome: 'ok',
  details: { method: 'POST', route: '/api/v1/terminals/:devEui/downlinks', status: 201, params: { devEui: 'x' } },
  sourceIp: '192.0.2.10',
});

async function run(name: string, store: Store, alg: 'sha256' | 'sm3'): Promise<void> {
  const signer = AuditSigner.generate();
  const log = new ChainedAuditLog(store.audit, { clock: systemClock, alg, signer });
  const t0 = performance.now();
  for (let i = 0; i < N; i += CONCURRENCY)
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, k) => log.append(entry(i + k))));
  const appendS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const v = await verifyStoredChain(store.audit, signer);
  const verifyS = (performance.now() - t1) / 1000;
  if (!v.ok) throw new Error(`chain broken: ${JSON.stringify(v.broken)}`);
  console.log(
    `${name.padEnd(22)} ${alg.padEnd(6)} append ${Math.round(N / appendS).toLocaleString('en')}/s (` +
      `${CONCURRENCY} concurrent)   verify ${Math.round(v.records / verifyS).toLocaleString('en')} records/s`,
  );
}

for (const alg of ['sha256', 'sm3'] as const) {
  const dir = mkdtempSync(join(tmpdir(), 'satiot-audit-bench-'));
  const store = await openStore('sqlite', { dataDir: dir });
  try {
    await run('SQLite (file)', store, alg);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const url = process.env['SATIOT_TEST_POSTGRES_URL'];
  if (url) {
    const schema = `satiot_bench_${randomBytes(4).toString('hex')}`;
    const pg = await openStore(`${url}?schema=${schema}`, { dataDir: dir });
    try {
      await run('PostgreSQL', pg, alg);
    } finally {
      await pg.close();
      await dropPostgresSchema(url, schema);
    }
  }
}
