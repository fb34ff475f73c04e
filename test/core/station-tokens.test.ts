/**
 * A station token rotated or revoked through one node is refused by every other node at once: two
 * cores on one SQLite file and one in-process bus, the second having just accepted the token.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Core } from '../../src/core/core.js';
import { KeyVault } from '../../src/core/key-vault.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { MemoryBus } from '../../src/bus/memory/bus.js';
import { openStore } from '../../src/store/open-store.js';
import { dropPostgresSchema } from '../../src/store/postgres/drop-schema.js';
import { POSTGRES_URL } from '../store/helpers.js';
import { T0 } from '../support/core-fixture.js';

const cores: Core[] = [];
const dirs: string[] = [];
const schemas: string[] = [];
afterEach(async () => {
  for (const c of cores.splice(0).reverse()) await c.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  for (const s of schemas.splice(0)) await dropPostgresSchema(POSTGRES_URL!, s);
});

/** Two nodes on one store (a SQLite file, or a PostgreSQL schema) and one bus. */
async function twoNodes(backend: 'sqlite' | 'postgres' = 'sqlite'): Promise<[Core, Core]> {
  const dir = mkdtempSync(join(tmpdir(), 'satiot-station-tokens-'));
  dirs.push(dir);
  let spec = 'sqlite';
  if (backend === 'postgres') {
    const schema = `satiot_test_${randomBytes(5).toString('hex')}`;
    schemas.push(schema);
    spec = `${POSTGRES_URL}${POSTGRES_URL!.includes('?') ? '&' : '?'}schema=${schema}`;
  }
  const bus = new MemoryBus();
  const vault = new KeyVault(randomBytes(32));
  const start = async (node: string) => {
    const core = await Core.start({
      store: await openStore(spec, { dataDir: dir }),
      bus,
      vault,
      clock: new ManualClock(T0),
      node: { nodeId: node },
      leases: { ttlMs: 600, renewMs: 100 },
      onError: () => undefined,
    });
    cores.push(core);
    return core;
  };
  return [await start('a'), await start('b')];
}

const operator = { kind: 'operator' as const };

describe('station tokens across nodes', () => {
  it('refuses on B, at once, a token rotated on A (B had accepted it a moment before)', async () => {
    const [a, b] = await twoNodes();
    const { station, token } = await a.provisioning.createGroundStation({ name: 'gs', lat: 40, lon: 116 });
    expect((await b.provisioning.stationForToken(token))?.id).toBe(station.id);
    const rotated = await a.stationTokens.rotate(station.id, operator);
    expect(await b.provisioning.stationForToken(token)).toBeUndefined();
    expect((await b.provisioning.stationForToken(rotated.token))?.id).toBe(station.id);
  });

  it('refuses on B, at once, a token revoked on A', async () => {
    const [a, b] = await twoNodes();
    const { station, token } = await a.provisioning.createGroundStation({ name: 'gs', lat: 40, lon: 116 });
    expect((await b.provisioning.stationForToken(token))?.id).toBe(station.id);
    await a.stationTokens.revoke(station.id, operator);
    expect(await b.provisioning.stationForToken(token)).toBeUndefined();
    expect(await a.provisioning.stationForToken(token)).toBeUndefined();
  });

  it.runIf(POSTGRES_URL)('does the same on one PostgreSQL', async () => {
    const [a, b] = await twoNodes('postgres');
    const { station, token } = await a.provisioning.createGroundStation({ name: 'gs', lat: 40, lon: 116 });
    expect((await b.provisioning.stationForToken(token))?.id).toBe(station.id);
    const rotated = await b.stationTokens.rotate(station.id, operator);
    expect(await a.provisioning.stationForToken(token)).toBeUndefined();
    await a.stationTokens.revoke(station.id, operator);
    expect(await b.provisioning.stationForToken(rotated.token)).toBeUndefined();
  });
});
