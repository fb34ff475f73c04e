import { describe, expect, it } from 'vitest';
import { terminalNextMessage } from '../../src/core/next-message.js';
import type { ContactPlanOracle } from '../../src/core/contact-plan-oracle.js';
import type { Store } from '../../src/core/ports/store.js';
import type { TerminalRecord } from '../../src/core/model.js';

const H = 3_600_000,
  T0 = Date.UTC(2026, 5, 1);

/** Hourly reports heard through a satellite, each ingested 10 minutes after capture. */
function storeOf(reports: number): Store {
  const items = Array.from({ length: reports }, (_, i) => ({
    capturedAt: T0 + i * H,
    ingestedAt: T0 + i * H + 10 * 60_000,
    receptions: [{ satelliteId: '1' }],
  })).reverse();
  return { messages: { list: async () => ({ items }) } } as unknown as Store;
}

/** A contact plan with a pass every 30 minutes, counting how often it is walked. */
function oracle(): ContactPlanOracle & { calls: number } {
  const o = {
    calls: 0,
    satelliteCount: 36,
    passesOver(_p: unknown, from: number, to: number) {
      o.calls++;
      const out = [];
      for (let t = Math.ceil(from / (30 * 60_000)) * 30 * 60_000; t < to; t += 30 * 60_000)
        out.push({ aos: t, los: t + 8 * 60_000 });
      return out;
    },
  };
  return o as unknown as ContactPlanOracle & { calls: number };
}

const terminal = (id: string) => ({ id, location: { lat: 30, lon: 114 } }) as unknown as TerminalRecord;

describe("a terminal's next-message forecast in the core", () => {
  it("places a satellite-only terminal's captures in the passes, walking the plan once per ten minutes of core time", async () => {
    const plan = oracle(),
      store = storeOf(24);
    const now = T0 + 23 * H + 20 * 60_000;
    const f = await terminalNextMessage(store, plan, terminal('a'), now);
    expect(f.model.contactPlan).toBe(true);
    // Due at 24:00, and a pass is there: heard then, in the core ten minutes later.
    expect(f.expected).toEqual({
      lower: T0 + 24 * H + 10 * 60_000,
      median: T0 + 24 * H + 10 * 60_000,
      upper: T0 + 24 * H + 10 * 60_000,
    });
    await terminalNextMessage(store, plan, terminal('a'), now + 5 * 60_000);
    expect(plan.calls).toBe(1);
    await terminalNextMessage(store, plan, terminal('a'), now + 11 * 60_000);
    expect(plan.calls).toBe(2);
  });

  it('does not walk the plan for a terminal already overdue (silent for twice its longest gap and delay)', async () => {
    const plan = oracle();
    const f = await terminalNextMessage(storeOf(24), plan, terminal('b'), T0 + 23 * H + 3 * H);
    expect([f.overdue, plan.calls]).toEqual([true, 0]);
  });

  it("forecasts a new terminal from its tenant's peers of the same profile and region, never from another tenant's", async () => {
    // Peers report every 2 hours; another tenant's terminals (same profile, same place) every 10 minutes.
    const every = (gap: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        capturedAt: T0 + i * gap,
        ingestedAt: T0 + i * gap + 5 * 60_000,
        receptions: [{ satelliteId: '1' }],
      })).reverse();
    const histories = new Map<string, unknown[]>([
      ['new', [{ capturedAt: T0 + 48 * H, ingestedAt: T0 + 48 * H + 5 * 60_000, receptions: [{ gatewayEui: 'aa' }] }]],
      ['p1', every(2 * H, 30)],
      ['p2', every(2 * H, 30)],
      ['p3', every(2 * H, 30)],
      ['x1', every(10 * 60_000, 30)],
      ['x2', every(10 * 60_000, 30)],
    ]);
    const store = {
      messages: { list: async (q: { terminalId: string }) => ({ items: histories.get(q.terminalId) ?? [] }) },
    } as unknown as Store;
    const rec = (id: string, tenantId: string) =>
      ({
        id,
        tenantId,
        profile: 'fixed-collector',
        enabled: true,
        location: { lat: 30.5, lon: 114.3 },
      }) as unknown as TerminalRecord;
    const peers = [rec('p1', 'A'), rec('x1', 'B'), rec('p2', 'A'), rec('x2', 'B'), rec('p3', 'A')];
    const f = await terminalNextMessage(store, oracle(), rec('new', 'A'), T0 + 48 * H + 10 * 60_000, 0.8, () => peers);
    expect(f.model.prior).toMatchObject({
      terminals: 3,
      gaps: 20,
      key: expect.stringMatching(/^fixed-collector@8[0-9a-f]{14}$/),
    });
    expect(f.expected!.median).toBe(T0 + 50 * H + 5 * 60_000);
  });
});
