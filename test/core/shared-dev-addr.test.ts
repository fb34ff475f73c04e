import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as frame from '../../src/frame/index.js';
import { coreFixture, uplink, type CoreFixture, type TestTerminal } from '../support/core-fixture.js';

// Counts MIC computations: the ingest path's cost per frame when terminals share a DevAddr.
vi.mock('../../src/frame/index.js', async (importOriginal) => {
  const m = await importOriginal<typeof frame>();
  return { ...m, verifyMic: vi.fn(m.verifyMic) };
});
const micChecks = vi.mocked(frame.verifyMic);

/** What a promise rejects with (undefined when it resolves). */
const errorOf = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );
const P = (s: string) => new Uint8Array(Buffer.from(s));
const TENANT_ADMIN = { kind: 'api-key' as const, id: 'k1', role: 'tenant-admin' as const };

function row(tenantId: string, devAddr: string, n: number) {
  return {
    tenantId,
    devAddr,
    devEui: (0x5ec0000000000000n + BigInt(n)).toString(16),
    nwkSKey: randomBytes(16).toString('hex'),
    appSKey: randomBytes(16).toString('hex'),
  };
}

describe('terminals sharing a DevAddr', () => {
  let f: CoreFixture;
  beforeEach(async () => {
    f = await coreFixture();
    micChecks.mockClear();
  });
  afterEach(async () => {
    await f.close();
  });

  it('refuses a terminal whose DevAddr already has the most terminals allowed (default 4) with 409 DEV_ADDR_SHARED_LIMIT', async () => {
    for (let n = 1; n <= 4; n++) await f.core.registration.createTerminal(row(f.tenantId, 'aa000001', n), TENANT_ADMIN);
    const e = await errorOf(f.core.registration.createTerminal(row(f.tenantId, 'aa000001', 5), TENANT_ADMIN));
    expect(e).toMatchObject({ code: 'DEV_ADDR_SHARED_LIMIT' });
    // Bulk rows count each other: of six new rows on one fresh address, the last two are refused.
    const out = await f.core.registration.createTerminals(
      [6, 7, 8, 9, 10, 11].map((n) => row(f.tenantId, 'aa000002', n)),
      TENANT_ADMIN,
    );
    expect(out.map((r) => (r instanceof Error ? (r as { code?: string }).code : 'ok'))).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      'DEV_ADDR_SHARED_LIMIT',
      'DEV_ADDR_SHARED_LIMIT',
    ]);
  });

  it('refuses a tenant a DevAddr another tenant uses (DEV_ADDR_IN_USE); an operator may share it', async () => {
    const other = await f.core.provisioning.createTenant('t2');
    await f.core.registration.createTerminal(row(f.tenantId, 'bb000001', 1), TENANT_ADMIN);
    expect(await errorOf(f.core.registration.createTerminal(row(other.id, 'bb000001', 2), TENANT_ADMIN))).toMatchObject(
      { code: 'DEV_ADDR_IN_USE' },
    );
    const bulk = await f.core.registration.createTerminals([row(other.id, 'bb000001', 3)], TENANT_ADMIN);
    expect(bulk[0]).toMatchObject({ code: 'DEV_ADDR_IN_USE' });
    await expect(
      f.core.registration.createTerminal(row(other.id, 'bb000001', 4), { kind: 'operator', id: 'op' }),
    ).resolves.toMatchObject({ devAddr: 'bb000001' });
  });

  it('checks the one session that matches first in the common case: one MIC computation per frame', async () => {
    const ts: TestTerminal[] = [];
    for (let n = 0; n < 4; n++) ts.push(await f.addTerminal({ devAddr: 'cc000001' }));
    // Terminals at different points of their counters: each frame's own session is nearest to its counter.
    const tops = [500, 200, 40, 0];
    for (let k = 0; k < 4; k++)
      expect((await f.core.pipeline.ingest(f.station, [uplink(ts[k]!, tops[k]!, P('x'))]))[0]!.status).toBe('accepted');
    micChecks.mockClear();
    const frames = [];
    for (let i = 1; i <= 10; i++) for (let k = 0; k < 4; k++) frames.push(uplink(ts[k]!, tops[k]! + i, P('y')));
    const rs = await f.core.pipeline.ingest(f.station, frames);
    expect(rs.every((r) => r.status === 'accepted')).toBe(true);
    expect(micChecks).toHaveBeenCalledTimes(frames.length);
  });

  it('tries the session that last matched first when counters do not tell the terminals apart', async () => {
    const a = await f.addTerminal({ devAddr: 'dd000001' });
    const b = await f.addTerminal({ devAddr: 'dd000001' });
    await f.core.pipeline.ingest(f.station, [uplink(a, 5, P('a'))]);
    await f.core.pipeline.ingest(f.station, [uplink(b, 5, P('b'))]);
    micChecks.mockClear();
    // Both expect counter 6 next; b matched last on this address.
    expect((await f.core.pipeline.ingest(f.station, [uplink(b, 6, P('b'))]))[0]!.status).toBe('accepted');
    expect(micChecks).toHaveBeenCalledTimes(1);
  });
});
