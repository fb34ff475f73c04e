/**
 * Learned views of a terminal's decoded fields over the API: a hydrological station's SL 651 water
 * levels (a daily cycle, reported hourly), one of them a faulty zero, as the ingest pipeline and
 * the decoder store them.
 */
import { describe, expect, it } from 'vitest';
import { encodeSl651Report } from '../../src/codecs/sl651/index.js';
import { collect, uplink, T0, type TestTerminal } from '../support/core-fixture.js';
import { auth, keyFor, useApi } from './api-fixture.js';
import { Random } from '../../src/twin/model/random.js';

const H = 3_600_000;
const DAYS = 6;
const noise = (() => {
  const r = new Random(11);
  return Array.from({ length: 400 }, () => 0.01 * r.normal());
})();
const level = (i: number) => 5 + 0.3 * Math.sin((2 * Math.PI * i) / 24) + noise[i]!;
const FAULT = 100;
const at = (i: number) => T0 - (DAYS * 24 - i) * H;

async function station(
  api: ReturnType<typeof useApi>,
  beforeIngest: () => Promise<unknown> = async () => undefined,
): Promise<TestTerminal> {
  const t = await api.f.addTerminal({ codec: 'sl651' });
  await beforeIngest();
  const frames = Array.from({ length: DAYS * 24 }, (_, i) => {
    const iso = new Date(at(i)).toISOString();
    const value = i === FAULT ? 0 : Math.round(level(i) * 1000) / 1000;
    const payload = encodeSl651Report({
      centre: 1,
      station: '0012345678',
      password: '1234',
      functionCode: 0x32,
      serial: i,
      sentAt: iso,
      stationTypeCode: 'H',
      observations: [
        { observedAt: new Date(Math.floor(at(i) / 60_000) * 60_000).toISOString(), elements: [{ id: 0x39, value }] },
      ],
    });
    return uplink(t, i + 1, payload, { capturedAt: at(i), downlinkedAt: at(i) + 60_000 });
  });
  await collect(api.f.bus, 'satiot.decoded.>', frames.length, () => api.f.core.pipeline.ingest(api.f.station, frames));
  return t;
}

