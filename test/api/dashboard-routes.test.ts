import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseElementSets } from '../../src/orbit/parse-element-sets.js';
import { uplink, T0, type TestTerminal } from '../support/core-fixture.js';
import { FakePublisher, FakeTransport } from '../core/delivery/helpers.js';
import { auth, keyFor, useApi } from './api-fixture.js';

const TLE = readFileSync(new URL('../fixtures/tle/reference-leo.tle', import.meta.url), 'utf8');
const MIN = 60_000;
const DEG = Math.PI / 180;

/** Great-circle distance, km (haversine on a 6371 km sphere). */
function km(a: number[], b: number[]): number {
  const [la1 = 0, lo1 = 0] = a,
    [la2 = 0, lo2 = 0] = b;
  const h =
    Math.sin(((la2 - la1) * DEG) / 2) ** 2 +
    Math.cos(la1 * DEG) * Math.cos(la2 * DEG) * Math.sin(((lo2 - lo1) * DEG) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

describe("API: the dashboard's reads", () => {
  let transport: FakeTransport;
  const api = useApi(() => {
    transport = new FakeTransport();
    return { delivery: { transport, publisher: new FakePublisher() } };
  });
  const get = (url: string, headers: Record<string, string> = auth) => api.app.inject({ method: 'GET', url, headers });

  it('tells a key its role, tenant and whether it sees payloads', async () => {
    expect((await get('/api/v1/session')).json()).toEqual({ role: 'operator', tenantId: null, seesPayloads: true });
    const user = await keyFor(api.app, 'tenant-user', api.f.tenantId);
    expect((await get('/api/v1/session', { authorization: `Bearer ${user}` })).json()).toEqual({
      role: 'tenant-user',
      tenantId: api.f.tenantId,
      seesPayloads: true,
    });
    const reg = await keyFor(api.app, 'regulator');
    expect((await get('/api/v1/session', { authorization: `Bearer ${reg}` })).json()).toMatchObject({
      role: 'regulator',
      seesPayloads: false,
    });
    expect((await get('/api/v1/session', {})).statusCode).toBe(401);
  });

  it('counts messages per hour of ingest and gives P50/P95 per hop from the stored hop times', async () => {
    await api.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: auth,
      payload: { tenantId: api.f.tenantId, url: 'https://receiver.example/hook', events: ['uplink'] },
    });
    const t = await api.f.addTerminal();
    // On board 10, 20 and 30 min; on the ground 1, 2 and 3 min (ingest is the clock's T0).
    const frames = [1, 2, 3].map((i) =>
      uplink(t, i, new Uint8Array([i]), { capturedAt: T0 - i * 11 * MIN, downlinkedAt: T0 - i * MIN }),
    );
    await api.f.core.pipeline.ingest(api.f.station, frames);
    // A frame of a terminal nobody registered: rejected.
    const stranger: TestTerminal = {
      devEui: '00',
      devAddr: 'fe000001',
      id: 'x',
      keys: { suite: 'aes128', nwkSKey: randomBytes(16), appSKey: randomBytes(16) },
    };
    await api.f.core.pipeline.ingest(api.f.station, [uplink(stranger, 1, new Uint8Array([1]))]);
    for (let i = 0; i < 100 && transport.to('https://receiver.example/hook').length < 3; i++)
      await new Promise((r) => setTimeout(r, 20));
    // The receiver has the third POST a moment before the worker records it as delivered.
    const kpis = async () => (await get(`/api/v1/kpis?tenantId=${api.f.tenantId}&hours=2`)).json();
    const delivered = (x: { latency: Array<{ hop: string; count: number }> }) =>
      x.latency.find((h) => h.hop === 'ingested→delivered')?.count ?? 0;
    for (let i = 0; i < 100 && delivered(await kpis()) < 3; i++) await new Promise((r) => setTimeout(r, 20));

    const k = await kpis();
    expect(k.messagesScanned).toBe(3);
    expect(k.sampled).toBe(false);
    expect(k.messagesPerHour).toEqual([
      { hour: new Date(T0 - 3_600_000).toISOString(), messages: 0 },
      { hour: new Date(T0).toISOString(), messages: 3 },
    ]);
    // Nearest rank over three values: P50 is the 2nd, P95 the 3rd.
    expect(k.latency).toEqual([
      { hop: 'captured→downlinked', count: 3, p50Seconds: 1200, p95Seconds: 1800 },
      { hop: 'downlinked→ingested', count: 3, p50Seconds: 120, p95Seconds: 180 },
      { hop: 'ingested→delivered', count: 3, p50Seconds: 0, p95Seconds: 0 },
      { hop: 'captured→ingested', count: 3, p50Seconds: 1320, p95Seconds: 1980 },
    ]);
    expect(k.rejections).toEqual([{ code: 'UNKNOWN_TERMINAL', count: 1 }]);
    // Tenant keys see their own traffic, not the service's rejections or stations.
    const admin = await keyFor(api.app, 'tenant-admin', api.f.tenantId);
    const own = (await get('/api/v1/kpis', { authorization: `Bearer ${admin}` })).json();
    expect(own).toMatchObject({ messagesScanned: 3, rejections: null, contactsToday: null });
  });

  it('leaves out messages ingested before the window', async () => {
    const t = await api.f.addTerminal();
    await api.f.core.pipeline.ingest(api.f.station, [uplink(t, 1, new Uint8Array([1]))]);
    api.f.clock.advance(3 * 3_600_000);
    await api.f.core.pipeline.ingest(api.f.station, [
      uplink(t, 2, new Uint8Array([2]), { capturedAt: api.f.clock.now() - 5 * MIN }),
    ]);
    const k = (await get('/api/v1/kpis?hours=1')).json();
    expect(k.messagesScanned).toBe(1);
    expect(k.messagesPerHour).toHaveLength(1);
  });

  it("counts each ground station's contacts today as its pass list over the same UTC day", async () => {
    await api.app.inject({ method: 'POST', url: '/api/v1/satellites', headers: auth, payload: { tle: TLE } });
    const k = (await get('/api/v1/kpis')).json();
    const day = new Date(Math.floor(T0 / 86_400_000) * 86_400_000).toISOString();
    for (const s of [api.f.station, api.f.station2]) {
      const passes = (await get(`/api/v1/ground-stations/${s.id}/passes?start=${day}&hours=24&minElevation=5`)).json()
        .passes;
      expect(passes.length).toBeGreaterThan(0);
      expect(k.contactsToday).toContainEqual({ stationId: s.id, name: s.name, contacts: passes.length });
    }
  });

  it("gives ground tracks on one time grid, through the API's positions, at a LEO ground speed", async () => {
    await api.app.inject({ method: 'POST', url: '/api/v1/satellites', headers: auth, payload: { tle: TLE } });
    const res = (await get('/api/v1/satellites/tracks?beforeMinutes=10&afterMinutes=10&stepSeconds=60')).json();
    expect(res.start).toBe(new Date(T0 - 10 * MIN).toISOString());
    expect(res.items).toHaveLength(6);
    const at = (await get(`/api/v1/satellites?at=${new Date(T0).toISOString()}`)).json();
    for (const s of res.items) {
      expect(s.points).toHaveLength(21);
      const now = at.items.find((x: { noradId: number }) => x.noradId === s.noradId).position;
      expect(s.points[10][0]).toBeCloseTo(now.lat, 3);
      expect(s.points[10][1]).toBeCloseTo(now.lon, 3);
      // 60 s along the track: 5.5–8 km/s over the ground for LEO (orbital speed ± the Earth's rotation, less with height).
      for (let i = 1; i < s.points.length; i++)
        expect(km(s.points[i - 1], s.points[i]) / 60).toSatisfy((v: number) => v > 5.5 && v < 8);
    }
  });

  it('refuses a track request over the point limit', async () => {
    const walker = await get(
      `/api/v1/constellations/walker?walker=53:30/3/1&altitudeKm=550&epoch=${new Date(T0).toISOString()}`,
    );
    expect(
      (
        await api.app.inject({
          method: 'POST',
          url: '/api/v1/satellites',
          headers: auth,
          payload: { tle: walker.body },
        })
      ).json().items,
    ).toHaveLength(30);
    // 30 satellites × 8,641 steps is more than 200,000 points.
    const big = await get('/api/v1/satellites/tracks?beforeMinutes=360&afterMinutes=360&stepSeconds=5');
    expect([big.statusCode, big.json().error.code]).toEqual([400, 'INVALID_ARGUMENT']);
    expect((await get('/api/v1/satellites/tracks?beforeMinutes=360&afterMinutes=360&stepSeconds=60')).statusCode).toBe(
      200,
    );
  });

  it("gives the constellation's element sets as TLE text the sets were loaded from", async () => {
    await api.app.inject({ method: 'POST', url: '/api/v1/satellites', headers: auth, payload: { tle: TLE } });
    const res = (await get('/api/v1/satellites/elements')).json();
    expect(res.count).toBe(6);
    const back = parseElementSets(res.tle);
    expect(back.issues).toEqual([]);
    expect(back.sets.map((s) => s.name).sort()).toEqual(
      parseElementSets(TLE)
        .sets.map((s) => s.name)
        .sort(),
    );
    for (const line of TLE.split('\n').filter((l) => /^[12] /.test(l))) expect(res.tle).toContain(line.trimEnd());
  });
});
