import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { PayloadCodec } from '../../src/codecs/codec.js';
import { openStore } from '../../src/store/open-store.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { ChainedAuditLog } from '../../src/supervision/audit-log.js';
import { AnomalyMonitor } from '../../src/supervision/anomaly-monitor.js';
import { anomalyPolicy, type AnomalyPolicy } from '../../src/supervision/anomaly-policy.js';
import { verifyStoredChain } from '../../src/supervision/audit-verifier.js';
import { findPassesForAll } from '../../src/orbit/pass-finder.js';
import { makeSite } from '../../src/orbit/site.js';
import { satellitesOf } from '../../src/core/satellite-records.js';
import { subSatellitePoint } from '../../src/orbit/sub-satellite-point.js';
import { declarationBody } from './registration-fixture.js';
import { rejectionEvent } from '../../src/core/events/rejection-event.js';
import { rejectionSubject } from '../../src/core/events/subjects.js';
import { collect, coreFixture, T0, uplink, type CoreFixture, type TestTerminal } from '../support/core-fixture.js';

/** Payloads are JSON text: `{"position":{"lat":…,"lon":…},"emergency":…}` decoded as is. */
const jsonCodec: PayloadCodec = {
  name: 'json',
  description: 'test: JSON text',
  decode: (b) => JSON.parse(Buffer.from(b).toString('utf8')),
};
const json = (o: unknown) => new Uint8Array(Buffer.from(JSON.stringify(o)));
const TLE = readFileSync(new URL('../fixtures/tle/reference-leo.tle', import.meta.url), 'utf8');

interface Env {
  f: CoreFixture;
  monitor: AnomalyMonitor;
  log: ChainedAuditLog;
}
let env: Env | undefined;

async function start(policy: AnomalyPolicy = anomalyPolicy(), o: { dedupWindowMs?: number } = {}): Promise<Env> {
  const store = await openStore('sqlite::memory:', { dataDir: '/nonexistent' });
  const log = new ChainedAuditLog(store.audit, { clock: new ManualClock(T0) });
  const f = await coreFixture({
    store,
    audit: log,
    codecs: new Map([['json', jsonCodec]]),
    ...(o.dedupWindowMs ? { dedupWindowMs: o.dedupWindowMs } : {}),
  });
  const monitor = new AnomalyMonitor(f.core, {
    policy,
    onError: (e) => {
      throw e;
    },
  });
  await monitor.start();
  env = { f, monitor, log };
  return env;
}
afterEach(async () => {
  await env?.monitor.stop();
  await env?.f.close();
  env = undefined;
});

async function terminal(
  f: CoreFixture,
  profile: 'vehicle' | 'fixed-collector',
  expectedMessagesPerDay = 24,
): Promise<TestTerminal> {
  const t = await f.addTerminal({ codec: 'json' });
  await f.core.provisioning.updateTerminal(t.devEui, { profile, expectedMessagesPerDay });
  return t;
}

