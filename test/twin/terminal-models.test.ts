/* eslint-disable @typescript-eslint/no-explicit-any -- decoded payloads are untyped JSON */
import { describe, expect, it } from 'vitest';
import { BUILTIN_CODECS } from '../../src/codecs/builtin-codecs.js';
import { buildPayload } from '../../src/twin/model/payloads.js';
import { TerminalFleet, type Fix } from '../../src/twin/model/terminal-fleet.js';
import { distanceKm } from '../../src/solutions/logistics/track.js';
import { TwinModel } from '../../src/twin/model/twin-model.js';
import { scenarioSatellites } from '../../src/twin/runtime/twin-session.js';
import { loadScenario } from '../../src/twin/index.js';
import { smallScenario, T0 } from './twin-fixtures.js';

const fix = (): Fix => ({ lat: 0, lon: 0, altKm: 0, speedKmh: 0, headingDeg: 0 });

describe('terminal mobility', () => {
  const s = loadScenario('china-trial', { start: T0 });
  const fleet = new TerminalFleet(s);
  const byName = (name: string) =>
    Array.from({ length: fleet.count }, (_, i) => i).filter((i) => fleet.fleets[fleet.fleetOf[i]!]!.name === name);

  it('keeps vessels inside their fishing ground and moves them at their speed', () => {
    const f = fix();
    for (const i of byName('fishing-east-china-sea')) {
      for (let h = 0; h < 48; h += 3) {
        fleet.position(i, T0 + h * 3_600_000, f);
        expect(f.lat).toBeGreaterThanOrEqual(27);
        expect(f.lat).toBeLessThanOrEqual(32);
        expect(f.lon).toBeGreaterThanOrEqual(121.5);
        expect(f.lon).toBeLessThanOrEqual(125);
      }
    }
  });

  it('drives trucks along their route no faster than their speed, and they do move', () => {
    const a = fix(),
      b = fix();
    let moved = 0;
    for (const i of byName('trucks-north-south')) {
      for (let m = 0; m < 24 * 60; m += 10) {
        fleet.position(i, T0 + m * 60_000, a);
        fleet.position(i, T0 + (m + 10) * 60_000, b);
        const km = distanceKm(a, b);
        expect(km).toBeLessThanOrEqual((75 * 10) / 60 + 1e-6);
        moved += km;
        // Between Beijing and Guangzhou: inside the route's bounding box.
        expect(a.lat).toBeGreaterThanOrEqual(23.1);
        expect(a.lat).toBeLessThanOrEqual(39.91);
      }
    }
    expect(moved).toBeGreaterThan(20 * 500);
  });

  it('spreads fixed stations along their river without jitter leaving it by more than a few kilometres', () => {
    const f = fix();
    const ids = byName('yangtze-stations');
    const lats = ids.map((i) => fleet.position(i, T0, f).lat);
    expect(Math.min(...lats)).toBeGreaterThan(28.5);
    expect(Math.max(...lats)).toBeLessThan(32.2);
    // A station does not move.
    expect(fleet.position(ids[3]!, T0, fix())).toEqual(fleet.position(ids[3]!, T0 + 86_400_000, fix()));
    expect(fleet.isFixed(ids[3]!)).toBe(true);
  });
});

describe('payloads', () => {
  const f: Fix = { lat: 30.5, lon: 114.3, altKm: 0, speedKmh: 72, headingDeg: 90 };
  const at = Date.parse('2026-01-15T01:02:03Z');

  it("builds each protocol's frame, which the project's decoders read back", () => {
    const jt = BUILTIN_CODECS.get('jt808')!.decode(
      buildPayload({ protocol: 'jt808', terminal: 7, serial: 3, createdAt: at, emergency: true, event: true, fix: f }),
    ) as Record<string, any>;
    expect(jt).toMatchObject({ type: 'location', phone: '139000000007', serial: 3, alarm: { emergency: true } });
    expect(JSON.stringify(jt)).toContain('"lat":30.5');
    const sl = BUILTIN_CODECS.get('sl651')!.decode(
      buildPayload({ protocol: 'sl651', terminal: 7, serial: 3, createdAt: at, emergency: true, event: true, fix: f }),
    ) as Record<string, any>;
    // Level: base 2 + 7 m, tide 0.2·sin(2π·0.0431), +2.5 m for an emergency = 11.553 m.
    expect(sl.values).toMatchObject({ waterLevelM: 11.553, rain1hMm: 35.5 });
    const lm = BUILTIN_CODECS.get('line-monitor')!.decode(
      buildPayload({
        protocol: 'line-monitor',
        terminal: 7,
        serial: 3,
        createdAt: at,
        emergency: false,
        event: false,
        fix: f,
      }),
    ) as Record<string, any>;
    expect(lm).toMatchObject({
      deviceId: 'SATIOT-LM-0000007',
      type: 'conductor-temperature',
      values: { lineTemperatureC: 35.5 },
    });
  });
});

describe('the model', () => {
  it('replays identically from its seed and differs with another', () => {
    const run = (seed: number) => {
      const s = { ...smallScenario(), seed };
      const m = new TwinModel(s, scenarioSatellites(s));
      const out: string[] = [];
      for (let t = T0; t < T0 + 2 * 3_600_000; t += 60_000) {
        const r = m.advance(t, t + 60_000);
        for (const d of r.deliveries)
          out.push(`${d.msg.terminal}:${d.msg.fCnt}:${d.sat}:${d.capturedAt}:${d.downlinkedAt}`);
      }
      return out;
    };
    const a = run(42);
    expect(a.length).toBeGreaterThan(50);
    expect(run(42)).toEqual(a);
    expect(run(43)).not.toEqual(a);
  });
});
