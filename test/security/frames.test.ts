/**
 * Frames as an attacker sends them, through the gateway API: forged (wrong key, flipped bits,
 * random bytes), replayed after the dedup window, and a ground station using another station's
 * token. Each is refused, and each is recorded: a rejection tally, an anomaly, an audit record.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openStore } from '../../src/store/open-store.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { ChainedAuditLog } from '../../src/supervision/audit-log.js';
import { AnomalyMonitor } from '../../src/supervision/anomaly-monitor.js';
import { anomalyPolicy } from '../../src/supervision/anomaly-policy.js';
import { satellitesOf } from '../../src/core/satellite-records.js';
import { findPassesForAll } from '../../src/orbit/pass-finder.js';
import { makeSite } from '../../src/orbit/site.js';
import { openApi, type ApiFixture } from '../api/api-fixture.js';
import { collect, T0, uplink, type TestTerminal } from '../support/core-fixture.js';

const TLE = readFileSync(new URL('../fixtures/tle/reference-leo.tle', import.meta.url), 'utf8');

describe('forged and replayed frames', () => {
  let api: ApiFixture;
  let log: ChainedAuditLog;
  let monitor: AnomalyMonitor;
  beforeEach(async () => {
    const store = await openStore('sqlite::memory:', { dataDir: '/nonexistent' });
    log = new ChainedAuditLog(store.audit, { clock: new ManualClock(T0) });
    api = await openApi({ store, audit: log, dedupWindowMs: 1000 });
    monitor = new AnomalyMonitor(api.f.core, {
      policy: anomalyPolicy({ replay: { threshold: 2 }, 'mic-failures': { threshold: 3 } }),
    });
    await monitor.start();
  });
  afterEach(async () => {
    await monitor.stop();
    await api.close();
  });

  const post = (token: string, frames: unknown[]) =>
    api.app.inject({
      method: 'POST',
      url: '/api/v1/gateway/uplinks',
      headers: { authorization: `Bearer ${token}` },
      payload: { frames },
    });

  it('refuses frames MIC-signed with the wrong key, counts them and raises a MIC-failure anomaly', async () => {
    const t = await api.f.addTerminal();
    const forged: TestTerminal = {
      ...t,
      keys: { suite: 'aes128', nwkSKey: randomBytes(16), appSKey: randomBytes(16) },
    };
    const alerts = await collect(api.f.bus, 'satiot.anomaly.>', 1, async () => {
      const res = await post(
        api.f.token,
        [1, 2, 3].map((n) => uplink(forged, n, new Uint8Array([n]))),
      );
      expect(res.json().results.map((r: { code: string }) => r.code)).toEqual(['BAD_MIC', 'BAD_MIC', 'BAD_MIC']);
    });
    expect(alerts[0]).toMatchObject({ kind: 'mic-failures', subject: { id: t.devEui } });
    const tallies = await api.f.store.traffic.rejectionTallies();
    expect(tallies).toEqual(
      expect.arrayContaining([expect.objectContaining({ stationId: api.f.station.id, code: 'BAD_MIC', count: 3 })]),
    );
  });

  it('refuses a genuine frame with one bit flipped anywhere', async () => {
    const t = await api.f.addTerminal();
    const good = uplink(t, 1, new Uint8Array([1, 2, 3, 4]));
    const bytes = Buffer.from(good.phyPayload, 'base64');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: bytes.length * 8 - 1 }), async (bit) => {
        const b = Buffer.from(bytes);
        b[bit >> 3]! ^= 1 << (bit & 7);
        const res = await post(api.f.token, [{ ...good, phyPayload: b.toString('base64') }]);
        expect(res.statusCode).toBe(200);
        expect(res.json().results[0].status).toBe('rejected');
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it('answers random bytes and random metadata with a per-frame rejection, never a 500', async () => {
    await api.f.addTerminal();
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            phyPayload: fc.oneof(
              fc.uint8Array({ maxLength: 260 }).map((b) => Buffer.from(b).toString('base64')),
              fc.string({ maxLength: 400 }),
            ),
            satelliteId: fc.string({ minLength: 1, maxLength: 64 }),
            capturedAt: fc
              .date({ min: new Date(T0 - 40 * 86_400_000), max: new Date(T0 + 86_400_000), noInvalidDate: true })
              .map((d) => d.toISOString()),
            downlinkedAt: fc
              .date({ min: new Date(T0 - 40 * 86_400_000), max: new Date(T0 + 86_400_000), noInvalidDate: true })
              .map((d) => d.toISOString()),
            rssi: fc.double({ min: -200, max: 50, noNaN: true }),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        async (frames) => {
          const res = await post(api.f.token, frames);
          expect(res.statusCode).toBeLessThan(500);
          if (res.statusCode === 200)
            for (const r of res.json().results)
              expect(r.status === 'rejected' && typeof r.code === 'string').toBe(true);
        },
      ),
      { numRuns: 100, seed: 11 },
    );
  });

  it('refuses a frame replayed after the dedup window and raises a replay anomaly', async () => {
    const t = await api.f.addTerminal();
    const frame = uplink(t, 5, new Uint8Array([9]));
    expect((await post(api.f.token, [frame])).json().results[0].status).toBe('accepted');
    api.f.clock.advance(5000);
    const alerts = await collect(api.f.bus, 'satiot.anomaly.>', 1, async () => {
      for (let i = 0; i < 2; i++)
        expect((await post(api.f.token, [frame])).json().results[0].code).toBe('REPLAYED_COUNTER');
    });
    expect(alerts[0]).toMatchObject({ kind: 'replay', subject: { id: t.devEui }, evidence: { fCnt: 5, count: 2 } });
    expect((await api.f.store.anomalies.list({ limit: 10, kind: 'replay' })).items).toHaveLength(1);
  });

  it('cannot claim another station: the token decides, and an extra stationId is refused', async () => {
    const t = await api.f.addTerminal();
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/gateway/uplinks',
      headers: { authorization: `Bearer ${api.f.token}` },
      payload: { stationId: api.f.station2.id, frames: [uplink(t, 1, new Uint8Array([1]))] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('INVALID_ARGUMENT');
    const ok = await post(api.f.token, [uplink(t, 1, new Uint8Array([1]))]);
    const id = ok.json().results[0].messageId as string;
    expect((await api.f.store.messages.get(id))!.receptions.map((r) => r.stationId)).toEqual([api.f.station.id]);
  });

  it('refuses an unknown station token and records the attempt', async () => {
    const t = await api.f.addTerminal();
    expect((await post('gs_forged_token', [uplink(t, 1, new Uint8Array([1]))])).statusCode).toBe(401);
    await api.app.auditIdle?.();
    await log.flush();
    const rs = await api.f.store.audit.list({ action: 'auth.failure', limit: 10 });
    expect(rs.items[0]).toMatchObject({
      actor: { kind: 'station' },
      outcome: 'denied',
      details: { code: 'UNAUTHORIZED_STATION' },
    });
  });

  it("flags a station using another station's token: frames from a satellite its owner could not see", async () => {
    await api.f.core.loadSatellites({ tle: TLE });
    const t = await api.f.addTerminal();
    // A station near Kashgar (3,400 km west) holds station A's (Beijing) token and posts what it heard:
    // a pass over Kashgar during which the satellite stayed below A's horizon.
    const sats = satellitesOf(await api.f.store.satellites.list());
    const siteA = makeSite({ latDeg: api.f.station.lat, lonDeg: api.f.station.lon });
    const siteB = makeSite({ latDeg: 39.5, lonDeg: 76 });
    const overB = findPassesForAll(sats, { site: siteB, start: T0 - 20 * 3_600_000, end: T0, minElevationDeg: 20 });
    // A pass over B at whose culmination (± 3 min) the satellite is never above −5° at A.
    const onlyB = overB.find(
      (p) =>
        !p.truncated &&
        findPassesForAll(
          sats.filter((s) => s.name === p.satellite.name),
          { site: siteA, start: p.tca - 180_000, end: p.tca + 180_000, minElevationDeg: -5 },
        ).length === 0,
    );
    expect(onlyB).toBeDefined();
    const alerts = await collect(api.f.bus, 'satiot.anomaly.>', 1, async () => {
      const res = await post(api.f.token, [
        uplink(t, 1, new Uint8Array([1]), {
          satelliteId: onlyB!.satellite.name,
          capturedAt: onlyB!.tca - 60_000,
          downlinkedAt: onlyB!.tca,
        }),
      ]);
      expect(res.json().results[0].status).toBe('accepted');
    });
    expect(alerts[0]).toMatchObject({
      kind: 'station-out-of-contact',
      subject: { kind: 'station', id: api.f.station.id },
      evidence: { satelliteId: onlyB!.satellite.name },
    });
  });
});
