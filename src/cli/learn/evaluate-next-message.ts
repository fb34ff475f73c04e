import { scoreNextMessage, type NextMessageScore } from '../../learn/evaluate.js';
import { mean } from '../../learn/stats.js';
import { latLngToCell } from 'h3-js';
import {
  forecastNextMessage,
  pooledSamples,
  PRIOR_WEIGHT,
  type Arrival,
  type ContactWindow,
} from '../../learn/next-message.js';
import { loadScenario } from '../../twin/index.js';
import { runSimulation } from '../../twin/runtime/run-simulation.js';
import { Random } from '../../twin/model/random.js';

export interface NextMessageEvaluation extends NextMessageScore {
  readonly scenario: string;
  readonly hours: number;
  readonly terminals: number;
  /** Terminals whose captures were placed in the passes over them. */
  readonly withContactPlan: number;
  readonly targets: { readonly coverage: readonly [number, number] };
  readonly met: { readonly coverage: boolean; readonly beatsBaseline: boolean };
  /**
   * Young terminals: each terminal as if it joined a day into the run (its history before forgotten),
   * forecast just after each of its first five arrivals, from its own history alone (which answers
   * from the fourth) and with its peers' pooled prior (the same tenant and profile, the same H3
   * region when two peers are there; their newest 100 messages by then).
   */
  readonly young: {
    readonly forecasts: number;
    readonly answeredAlone: number;
    readonly answeredWithPrior: number;
    readonly coverage: number;
    readonly maeMs: number;
  };
  /** The same forecasts of the terminals heard only through satellites, with and without their passes. */
  readonly contactPlan: {
    readonly forecasts: number;
    readonly coverage: number;
    readonly maeMs: number;
    readonly withoutCoverage: number;
    readonly withoutMaeMs: number;
  };
}

const H = 3_600_000;
/** Forecast times start after this much history, and fall about this far apart (jittered). */
const WARM_UP = 24 * H;
const EVERY = 97 * 60_000;

/**
 * Scores next-message forecasts on the twin: `hours` of the scenario run against an embedded core,
 * then, for every terminal, forecasts made at jittered times after a day's history from the messages
 * that had reached the core by then, against the message that came next — the 80 % interval's
 * coverage, and the median's mean absolute error against the baseline (the newest arrival plus the
 * median gap) at the same times. Terminals heard only through satellites with a registered
 * position have their captures placed in the passes over them from the core's contact plan.
 */
