/**
 * The demo's flood gauges (built-in scenario china-demo): six Yangtze stations reporting every ten
 * minutes see flood waves; the water preset gives each a warning line 1 m above its usual level and a
 * crest pre-alarm whose command switches the station to intensive reporting. Run against a real core,
 * the pre-alarm fires during a rise and the command is sent at once by an automated decision.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario, runSimulation } from '../../src/twin/index.js';
import { decodeSl651HexFrame } from '../../src/codecs/sl651/index.js';
import { floodRiseM, gaugeBaseM, protocolIds } from '../../src/twin/model/payloads.js';
import { BUILTIN_SCENARIOS } from '../../src/twin/scenario/load-scenario.js';

const START = Date.UTC(2026, 11, 1);
const H = 3_600_000;

describe('flood gauges', () => {
  it('rise by the hydrograph: the crest after the rise time, back near the usual level before the next flood', () => {
    const g = { floodEveryHours: 30, floodRiseHours: 6, floodPeakM: 1.5 };
    // Over one cycle, minute by minute: the crest and where it is; no jump anywhere.
    let crest = START,
      jump = 0;
    for (let t = START; t < START + 30 * H; t += 60_000) {
      if (floodRiseM(7, t, g) > floodRiseM(7, crest, g)) crest = t;
      jump = Math.max(jump, Math.abs(floodRiseM(7, t + 60_000, g) - floodRiseM(7, t, g)));
    }
    expect(floodRiseM(7, crest, g)).toBeCloseTo(1.5, 3);
    expect(jump).toBeLessThan(0.02); // the steepest minute of the rise is 1.5 m · e / 360 min = 0.011 m
    // Risen over the rise time before the crest, fallen most of the way back a day later.
    expect(floodRiseM(7, crest - 6 * H, g)).toBeLessThan(0.01);
    expect(floodRiseM(7, crest - 3 * H, g)).toBeGreaterThan(1);
    expect(floodRiseM(7, crest + 22 * H, g)).toBeLessThan(0.15);
    expect(gaugeBaseM(7)).toBe(9);
  });

  it('are only for SL 651 fleets, and rise before the next flood', () => {
    const raw = BUILTIN_SCENARIOS['china-demo'] as { tenants: Array<{ fleets: Array<Record<string, unknown>> }> };
    const withGauge = (fleet: Record<string, unknown>) => ({
      ...raw,
      tenants: [{ ...raw.tenants[2], fleets: [fleet] }],
    });
    const truck = { ...raw.tenants[2]!.fleets[0]!, gauge: { floodEveryHours: 30, floodRiseHours: 6, floodPeakM: 1 } };
    expect(() => parseScenario(withGauge(truck), { defaultStart: START })).toThrow(/only an sl651 fleet has gauges/);
    const gauges = raw.tenants[0]!.fleets.at(-1)!;
    expect(() =>
      parseScenario(withGauge({ ...gauges, gauge: { floodEveryHours: 6, floodRiseHours: 6, floodPeakM: 1 } }), {
        defaultStart: START,
      }),
    ).toThrow(/floodRiseHours.*shorter than floodEveryHours/);
  });

  it('a foreseen crest switches the station to intensive reporting through an automated decision, hours before its level reaches the line', async () => {
    const found: Array<{ devEui: string; payloadHex: string; command?: string; createdAt: number; state: string }> = [];
    const warnings: Array<{ devEui: string; raisedAt: number }> = [];
    await runSimulation({
      scenario: loadScenario('china-demo', { start: START }),
      hours: 6,
      tailHours: 0,
      comparePlan: false,
      inspect: async (core) => {
        for (const d of (await core.decisions.list({ limit: 100 })).items)
          found.push({
            devEui: d.devEui,
            payloadHex: d.action.payloadHex,
            createdAt: d.createdAt,
            state: d.state,
            ...(d.action.command ? { command: d.action.command } : {}),
          });
        const water = (await core.registryQueries.listTenants()).find((t) => /Hydrolog/.test(t.name))!;
        const rules = new Map((await core.rules.list(water.id)).map((r) => [r.id, r.name]));
        for (const a of (await core.rules.alarms({ tenantId: water.id, limit: 1000 })).items) {
          if (/: Water level above the warning line$/.test(rules.get(a.ruleId) ?? ''))
            warnings.push({ devEui: a.devEui, raisedAt: a.raisedAt });
        }
      },
    });
    expect(found.length).toBeGreaterThanOrEqual(1);
    for (const d of found) {
      expect(d).toMatchObject({ state: 'executed', command: 'sl651.intensive-reporting' });
      const terminal = parseInt(d.devEui.slice(-10), 16);
      const frame = decodeSl651HexFrame(Buffer.from(d.payloadHex, 'hex'));
      expect(frame).toMatchObject({
        direction: 'down',
        functionCode: 0x42,
        station: protocolIds(terminal).sl651Station,
        endChar: 'ENQ',
      });
      // Foreseen before the line is crossed (if it was crossed within the run at all).
      // (A station already in flood when the run starts crosses before its 24 values are in: not those.)
      const crossed = warnings.find((w) => w.devEui === d.devEui && w.raisedAt > START + 4 * H);
      if (crossed) expect(d.createdAt).toBeLessThan(crossed.raisedAt);
    }
  }, 120_000);
});