describe('API: forecasts and anomalies of decoded fields', () => {
  const api = useApi();

  it('finds the faulty zero with the level its neighbours expected, and forecasts the next hours inside their interval', async () => {
    const t = await station(api);
    const a = await api.app.inject({
      method: 'GET',
      url: `/api/v1/terminals/${t.devEui}/anomalies?field=values.waterLevelM`,
      headers: auth,
    });
    expect(a.statusCode, a.body).toBe(200);
    const body = a.json();
    expect(body.observations).toBe(DAYS * 24);
    expect(body.anomalies.map((x: { timestamp: string }) => x.timestamp)).toEqual([new Date(at(FAULT)).toISOString()]);
    expect(body.anomalies[0]).toMatchObject({
      timestamp: new Date(at(FAULT)).toISOString(),
      score: 1,
      reason: 'deviation',
      value: 0,
    });
    expect(Math.abs(body.anomalies[0].expected - level(FAULT))).toBeLessThan(0.05);

    const f = await api.app.inject({
      method: 'GET',
      url: `/api/v1/terminals/${t.devEui}/forecast?field=values.waterLevelM&horizon=6`,
      headers: auth,
    });
    expect(f.statusCode, f.body).toBe(200);
    const fc = f.json();
    expect(fc.forecast.map((p: { timestamp: string }) => Date.parse(p.timestamp))).toEqual(
      [1, 2, 3, 4, 5, 6].map((k) => at(DAYS * 24 - 1) + k * H),
    );
    fc.forecast.forEach((p: { value: number; lower: number; upper: number }, k: number) => {
      expect(Math.abs(p.value - (level(DAYS * 24 + k) - noise[DAYS * 24 + k]!))).toBeLessThan(0.1);
      expect(p.lower).toBeLessThanOrEqual(p.value);
      expect(p.upper).toBeGreaterThanOrEqual(p.value);
    });
    expect(fc.model).toMatchObject({ stepMs: H, level: 0.8, replaced: 1 });
    expect(fc.model.periods[0]).toBe(24);
  });

  it('a rule with an anomaly condition raises an alarm on the faulty zero, its evidence the level the station was expected to report', async () => {
    const made = await api.app.inject({
      method: 'POST',
      url: '/api/v1/rules',
      headers: auth,
      payload: {
        tenantId: api.f.tenantId,
        name: 'gauge fault',
        severity: 'warning',
        condition: { kind: 'anomaly', field: 'values.waterLevelM' },
      },
    });
    expect(made.statusCode, made.body).toBe(201);
    const alarms = await collect(api.f.bus, 'satiot.alarm.>', 1, () => station(api));
    // Raised on the zero, cleared by the readings after it.
    const list = (await api.app.inject({ method: 'GET', url: '/api/v1/alarms', headers: auth })).json().items as Array<{
      raisedAt: string;
      state: string;
      evidence: { conditions: Array<Record<string, unknown>> };
    }>;
    expect(alarms.length).toBeGreaterThanOrEqual(1);
    expect(list).toHaveLength(1);
    expect(list[0]!.raisedAt).toBe(new Date(at(FAULT)).toISOString());
    const leaf = list[0]!.evidence.conditions[0]!;
    expect(leaf).toMatchObject({ kind: 'anomaly', value: 0, score: 1 });
    expect(Math.abs((leaf['expected'] as number) - level(FAULT))).toBeLessThan(0.05);
  });

  it("answers SERIES_INVALID for a field with too few numbers, 404 for another tenant's terminal, and checks its parameters", async () => {
    const t = await station(api);
    const none = await api.app.inject({
      method: 'GET',
      url: `/api/v1/terminals/${t.devEui}/forecast?field=values.nothing&horizon=3`,
      headers: auth,
    });
    expect([none.statusCode, none.json().error.code]).toEqual([400, 'SERIES_INVALID']);
    const bad = await api.app.inject({
      method: 'GET',
      url: `/api/v1/terminals/${t.devEui}/forecast?field=values..x&horizon=3`,
      headers: auth,
    });
    expect(bad.statusCode).toBe(400);
    const far = await api.app.inject({
      method: 'GET',
      url: `/api/v1/terminals/${t.devEui}/forecast?field=values.waterLevelM&horizon=5000`,
      headers: auth,
    });
    expect(far.statusCode).toBe(400);
    const other = await api.f.core.provisioning.createTenant('other');
    const key = await keyFor(api.app, 'tenant-user', other.id);
    const hidden = await api.app.inject({
      method: 'GET',
      url: `/api/v1/terminals/${t.devEui}/anomalies?field=values.waterLevelM`,
      headers: { authorization: `Bearer ${key}` },
    });
    expect([hidden.statusCode, hidden.json().error.code]).toEqual([404, 'TERMINAL_NOT_FOUND']);
  });

  it("forecasts a terminal's next message from its hourly reports and 20-minute delivery, and calls it overdue once it has been silent too long", async () => {
    const t = await api.f.addTerminal({ codec: 'sl651' });
    const url = `/api/v1/terminals/${t.devEui}/next-message`;
    const early = (await api.app.inject({ method: 'GET', url, headers: auth })).json();
    expect(early).toMatchObject({ devEui: t.devEui, expected: null, overdue: false, lastCapturedAt: null });
    let last = 0;
    for (let i = 1; i <= 24; i++) {
      // Captured now, ingested 20 minutes later; the next report an hour after this one.
      last = api.f.clock.now();
      api.f.clock.advance(20 * 60_000);
      await api.f.core.pipeline.ingest(api.f.station, [
        uplink(t, i, new Uint8Array([i]), { capturedAt: last, downlinkedAt: last + 15 * 60_000 }),
      ]);
      api.f.clock.advance(40 * 60_000);
    }
    api.f.clock.advance(-30 * 60_000);
    const r = await api.app.inject({ method: 'GET', url, headers: auth });
    expect(r.statusCode, r.body).toBe(200);
    const due = new Date(last + 80 * 60_000).toISOString();
    expect(r.json()).toMatchObject({
      lastCapturedAt: new Date(last).toISOString(),
      expected: { lower: due, median: due, upper: due },
      overdue: false,
    });
    expect(r.json().model).toMatchObject({
      kind: 'renewal',
      gaps: 23,
      medianGapMs: H,
      delays: 24,
      medianDelayMs: 20 * 60_000,
      contactPlan: false,
      level: 0.8,
    });
    api.f.clock.advance(2 * H);
    expect((await api.app.inject({ method: 'GET', url, headers: auth })).json()).toMatchObject({
      expected: null,
      overdue: true,
    });
    // Another tenant's key does not see it; the level is checked.
    const other = await api.f.core.provisioning.createTenant('other');
    const key = await keyFor(api.app, 'tenant-user', other.id);
    const hidden = await api.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
    expect([hidden.statusCode, hidden.json().error.code]).toEqual([404, 'TERMINAL_NOT_FOUND']);
    expect((await api.app.inject({ method: 'GET', url: `${url}?level=2`, headers: auth })).statusCode).toBe(400);
  });
});