describe('anomaly monitor', () => {
  it('records replay attempts, alerts on the bus and in the audit chain', async () => {
    const { f, log } = await start(anomalyPolicy({ replay: { threshold: 2 } }), { dedupWindowMs: 1000 });
    const t = await f.addTerminal();
    const frame = uplink(t, 7, new Uint8Array([1]));
    expect((await f.core.pipeline.ingest(f.station, [frame]))[0]!.status).toBe('accepted');
    f.clock.advance(5000);
    const alerts = await collect(f.bus, 'satiot.anomaly.>', 1, async () => {
      for (let i = 0; i < 2; i++)
        expect((await f.core.pipeline.ingest(f.station2, [frame]))[0]!.code).toBe('REPLAYED_COUNTER');
    });
    expect(alerts[0]).toMatchObject({
      kind: 'replay',
      subject: { kind: 'terminal', id: t.devEui },
      tenantId: f.tenantId,
      response: 'alert',
      evidence: { count: 2, stationId: f.station2.id, fCnt: 7 },
    });
    const listed = await f.store.anomalies.list({ limit: 10, tenantId: f.tenantId });
    expect(listed.items.map((a) => a.kind)).toEqual(['replay']);
    await log.flush();
    const audited = await f.store.audit.list({ limit: 10, action: 'anomaly.' });
    expect(audited.items[0]).toMatchObject({
      action: 'anomaly.replay',
      actor: { kind: 'system', id: 'anomaly-monitor' },
      target: { kind: 'terminal', id: t.devEui },
    });
    expect((await verifyStoredChain(f.store.audit, undefined)).ok).toBe(true);
  });

  it('suspends a terminal after a burst of MIC failures when the policy says so; its frames are then refused', async () => {
    const { f } = await start(anomalyPolicy({ 'mic-failures': { response: 'suspend', threshold: 3 } }));
    const t = await f.addTerminal();
    const forged: TestTerminal = {
      ...t,
      keys: { suite: 'aes128', nwkSKey: randomBytes(16), appSKey: randomBytes(16) },
    };
    const alerts = await collect(f.bus, 'satiot.anomaly.>', 1, async () => {
      const rs = await f.core.pipeline.ingest(
        f.station,
        [1, 2, 3].map((n) => uplink(forged, n, new Uint8Array([n]))),
      );
      expect(rs.map((r) => r.code)).toEqual(['BAD_MIC', 'BAD_MIC', 'BAD_MIC']);
    });
    expect(alerts[0]).toMatchObject({ kind: 'mic-failures', response: 'suspend', subject: { id: t.devEui } });
    expect((await f.core.registration.get(t.devEui))!.status).toBe('suspended');
    expect((await f.core.pipeline.ingest(f.station, [uplink(t, 10, new Uint8Array([1]))]))[0]!.code).toBe(
      'TERMINAL_NOT_APPROVED',
    );
  });

  it('flags MIC failures on an unknown DevAddr against the station that posts them', async () => {
    const { f } = await start(anomalyPolicy({ 'mic-failures': { threshold: 2 } }));
    const a = await f.addTerminal({ devAddr: '0badf00d' });
    await f.addTerminal({ devAddr: '0badf00d' }); // two terminals share the DevAddr: a failure names neither
    const forged: TestTerminal = {
      ...a,
      keys: { suite: 'aes128', nwkSKey: randomBytes(16), appSKey: randomBytes(16) },
    };
    const alerts = await collect(f.bus, 'satiot.anomaly.>', 1, () =>
      f.core.pipeline.ingest(
        f.station2,
        [1, 2].map((n) => uplink(forged, n, new Uint8Array([n]))),
      ),
    );
    expect(alerts[0]).toMatchObject({
      kind: 'mic-failures',
      subject: { kind: 'station', id: f.station2.id },
      evidence: { devAddr: '0badf00d' },
    });
  });

  it('flags a truck at 900 km/h and a fixed collector that moves', async () => {
    const { f } = await start();
    const truck = await terminal(f, 'vehicle');
    const collector = await terminal(f, 'fixed-collector');
    const fix = (lat: number, minutes: number) =>
      json({ position: { lat, lon: 114 }, time: new Date(T0 - 3_600_000 + minutes * 60_000).toISOString() });
    const alerts = await collect(f.bus, 'satiot.anomaly.>', 2, async () => {
      await f.core.pipeline.ingest(f.station, [uplink(truck, 1, fix(30, 0)), uplink(collector, 1, fix(31, 0))]);
      await f.core.pipeline.ingest(f.station, [
        uplink(truck, 2, fix(30 + 15 / 111.195, 1)),
        uplink(collector, 2, fix(31.05, 600)),
      ]);
    });
    const byId = new Map(alerts.map((a) => [(a.subject as { id: string }).id, a]));
    expect(byId.get(truck.devEui)).toMatchObject({
      kind: 'impossible-movement',
      evidence: { profile: 'vehicle', maxSpeedKmh: 250 },
    });
    expect((byId.get(truck.devEui)!.evidence as { speedKmh: number }).speedKmh).toBeCloseTo(900, -1);
    expect(byId.get(collector.devEui)).toMatchObject({ kind: 'impossible-movement', evidence: { fixed: true } });
  });

  it('flags traffic far above the declared rate, but never counts emergencies', async () => {
    const { f, monitor } = await start(anomalyPolicy({ 'rate-excess': { factor: 2, minMessages: 4 } }));
    const calm = await terminal(f, 'fixed-collector', 1);
    const sos = await terminal(f, 'fixed-collector', 1);
    // 6 emergencies from one terminal are not counted: wait for their 6 decoded events and the batch's reception summary.
    await f.core.pipeline.ingest(
      f.station,
      [1, 2, 3, 4, 5, 6].map((n) =>
        uplink(sos, n, json({ emergency: true }), { capturedAt: T0 - 3_600_000 + n * 1000 }),
      ),
    );
    await monitor.handledAtLeast(6 + 1);
    expect((await f.store.anomalies.list({ limit: 10 })).items).toEqual([]);
    const alerts = await collect(f.bus, 'satiot.anomaly.>', 1, () =>
      f.core.pipeline.ingest(
        f.station,
        [1, 2, 3, 4, 5].map((n) => uplink(calm, n, json({ v: n }), { capturedAt: T0 - 3_600_000 + n * 1000 })),
      ),
    );
    expect(alerts[0]).toMatchObject({
      kind: 'rate-excess',
      subject: { id: calm.devEui },
      evidence: { messagesLast24h: 5, limit: 4 },
    });
  });

  it("learns a terminal's own rate: after a week of 5 a day, 20 in a day is too many although it declared 24 a day", async () => {
    const { f } = await start(anomalyPolicy({ 'rate-excess': { factor: 10, minMessages: 4 } }));
    const quiet = await terminal(f, 'fixed-collector', 24);
    const DAY = 86_400_000;
    const start0 = T0 - 9 * DAY;
    let fCnt = 0;
    // Eight days of five reports: under the declared limit (240) and, day by day, its own baseline.
    for (let d = 0; d < 8; d++) {
      const frames = [1, 2, 3, 4, 5].map((k) =>
        uplink(quiet, ++fCnt, json({ v: k }), { capturedAt: start0 + d * DAY + k * 3_600_000 }),
      );
      await f.core.pipeline.ingest(f.station, frames);
    }
    // Then 20 in one day: far above the 5 it has learned to expect.
    const burst = Array.from({ length: 20 }, (_, k) =>
      uplink(quiet, ++fCnt, json({ v: k }), { capturedAt: start0 + 8 * DAY + k * 600_000 }),
    );
    const alerts = await collect(f.bus, 'satiot.anomaly.>', 1, () => f.core.pipeline.ingest(f.station, burst));
    expect(alerts[0]).toMatchObject({
      kind: 'rate-excess',
      subject: { id: quiet.devEui },
      evidence: { expectedPerDay: 24, baseline: { medianPerDay: 5, weight: 1 } },
    });
    const ev = alerts[0]!.evidence as { limit: number; messagesLast24h: number };
    expect(ev.limit).toBeLessThan(20);
    expect(ev.messagesLast24h).toBeGreaterThan(ev.limit);
  });

  it('does not suspend a terminal that sent an emergency, even when the policy says suspend', async () => {
    const { f } = await start(anomalyPolicy({ 'rate-excess': { factor: 1, minMessages: 2, response: 'suspend' } }));
    const t = await terminal(f, 'vehicle', 1);
    const alerts = await collect(f.bus, 'satiot.anomaly.>', 1, () =>
      f.core.pipeline.ingest(
        f.station,
        [json({ emergency: true }), json({ v: 1 }), json({ v: 2 }), json({ v: 3 })].map((p, i) =>
          uplink(t, i + 1, p, { capturedAt: T0 - 3_600_000 + i * 1000 }),
        ),
      ),
    );
    expect(alerts[0]).toMatchObject({
      kind: 'rate-excess',
      response: 'alert',
      evidence: { notSuspendedBecause: expect.stringContaining('emergency') },
    });
    expect((await f.core.registration.get(t.devEui))!.status).toBe('approved');
  });

  it("suspends a terminal whose tenant's own codec calls every message an emergency: only a built-in codec's emergency counts", async () => {
    const { f } = await start(anomalyPolicy({ 'rate-excess': { factor: 1, minMessages: 2, response: 'suspend' } }));
    const own = await f.core.provisioning.createUserCodec({
      tenantId: f.tenantId,
      name: 'always-sos',
      script: 'function decodeUplink(b) { return { emergency: true, v: b[0] }; }',
    });
    const t = await f.addTerminal({ codec: `user:${own.id}` });
    await f.core.provisioning.updateTerminal(t.devEui, { profile: 'vehicle', expectedMessagesPerDay: 1 });
    const alerts = await collect(f.bus, 'satiot.anomaly.>', 1, () =>
      f.core.pipeline.ingest(
        f.station,
        [1, 2, 3, 4].map((n) => uplink(t, n, new Uint8Array([n]), { capturedAt: T0 - 3_600_000 + n * 1000 })),
      ),
    );
    expect(alerts[0]).toMatchObject({ kind: 'rate-excess', response: 'suspend', subject: { id: t.devEui } });
    expect(alerts[0]!.evidence).not.toHaveProperty('notSuspendedBecause');
    expect((await f.core.registration.get(t.devEui))!.status).toBe('suspended');
  });

  it('flags a station posting frames from a satellite below its horizon at downlinkedAt, not one in contact', async () => {
    const { f } = await start();
    await f.core.loadSatellites({ tle: TLE });
    const t = await f.addTerminal();
    // The reference passes: the pass finder (golden-tested against Skyfield) over the station's site.
    const sats = satellitesOf(await f.store.satellites.list()).filter((s) => s.name === 'REF-SSO-500');
    const site = makeSite({ latDeg: f.station.lat, lonDeg: f.station.lon });
    const passes = findPassesForAll(sats, { site, start: T0 - 20 * 3_600_000, end: T0, minElevationDeg: 10 });
    expect(passes.length).toBeGreaterThan(1);
    const inContact = passes[0]!.tca;
    // The middle of the longest gap between passes: the satellite is far below the horizon.
    let gap = { from: 0, to: 0 };
    for (let i = 1; i < passes.length; i++)
      if (passes[i]!.aos - passes[i - 1]!.los > gap.to - gap.from)
        gap = { from: passes[i - 1]!.los, to: passes[i]!.aos };
    const outOfContact = Math.round((gap.from + gap.to) / 2);
    const alerts = await collect(f.bus, 'satiot.anomaly.>', 1, async () => {
      await f.core.pipeline.ingest(f.station, [
        uplink(t, 1, new Uint8Array([1]), {
          satelliteId: 'REF-SSO-500',
          capturedAt: inContact - 60_000,
          downlinkedAt: inContact,
        }),
      ]);
      await f.core.pipeline.ingest(f.station, [
        uplink(t, 2, new Uint8Array([2]), {
          satelliteId: 'REF-SSO-500',
          capturedAt: outOfContact - 60_000,
          downlinkedAt: outOfContact,
        }),
      ]);
    });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: 'station-out-of-contact',
      subject: { kind: 'station', id: f.station.id },
      evidence: { satelliteId: 'REF-SSO-500', downlinkedFrom: new Date(outOfContact).toISOString() },
    });
    expect((alerts[0]!.evidence as { bestElevationDeg: number }).bestElevationDeg).toBeLessThan(-10);
  });

  it("places a terminal outside its declared region by its position, or by the capturing satellite's footprint", async () => {
    const { f, monitor } = await start();
    await f.core.loadSatellites({ tle: TLE });
    const byPosition = await terminal(f, 'fixed-collector');
    const byFootprint = await terminal(f, 'fixed-collector');
    // Declared: a fixed water-level collector around Beijing (115–117 E, 39–41 N).
    for (const t of [byPosition, byFootprint])
      await f.core.registration.declare(t.devEui, declarationBody(), { kind: 'operator', id: 'test' });
    const sat = satellitesOf(await f.store.satellites.list()).find((s) => s.name === 'REF-SSO-500')!;
    // A capture time when the satellite is over the southern hemisphere, out of reach of Beijing.
    let at = T0 - 6 * 3_600_000;
    while (subSatellitePoint(sat, at).lat > -30) at += 60_000;
    const before = monitor.handled;
    await f.core.pipeline.ingest(f.station, [uplink(byPosition, 1, json({ position: { lat: 30.5, lon: 114.3 } }))]);
    await f.core.pipeline.ingest(f.station, [
      uplink(byFootprint, 1, json({ level: 1 }), {
        satelliteId: 'REF-SSO-500',
        capturedAt: at,
        downlinkedAt: at + 60_000,
      }),
    ]);
    await monitor.handledAtLeast(before + 4);
    const found = (await f.store.anomalies.list({ limit: 10, kind: 'outside-region' })).items;
    const of = (devEui: string) => found.find((a) => a.subject.id === devEui);
    expect(of(byPosition.devEui)).toMatchObject({
      response: 'record',
      evidence: { source: 'position', position: { lat: 30.5, lon: 114.3 } },
    });
    expect(of(byFootprint.devEui)).toMatchObject({
      evidence: { source: 'satellite-footprint', satelliteId: 'REF-SSO-500' },
    });
    expect(
      (of(byFootprint.devEui)!.evidence as { regionDistanceKm: number; footprintRadiusKm: number }).regionDistanceKm,
    ).toBeGreaterThan((of(byFootprint.devEui)!.evidence as { footprintRadiusKm: number }).footprintRadiusKm);
  });

  it('counts a redelivered event once: the same rejection twice does not reach a threshold of two', async () => {
    const { f, monitor } = await start(anomalyPolicy({ replay: { threshold: 2 } }));
    const t = await f.addTerminal();
    const replayed = (receivedAt: number) =>
      rejectionEvent({
        kind: 'rejected',
        code: 'REPLAYED_COUNTER',
        receivedAt,
        stationId: f.station.id,
        satelliteId: 'SAT-1',
        capturedAt: T0,
        downlinkedAt: T0,
        devAddr: t.devAddr,
        devEui: t.devEui,
        tenantId: f.tenantId,
        fCnt: 7,
      });
    // No de-duplication id: the bus delivers both; the monitor knows the second by its bytes' digest.
    const subject = rejectionSubject(f.station.id);
    await f.bus.publish(subject, replayed(T0 + 1));
    await f.bus.publish(subject, replayed(T0 + 1));
    await monitor.handledAtLeast(2);
    expect((await f.store.anomalies.list({ limit: 10 })).items).toHaveLength(0);
    await f.bus.publish(subject, replayed(T0 + 2));
    await monitor.handledAtLeast(3);
    expect((await f.store.anomalies.list({ limit: 10 })).items.map((a) => [a.kind, a.evidence['count']])).toEqual([
      ['replay', 2],
    ]);
  });

  it('records one finding per subject and kind per cooldown', async () => {
    const { f, monitor } = await start(anomalyPolicy({ replay: { threshold: 1 } }), { dedupWindowMs: 1000 });
    const t = await f.addTerminal();
    const frame = uplink(t, 7, new Uint8Array([1]));
    await f.core.pipeline.ingest(f.station, [frame]);
    f.clock.advance(5000);
    const before = monitor.handled;
    for (let i = 0; i < 4; i++) await f.core.pipeline.ingest(f.station, [frame]);
    // Each replayed frame is one rejection event (a rejected frame stores no reception, so no summary).
    await monitor.handledAtLeast(before + 4);
    expect((await f.store.anomalies.list({ limit: 10 })).items).toHaveLength(1);
  });
});
