import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Core } from '../../src/core/core.js';
import { KeyVault } from '../../src/core/key-vault.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { MemoryBus } from '../../src/bus/memory/bus.js';
import { openStore } from '../../src/store/open-store.js';
import type { AuditEntryInput } from '../../src/core/ports/audit-log.js';
import { coreFixture, uplink, T0, type CoreFixture, type TestTerminal } from '../support/core-fixture.js';
import { until } from '../support/until.js';

const P = (s: string) => new Uint8Array(Buffer.from(s));
const OPERATOR = { kind: 'operator' as const, id: 'op' };
const rejection = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe("resetting a terminal's uplink counters", () => {
  let f: CoreFixture;
  let t: TestTerminal;
  const audited: AuditEntryInput[] = [];
  afterEach(async () => {
    await f.close();
    audited.length = 0;
  });

  it('accepts FCnt 0 again after an operator reset, keeps the earlier messages and records the reset', async () => {
    f = await coreFixture({
      audit: {
        append: async (e) => {
          audited.push(e);
        },
      },
    });
    t = await f.addTerminal();
    expect(
      (
        await f.core.pipeline.ingest(
          f.station,
          [0, 1, 2].map((n) => uplink(t, n, P(`old${n}`))),
        )
      ).map((r) => r.status),
    ).toEqual(['accepted', 'accepted', 'accepted']);
    // The terminal restarted and counts from 0: refused (its own old message) until the reset.
    expect((await f.core.pipeline.ingest(f.station, [uplink(t, 0, P('new0'))]))[0]!.status).toBe('duplicate');
    const state = await f.core.registration.resetCounters(t.devEui, OPERATOR);
    expect(state).toMatchObject({ devEui: t.devEui, epoch: 1 });
    const rs = await f.core.pipeline.ingest(f.station, [uplink(t, 0, P('new0')), uplink(t, 1, P('new1'))]);
    expect(rs.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    expect(rs[0]!.messageId).not.toBe(`${t.id}.0`);
    const items = (await f.store.messages.list({ terminalId: t.id, limit: 10 })).items;
    expect(items.map((m) => Buffer.from(m.payload).toString()).sort()).toEqual([
      'new0',
      'new1',
      'old0',
      'old1',
      'old2',
    ]);
    expect((await f.store.messages.get(rs[0]!.messageId!))?.payload).toEqual(P('new0'));
    expect(audited.find((e) => e.action === 'terminal.counters-reset')).toMatchObject({
      outcome: 'ok',
      target: { kind: 'terminal', id: t.devEui },
    });
    // The new counters are guarded as the old were: a copy of new0 is a duplicate, after a restart too.
    expect((await f.core.pipeline.ingest(f.station, [uplink(t, 0, P('new0'))]))[0]!.status).toBe('duplicate');
  });

  it('is an operator decision: a tenant admin gets FORBIDDEN, audited as denied, and the counters stay', async () => {
    f = await coreFixture({
      audit: {
        append: async (e) => {
          audited.push(e);
        },
      },
    });
    t = await f.addTerminal();
    await f.core.pipeline.ingest(f.station, [uplink(t, 5, P('x'))]);
    const e = await rejection(
      f.core.registration.resetCounters(t.devEui, {
        kind: 'api-key',
        id: 'k',
        role: 'tenant-admin',
        tenantId: f.tenantId,
      }),
    );
    expect(e).toMatchObject({ code: 'FORBIDDEN' });
    expect(audited.find((x) => x.action === 'terminal.counters-reset')).toMatchObject({ outcome: 'denied' });
    expect((await f.core.pipeline.ingest(f.station, [uplink(t, 5, P('x'))]))[0]!.status).toBe('duplicate');
    expect(await rejection(f.core.registration.resetCounters('00000000000000ff', OPERATOR))).toMatchObject({
      code: 'TERMINAL_NOT_FOUND',
    });
  });
});

describe('a counter reset in a cluster', () => {
  const dirs: string[] = [];
  const cores: Core[] = [];
  afterEach(async () => {
    for (const c of cores.splice(0).reverse()) await c.close().catch(() => undefined);
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('reaches the other nodes: one that held the old counters in memory accepts FCnt 0 after a reset made through another', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'satiot-counter-reset-'));
    dirs.push(dir);
    const bus = new MemoryBus();
    const vault = new KeyVault(randomBytes(32));
    const start = async (node: string) => {
      const c = await Core.start({
        store: await openStore('sqlite', { dataDir: dir }),
        bus,
        vault,
        clock: new ManualClock(T0),
        node: { nodeId: node },
        onError: () => undefined,
      });
      cores.push(c);
      return c;
    };
    const a = await start('a'),
      b = await start('b');
    const tenant = await a.provisioning.createTenant('t');
    const station = (await a.provisioning.createGroundStation({ name: 'gs', lat: 40, lon: 116 })).station;
    const nwk = randomBytes(16),
      app = randomBytes(16);
    const v = await a.provisioning.createTerminal({
      tenantId: tenant.id,
      devEui: '70b3d5ee00000001',
      devAddr: '02300001',
      nwkSKey: nwk.toString('hex'),
      appSKey: app.toString('hex'),
    });
    const t: TestTerminal = {
      devEui: v.devEui,
      devAddr: v.devAddr,
      id: v.id,
      keys: { suite: 'aes128', nwkSKey: nwk, appSKey: app },
    };
    await until(() => b.registry.byDevEui(t.devEui) !== undefined, 'B to learn the terminal');
    expect(
      (await b.pipeline.ingest(station, [uplink(t, 0, P('a')), uplink(t, 1, P('b'))])).map((r) => r.status),
    ).toEqual(['accepted', 'accepted']);
    await a.registration.resetCounters(t.devEui, OPERATOR);
    await until(() => b.registry.byDevEui(t.devEui)?.epoch === 1, 'B to take the reset');
    expect((await b.pipeline.ingest(station, [uplink(t, 0, P('c'))]))[0]!.status).toBe('accepted');
  });
});
