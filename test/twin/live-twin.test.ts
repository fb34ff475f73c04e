import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Core } from '../../src/core/core.js';
import { KeyVault } from '../../src/core/key-vault.js';
import { sha256Hex } from '../../src/core/provisioning.js';
import { openStore } from '../../src/store/open-store.js';
import { openBus } from '../../src/bus/open-bus.js';
import { buildApp } from '../../src/api/app.js';
import { createTwinClock, LiveTwin, resumeStartAt, type TwinStats } from '../../src/twin/index.js';
import { smallScenario, T0 } from './twin-fixtures.js';
import { until } from '../support/until.js';

const dataDir = mkdtempSync(join(tmpdir(), 'satiot-live-'));
const master = randomBytes(32);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function messageCount(core: Core): Promise<number> {
  let n = 0;
  for (const t of await core.store.terminals.listAll())
    n += (await core.store.messages.list({ terminalId: t.id, limit: 1000 })).items.length;
  return n;
}

describe('the live twin', () => {
  let firstRun: TwinStats;
  let storedAfterFirst = 0;

  it("provisions the scenario and posts through the HTTP gateway with the stations' tokens, paced by its clock", async () => {
    const clock = createTwinClock(3600, T0);
    const core = await Core.start({
      store: await openStore('sqlite', { dataDir }),
      bus: await openBus('memory'),
      vault: new KeyVault(master),
      clock,
    });
    const app = await buildApp({ core, adminKeyHash: sha256Hex(randomBytes(16).toString('hex')) });
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const twin = await LiveTwin.start({
        scenario: smallScenario(),
        core,
        clock,
        gateway: 'http',
        baseUrl,
        dataDir,
        tickMs: 100,
      });
      expect(twin.created()).toEqual({ tenants: 3, stations: 2, gateways: 0, terminals: 38 });
      expect(twin.stations().map((s) => s.token.startsWith('gst_'))).toEqual([true, true]);
      await until(() => twin.stats().accepted >= 20, '20 accepted frames', 20_000, 50);
      await twin.stop();
      firstRun = twin.stats();
      expect(firstRun.rejected).toBe(0);
      // Simulated time moved with the wall clock ×3600, and the core stamped with it.
      expect(firstRun.simTime).toBeGreaterThan(T0 + 3_600_000 * 0.2);
      expect(resumeStartAt(dataDir)).toBe(firstRun.simTime);
      storedAfterFirst = await messageCount(core);
      expect(storedAfterFirst).toBeGreaterThan(0);
      const anyTerminal = (await core.store.terminals.listAll())[0]!;
      const msgs = (await core.store.messages.list({ terminalId: anyTerminal.id, limit: 1000 })).items;
      for (const m of msgs) expect(m.ingestedAt).toBeGreaterThanOrEqual(T0);
    } finally {
      await app.close();
      await core.close();
    }
  }, 60_000);

  it('resumes on the same data: nothing registered twice, counters continue, no frame refused', async () => {
    const resume = resumeStartAt(dataDir)!;
    const clock = createTwinClock(3600, resume);
    const core = await Core.start({
      store: await openStore('sqlite', { dataDir }),
      bus: await openBus('memory'),
      vault: new KeyVault(master),
      clock,
    });
    try {
      const twin = await LiveTwin.start({
        scenario: smallScenario(),
        core,
        clock,
        gateway: 'inprocess',
        dataDir,
        tickMs: 100,
      });
      expect(twin.created()).toEqual({ tenants: 0, stations: 0, gateways: 0, terminals: 0 });
      await until(() => twin.stats().accepted >= 20, '20 more accepted frames', 20_000, 50);
      await twin.stop();
      expect(twin.stats().rejected).toBe(0);
      expect(twin.stats().simTime).toBeGreaterThan(resume);
      expect(await messageCount(core)).toBeGreaterThan(storedAfterFirst);
      expect((await core.store.tenants.list()).length).toBe(3);
      expect((await core.store.groundStations.list()).length).toBe(2);
    } finally {
      await core.close();
    }
  }, 60_000);
});
