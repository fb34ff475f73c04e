import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewTerminal, TerminalView } from '../../src/core/provisioning.js';
import { SatiotError } from '../../src/errors/satiot-error.js';
import { MemoryAudit } from '../supervision/registration-fixture.js';
import { coreFixture, uplink, type CoreFixture, type TestTerminal } from '../support/core-fixture.js';

let f: CoreFixture;
afterEach(() => f?.close());

let n = 0;
/** A fresh terminal row (random keys) with its keys for frames. */
function row(
  tenantId: string,
  over: Partial<NewTerminal> = {},
): NewTerminal & { devEui: string; devAddr: string; t: TestTerminal } {
  const i = ++n;
  const nwk = randomBytes(16),
    app = randomBytes(16);
  const devEui = (0x70b3d5bb00000000n + BigInt(i)).toString(16).padStart(16, '0');
  const devAddr = (0x0a000000 + i).toString(16).padStart(8, '0');
  return {
    tenantId,
    devEui,
    devAddr,
    nwkSKey: nwk.toString('hex'),
    appSKey: app.toString('hex'),
    ...over,
    t: { devEui, devAddr, id: '', keys: { suite: 'aes128', nwkSKey: nwk, appSKey: app } },
  };
}

const codeOf = (r: TerminalView | SatiotError): string => (r instanceof SatiotError ? r.code : 'created');

describe('bulk provisioning (core.registration.createTerminals)', () => {
  it('answers each row on its own, in order, and registers the good ones across several transactions', async () => {
    const audit = new MemoryAudit();
    f = await coreFixture({ audit });
    const good = Array.from({ length: 4_500 }, () => row(f.tenantId)); // three chunks of at most 2,000
    const existing = await f.addTerminal();
    const rows: NewTerminal[] = [...good];
    rows.splice(10, 0, { ...row(f.tenantId), nwkSKey: 'zz' }); // not hex
    rows.splice(20, 0, row('no-such-tenant')); // unknown tenant
    rows.splice(30, 0, row(f.tenantId, { codec: 'nope' })); // unknown codec
    rows.splice(40, 0, { ...row(f.tenantId), devEui: good[5]!.devEui }); // twice in the batch
    rows.splice(50, 0, { ...row(f.tenantId), devEui: existing.devEui.toUpperCase() }); // registered already
    const out = await f.core.registration.createTerminals(rows, { kind: 'operator', id: 'op' });

    expect(out).toHaveLength(rows.length);
    expect([10, 20, 30, 40, 50].map((i) => codeOf(out[i]!))).toEqual([
      'INVALID_ARGUMENT',
      'TENANT_NOT_FOUND',
      'INVALID_ARGUMENT',
      'TERMINAL_EXISTS',
      'TERMINAL_EXISTS',
    ]);
    const created = out.filter((r) => !(r instanceof SatiotError)) as TerminalView[];
    expect(created).toHaveLength(4_500);
    expect(created.map((v) => v.devEui)).toEqual(good.map((g) => g.devEui));
    expect(created.every((v) => v.status === 'approved')).toBe(true);
    // In the store, and in the registry with working keys: a frame of the last one is accepted.
    expect((await f.store.terminals.listAll()).filter((t) => t.tenantId === f.tenantId)).toHaveLength(4_501);
    const last = good[good.length - 1]!;
    expect((await f.core.pipeline.ingest(f.station, [uplink(last.t, 1, new Uint8Array([7]))]))[0]!.status).toBe(
      'accepted',
    );
    // Audited row by row, failures with their code.
    const reg = audit.entries.filter((e) => e.action === 'terminal.register');
    expect(reg.filter((e) => e.outcome === 'ok')).toHaveLength(4_500);
    expect(reg.filter((e) => e.outcome === 'failed').map((e) => e.details?.['code'])).toEqual([
      'INVALID_ARGUMENT',
      'TENANT_NOT_FOUND',
      'INVALID_ARGUMENT',
      'TERMINAL_EXISTS',
      'TERMINAL_EXISTS',
    ]);
  });

  it('fails only the row whose DevEUI the store already holds when the registry did not know it (another node)', async () => {
    f = await coreFixture();
    const rows = Array.from({ length: 50 }, () => row(f.tenantId));
    // Registered through another node a moment ago: in the store, not yet in this node's registry.
    const r17 = rows[17]!;
    await f.store.terminals.create({
      id: 'other-node-terminal',
      tenantId: f.tenantId,
      devEui: r17.devEui,
      devAddr: r17.devAddr,
      suite: 'aes128',
      profile: 'fixed-collector',
      expectedMessagesPerDay: 24,
      enabled: true,
      status: 'approved',
      createdAt: Date.now(),
      nwkSKeySealed: f.vault.seal(randomBytes(16), 'x'),
      appSKeySealed: f.vault.seal(randomBytes(16), 'y'),
    });
    expect(f.core.registry.byDevEui(r17.devEui)).toBeUndefined();
    const out = await f.core.provisioning.createTerminals(rows);
    expect(out.map(codeOf).filter((c) => c !== 'created')).toEqual(['TERMINAL_EXISTS']);
    expect(codeOf(out[17]!)).toBe('TERMINAL_EXISTS');
    expect(out.filter((r) => !(r instanceof SatiotError))).toHaveLength(49);
  });

  it("puts a tenant's rows in pending under review policy, as single registrations", async () => {
    f = await coreFixture({ registration: { reviewTenantRegistrations: true } });
    const tenantAdmin = { kind: 'api-key' as const, id: 'k1', role: 'tenant-admin' as const, tenantId: f.tenantId };
    const out = await f.core.registration.createTerminals([row(f.tenantId), row(f.tenantId)], tenantAdmin);
    expect(out.map((r) => (r as TerminalView).status)).toEqual(['pending', 'pending']);
  });
});
