import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/ports/clock.js';
import { ChainedAuditLog } from '../../src/supervision/audit-log.js';
import { AuditSigner } from '../../src/supervision/audit-signer.js';
import { verifyStoredChain } from '../../src/supervision/audit-verifier.js';
import type { Anomaly } from '../../src/core/ports/anomaly-store.js';
import { POSTGRES_URL, postgresCase, SQLITE_FILE, type StoreHarness } from '../store/helpers.js';
import { entry, T0 } from './audit-fixture.js';

const BACKENDS = [SQLITE_FILE, ...(POSTGRES_URL ? [postgresCase(POSTGRES_URL)] : [])];
if (!POSTGRES_URL) console.warn('audit store: PostgreSQL skipped (set SATIOT_TEST_POSTGRES_URL to run it)');

describe.each(BACKENDS)('audit and anomaly stores on $name', (backend) => {
  let h: StoreHarness | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });

  it('never forks the chain when two nodes append at the same time', async () => {
    h = await backend.open();
    const second = await h.openSecond!();
    const clock = new ManualClock(T0);
    const signer = AuditSigner.generate();
    const a = new ChainedAuditLog(h.store.audit, { clock, signer, checkpointEvery: 50 });
    const b = new ChainedAuditLog(second.audit, { clock, signer, checkpointEvery: 50 });
    // 2 × 150 appends, issued in waves so both writers' groups interleave.
    for (let wave = 0; wave < 10; wave++) {
      await Promise.all([
        ...Array.from({ length: 15 }, (_, i) => a.append(entry(wave * 100 + i))),
        ...Array.from({ length: 15 }, (_, i) => b.append(entry(wave * 100 + 50 + i))),
      ]);
    }
    const v = await verifyStoredChain(h.store.audit, signer);
    expect(v).toMatchObject({ ok: true, records: 300, firstSeq: 1, lastSeq: 300 });
    expect(v.checkpointsVerified).toBeGreaterThan(0);
    expect(await second.audit.head()).toEqual(await h.store.audit.head());
  });

  it('lists by tenant, time, action prefix and outcome, newest first, with a cursor', async () => {
    h = await backend.open();
    const log = new ChainedAuditLog(h.store.audit, { clock: new ManualClock(T0) });
    for (let i = 0; i < 8; i++)
      await log.append(entry(i, { at: T0 + i * 1000, ...(i === 5 ? { outcome: 'denied' as const } : {}) }));
    const even = await h.store.audit.list({ tenantId: 't-even', limit: 3 });
    expect(even.items.map((r) => r.details?.n)).toEqual([6, 4, 2]);
    const rest = await h.store.audit.list({ tenantId: 't-even', limit: 3, cursor: even.nextCursor! });
    expect(rest.items.map((r) => r.details?.n)).toEqual([0]);
    expect((await h.store.audit.list({ action: 'terminal.', limit: 10 })).items.map((r) => r.details?.n)).toEqual([
      4, 0,
    ]);
    // A prefix is literal: '%' and '_' match nothing special.
    expect((await h.store.audit.list({ action: 'terminal%', limit: 10 })).items).toEqual([]);
    expect((await h.store.audit.list({ outcome: 'denied', limit: 10 })).items.map((r) => r.seq)).toEqual([6]);
    expect((await h.store.audit.list({ from: T0 + 2000, to: T0 + 4000, limit: 10 })).items.map((r) => r.seq)).toEqual([
      4, 3,
    ]);
    expect(await h.store.audit.seqRange(T0 + 2000, T0 + 4000)).toEqual({ first: 3, last: 4 });
  });

  it('stores anomalies and lists them by tenant, kind and subject', async () => {
    h = await backend.open();
    const a = (n: number, o: Partial<Anomaly> = {}): Anomaly => ({
      id: `a${n}`,
      kind: 'replay',
      subject: { kind: 'terminal', id: `dev${n % 2}` },
      tenantId: 't1',
      score: 0.5,
      evidence: { count: n },
      observedAt: T0,
      detectedAt: T0 + n,
      response: 'alert',
      ...o,
    });
    for (let n = 0; n < 5; n++) await h.store.anomalies.save(a(n));
    await h.store.anomalies.save(
      a(9, {
        kind: 'station-out-of-contact',
        subject: { kind: 'station', id: 'gs' },
        tenantId: undefined as unknown as string,
      }),
    );
    await h.store.anomalies.save(a(0)); // saved twice: kept once
    const t1 = await h.store.anomalies.list({ tenantId: 't1', limit: 2 });
    expect(t1.items.map((x) => x.id)).toEqual(['a4', 'a3']);
    expect(
      (await h.store.anomalies.list({ tenantId: 't1', limit: 10, cursor: t1.nextCursor! })).items.map((x) => x.id),
    ).toEqual(['a2', 'a1', 'a0']);
    expect((await h.store.anomalies.list({ subjectId: 'dev1', limit: 10 })).items.map((x) => x.id)).toEqual([
      'a3',
      'a1',
    ]);
    const st = (await h.store.anomalies.list({ kind: 'station-out-of-contact', limit: 10 })).items;
    expect(st).toEqual([
      expect.objectContaining({ id: 'a9', subject: { kind: 'station', id: 'gs' }, evidence: { count: 9 } }),
    ]);
    expect(st[0]!.tenantId).toBeUndefined();
  });
});
