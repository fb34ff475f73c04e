/**
 * The twin's mixed scenario: terrestrial LoRa gateways beside the satellites, forwarding what they
 * hear to the core over real UDP (the Semtech packet-forwarder protocol), so the report shows the
 * traffic and latency of each path and the core merges a frame heard on both into one message.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario, runSimulation } from '../../src/twin/index.js';
import { loadScenario } from '../../src/twin/scenario/load-scenario.js';
import { TwinModel } from '../../src/twin/model/twin-model.js';
import { scenarioSatellites } from '../../src/twin/runtime/twin-session.js';
import { groundSnrDb } from '../../src/twin/model/link-budget.js';
import type { MessageWithReceptions } from '../../src/core/model.js';
import { smallScenario, T0 } from './twin-fixtures.js';

const WUHAN = { lat: 30.59, lon: 114.31 };

/** Ten water stations around a Wuhan river-bank gateway (in range), ten along a far line (out of range). */
function mixed(over: Record<string, unknown> = {}) {
  return parseScenario(
    {
      name: 'mixed',
      seed: 7,
      hours: 3,
      speed: 'max',
      constellation: { walker: { design: '45:12/3/1', altitudeKm: 550 } },
      groundStations: [{ id: 'miyun', name: 'Miyun', lat: 40.45, lon: 116.85, minElevationDeg: 5 }],
      terrestrialGateways: [{ id: 'wuhan-bank', name: 'Wuhan river bank', ...WUHAN, altM: 30, rangeKm: 20 }],
      tenants: [
        {
          name: 'water',
          sector: 'water',
          fleets: [
            {
              name: 'near',
              count: 10,
              protocol: 'sl651',
              profile: 'fixed-collector',
              mobility: {
                kind: 'fixed',
                points: [
                  [30.62, 114.3],
                  [30.55, 114.35],
                ],
                jitterKm: 3,
              },
              traffic: { periodMinutes: 20 },
            },
            {
              name: 'far',
              count: 10,
              protocol: 'sl651',
              profile: 'fixed-collector',
              mobility: {
                kind: 'fixed',
                along: [
                  [42.83, 93.51],
                  [36.06, 103.83],
                ],
              },
              traffic: { periodMinutes: 20 },
            },
          ],
        },
      ],
      ...over,
    },
    { defaultStart: T0 },
  );
}

describe('the twin with terrestrial gateways', () => {
  it('reports the share and latency of each path; a frame heard on the ground and from orbit is one message with both receptions', async () => {
    let seen: MessageWithReceptions[] = [];
    let rxpk = '';
    const r = await runSimulation({
      scenario: mixed(),
      tailHours: 3,
      inspect: async (core) => {
        seen = [];
        for (const t of core.registry.all())
          seen.push(...(await core.messageQueries.listMessages({ terminalId: t.record.id, limit: 1000 })).items);
        rxpk = await core.metrics.getSingleMetricAsString('satiot_semtech_udp_rxpk_total');
      },
    });
    const p = r.paths!;
    expect(p.terrestrialGateways).toBe(1);
    // The near stations are heard on the ground (and, when a satellite is up, from orbit too); the far ones only from orbit.
    expect(p.firstBy.terrestrial).toBeGreaterThan(0);
    expect(p.firstBy.satellite).toBeGreaterThan(0);
    expect(p.firstBy.satellite + p.firstBy.terrestrial).toBe(r.delivered);
    expect(p.share.satellite + p.share.terrestrial).toBeCloseTo(1, 3);
    expect(p.deliveredBy.both).toBeGreaterThan(0);
    // The ground is faster: its latency is under the 60 s window the run is measured in; the satellites' is not.
    expect(p.latencyMin.terrestrial.p95).toBeLessThanOrEqual(1);
    expect(p.latencyMin.satellite.p50).toBeGreaterThan(p.latencyMin.terrestrial.p50);
    expect(p.groundLost).toBe(0);
    // Every ground copy went through the Semtech UDP server: accepted or a duplicate of a satellite copy.
    const counted = [...rxpk.matchAll(/outcome="(accepted|duplicate)"[^}]*} (\d+)/g)].reduce(
      (n, m) => n + Number(m[2]),
      0,
    );
    expect(counted).toBe(p.groundFrames);
    // One message per frame, its receptions naming both paths.
    const both = seen.filter(
      (m) =>
        m.receptions.some((x) => x.gatewayEui !== undefined) && m.receptions.some((x) => x.gatewayEui === undefined),
    );
    expect(both.length).toBe(p.deliveredBy.both);
    const ids = seen.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(seen.length).toBe(r.delivered);
  }, 120_000);

  it('hears within range and rarely beyond: the log-distance link is anchored at the stated range', () => {
    const p = { requiredSnrDb: -20 };
    expect(groundSnrDb(20, 20, p)).toBeCloseTo(-20, 6);
    expect(groundSnrDb(10, 20, p)).toBeCloseTo(-20 + 35 * Math.log10(2), 6);
    expect(groundSnrDb(40, 20, p)).toBeCloseTo(-20 - 35 * Math.log10(2), 6);
    expect(groundSnrDb(0, 20, p)).toBe(15);
  });

  it('leaves a scenario without gateways exactly as it was (the ground draws its own random stream)', () => {
    const s = smallScenario();
    const withGateway = {
      ...s,
      terrestrialGateways: [{ id: 'nowhere', name: 'Antarctic', lat: -80, lon: 0, altM: 0, rangeKm: 10 }],
    };
    const run = (sc: typeof s) => {
      const m = new TwinModel(sc, scenarioSatellites(sc));
      for (let t = sc.start; t < sc.start + 3_600_000; t += 60_000) m.advance(t, t + 60_000);
      return m.messages.map((x) => `${x.terminal}:${x.fCnt}:${x.outcome}:${x.capturedAt}:${x.downlinkedAt}`);
    };
    expect(run(withGateway)).toEqual(run(s));
  });

  it('ships the china-mixed scenario: river-bank and logistics-park gateways beside china-trial', () => {
    const s = loadScenario('china-mixed', { start: T0 });
    const trial = loadScenario('china-trial', { start: T0 });
    expect(s.terrestrialGateways.length).toBeGreaterThanOrEqual(10);
    expect(trial.terrestrialGateways).toEqual([]);
    expect(s.tenants).toEqual(trial.tenants);
    expect(() =>
      parseScenario({
        ...mixed(),
        terrestrialGateways: [
          { name: 'a', lat: 0, lon: 0 },
          { name: 'a', lat: 1, lon: 1 },
        ],
      }),
    ).toThrow(/duplicate id 'a'/);
    expect(() =>
      parseScenario({ ...mixed(), terrestrialGateways: [{ name: 'a', lat: 0, lon: 0, rangeKm: 500 }] }),
    ).toThrow(/rangeKm/);
  });
});