export async function evaluateNextMessage(
  o: {
    scenario?: string;
    hours?: number;
    seed?: number;
    onProgress?: (phase: string, done: number, total: number) => void;
  } = {},
): Promise<NextMessageEvaluation> {
  const name = o.scenario ?? 'china-trial',
    hours = o.hours ?? 72;
  const rnd = new Random(o.seed ?? 1);
  const terminals: Array<{ history: Arrival[]; contacts?: ContactWindow[]; peerKey: string; region?: string }> = [];
  let start = 0,
    end = 0;
  await runSimulation({
    scenario: loadScenario(name),
    hours,
    tailHours: 0,
    comparePlan: false,
    onProgress: (phase, done, total) => o.onProgress?.(phase, done, total),
    inspect: async (core) => {
      end = core.clock.now();
      start = end - hours * H;
      for (const { record: t } of core.registry.all()) {
        const history: Arrival[] = [];
        let bySatellite = true,
          cursor: string | undefined;
        do {
          const page = await core.messageQueries.listMessages({
            terminalId: t.id,
            limit: 1000,
            ...(cursor ? { cursor } : {}),
          });
          for (const m of page.items) {
            history.push({ capturedAt: m.capturedAt, ingestedAt: m.ingestedAt });
            if (m.receptions.some((r) => r.gatewayEui)) bySatellite = false;
          }
          cursor = page.nextCursor;
        } while (cursor);
        if (history.length < 5) continue;
        const contacts =
          bySatellite && t.location
            ? core.contacts.passesOver(t.location, start, end + 2 * 24 * H).map((p) => ({ start: p.aos, end: p.los }))
            : undefined;
        const region = t.location ? latLngToCell(t.location.lat, t.location.lon, 3) : undefined;
        terminals.push({
          history,
          peerKey: `${t.tenantId}:${t.profile}`,
          ...(region ? { region } : {}),
          ...(contacts ? { contacts } : {}),
        });
      }
    },
  });
  let inside = 0,
    n = 0,
    overdue = 0,
    overdueWrong = 0;
  const errors: number[] = [],
    naive: number[] = [];
  const plan = {
    inside: 0,
    n: 0,
    errors: [] as number[],
    withoutInside: 0,
    withoutN: 0,
    withoutErrors: [] as number[],
  };
  terminals.forEach((t, k) => {
    const origins: number[] = [];
    for (let at = start + WARM_UP + rnd.next() * EVERY; at < end; at += EVERY * (0.5 + rnd.next())) origins.push(at);
    const s = scoreNextMessage(t.history, origins, t.contacts);
    inside += s.inside;
    n += s.n;
    overdue += s.overdue;
    overdueWrong += s.overdueWrong;
    errors.push(...s.errors);
    naive.push(...s.naiveErrors);
    if (t.contacts) {
      const without = scoreNextMessage(t.history, origins);
      plan.inside += s.inside;
      plan.n += s.n;
      plan.errors.push(...s.errors);
      plan.withoutInside += without.inside;
      plan.withoutN += without.n;
      plan.withoutErrors.push(...without.errors);
    }
    o.onProgress?.('score', k + 1, terminals.length);
  });
  // Young terminals, as core/next-message.ts pools their priors.
  const young = { n: 0, alone: 0, withPrior: 0, inside: 0, errors: [] as number[] };
  for (const t of terminals) {
    // As if it joined a day in, when its peers had a day's history: it knows only what came since.
    const joined = start + WARM_UP + rnd.next() * 6 * H;
    const mine = t.history.filter((a) => a.capturedAt >= joined).sort((a, b) => a.ingestedAt - b.ingestedAt);
    const same = terminals.filter((x) => x !== t && x.peerKey === t.peerKey);
    const near = t.region ? same.filter((x) => x.region === t.region) : [];
    const pool = (near.length >= 2 ? near : same).slice(0, 12);
    for (let k = 0; k < 5 && k + 1 < mine.length; k++) {
      const now = mine[k]!.ingestedAt + 1000,
        actual = mine[k + 1]!.ingestedAt;
      if (actual <= now) continue;
      const known = mine.slice(0, k + 1);
      const peers = pool
        .map((x) =>
          x.history
            .filter((a) => a.ingestedAt <= now)
            .sort((a, b) => b.ingestedAt - a.ingestedAt)
            .slice(0, 100),
        )
        .filter((h) => h.length >= PRIOR_WEIGHT);
      const samples = pooledSamples(peers);
      const prior = samples.gaps.length ? { key: t.peerKey, terminals: peers.length, ...samples } : undefined;
      young.n++;
      if (forecastNextMessage(known, now, t.contacts ? { contacts: t.contacts } : {}).expected) young.alone++;
      const f = forecastNextMessage(known, now, {
        ...(t.contacts ? { contacts: t.contacts } : {}),
        ...(prior ? { prior } : {}),
      });
      if (!f.expected) continue;
      young.withPrior++;
      if (actual >= f.expected.lower && actual <= f.expected.upper) young.inside++;
      young.errors.push(Math.abs(f.expected.median - actual));
    }
  }
  const share = (a: number, b: number) => (b ? a / b : NaN);
  const contactPlan = {
    forecasts: plan.n,
    coverage: share(plan.inside, plan.n),
    maeMs: mean(plan.errors),
    withoutCoverage: share(plan.withoutInside, plan.withoutN),
    withoutMaeMs: mean(plan.withoutErrors),
  };
  const coverage = n ? inside / n : NaN,
    maeMs = mean(errors),
    naiveMaeMs = mean(naive);
  return {
    scenario: name,
    hours,
    terminals: terminals.length,
    withContactPlan: terminals.filter((t) => t.contacts).length,
    forecasts: n,
    coverage,
    maeMs,
    naiveMaeMs,
    overdue,
    overdueWrong,
    contactPlan,
    young: {
      forecasts: young.n,
      answeredAlone: young.alone,
      answeredWithPrior: young.withPrior,
      coverage: share(young.inside, young.withPrior),
      maeMs: mean(young.errors),
    },
    targets: { coverage: [0.7, 0.9] },
    met: { coverage: coverage >= 0.7 && coverage <= 0.9, beatsBaseline: maeMs < naiveMaeMs },
  };
}
