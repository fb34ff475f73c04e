/** The network's traffic over the API (GET /api/v1/network/traffic): hour by hour on the core's clock, per station and satellite. */
import { describe, expect, it } from 'vitest';
import { auth, keyFor, useApi } from './api-fixture.js';
import { uplink, T0 } from '../support/core-fixture.js';

describe("API: the network's traffic", () => {
  const api = useApi();

  it('counts copies per station and satellite and rejected frames by code, hour by hour, for operators and regulators only', async () => {
    const { f, app } = api;
    const t = await f.addTerminal();
    const H = 3_600_000;
    // Two copies of one frame through two satellites and stations, then a later frame; then a replay.
    f.clock.set(Math.floor(T0 / H) * H - 2 * H + 60_000);
    await f.core.pipeline.ingest(f.station, [
      uplink(t, 1, new Uint8Array([1]), { satelliteId: 'SAT-1', capturedAt: f.clock.now() - 600_000 }),
    ]);
    await f.core.pipeline.ingest(f.station2, [
      uplink(t, 1, new Uint8Array([1]), { satelliteId: 'SAT-2', capturedAt: f.clock.now() - 600_000 }),
    ]);
    f.clock.advance(2 * H);
    await f.core.pipeline.ingest(f.station, [
      uplink(t, 2, new Uint8Array([2]), { satelliteId: 'SAT-1', capturedAt: f.clock.now() - 600_000 }),
    ]);
    await f.core.pipeline.ingest(f.station, [
      uplink(t, 2, new Uint8Array([2]), { satelliteId: 'SAT-1', capturedAt: f.clock.now() - 600_000 }),
    ]); // the same copy again: not counted
    const [refused] = await f.core.pipeline.ingest(f.station2, [
      uplink({ ...t, devAddr: '0badbeef' }, 3, new Uint8Array([3]), { capturedAt: f.clock.now() - 600_000 }),
    ]);
    expect(refused).toMatchObject({ status: 'rejected' });
    const res = await app.inject({ method: 'GET', url: '/api/v1/network/traffic?hours=3', headers: auth });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.at).toBe(new Date(f.clock.now()).toISOString());
    expect(body.hours.map((h: { receptions: number }) => h.receptions)).toEqual([2, 0, 1]);
    expect(body.hours.map((h: { rejections: Record<string, number> }) => h.rejections)).toEqual([
      {},
      {},
      { [refused!.code!]: 1 },
    ]);
    expect(body.stations).toEqual([
      { id: f.station.id, name: 'gs-a', kind: 'ground-station', receptions: 2, rejections: 0 },
      { id: f.station2.id, name: 'gs-b', kind: 'ground-station', receptions: 1, rejections: 1 },
    ]);
    expect(body.satellites).toEqual([
      { satelliteId: 'SAT-1', receptions: 2 },
      { satelliteId: 'SAT-2', receptions: 1 },
    ]);
    expect(body.onBoard).toEqual([]); // no downlink is on a satellite (test/api/downlink-routes.test.ts counts one)
    // A tenant's keys do not see the network; a regulator does.
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/api/v1/network/traffic',
          headers: { authorization: `Bearer ${await keyFor(app, 'tenant-admin', f.tenantId)}` },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/api/v1/network/traffic',
          headers: { authorization: `Bearer ${await keyFor(app, 'regulator')}` },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/network/traffic?hours=500', headers: auth })).statusCode,
    ).toBe(400);
  });
});
