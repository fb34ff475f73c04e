import { learnedEta, type EtaPoint } from '../../solutions/logistics/eta.js';
import { distanceKm, etaAlongRoute } from '../../solutions/logistics/track.js';
import { mean, median } from '../../learn/stats.js';
import { TerminalFleet, type Fix } from '../../twin/model/terminal-fleet.js';
import { Random } from '../../twin/model/random.js';
import { loadScenario } from '../../twin/index.js';

export interface EtaEvaluation {
  readonly scenario: string;
  readonly vehicles: number;
  readonly forecasts: number;
  /** Share of arrivals inside the learned 80 % interval. */
  readonly coverage: number;
  /** Mean absolute error of the learned median and of the baseline (distance ÷ recent speed), ms. */
  readonly maeMs: number;
  readonly baselineMaeMs: number;
  /** Median absolute errors: the baseline's mean is driven by forecasts just after a stop. */
  readonly medianErrorMs: number;
  readonly baselineMedianErrorMs: number;
  readonly targets: { readonly coverage: readonly [number, number] };
  readonly met: { readonly coverage: boolean; readonly beatsBaseline: boolean };
}

const H = 3_600_000,
  MIN = 60_000;
/** Days of reports a forecast learns from, and days forecast over after them. */
const HISTORY_DAYS = 3;
const TEST_DAYS = 4;

/**
 * Scores learned ETAs (solutions/logistics/eta.ts) on the twin's vehicles: each truck of the scenario reports
 * its position at its fleet's period; at report times after three days, a destination 1–12 hours of
 * driving ahead along its own path is given as a route, and the arrival — when the vehicle first
 * reaches it, found minute by minute — is forecast from the reports so far. The baseline is the
 * API's `etaAlongRoute`: the distance left over the recent moving speed (the vehicle's usual moving
 * speed when it stands). Pure: the twin's motion model, no core.
 */
export function evaluateEta(
  o: { scenario?: string; seed?: number; onProgress?: (done: number, total: number) => void } = {},
): EtaEvaluation {
  const name = o.scenario ?? 'china-trial';
  const scenario = loadScenario(name, { start: Date.UTC(2026, 0, 5) });
  const fleet = new TerminalFleet(scenario);
  const rnd = new Random(o.seed ?? 1);
  const fix: Fix = { lat: 0, lon: 0, altKm: 0, speedKmh: 0, headingDeg: 0 };
  const at = (i: number, t: number): EtaPoint => {
    fleet.position(i, t, fix);
    return { at: t, lat: fix.lat, lon: fix.lon };
  };
  const vehicles = Array.from({ length: fleet.count }, (_, i) => i).filter(
    (i) => fleet.fleets[fleet.fleetOf[i]!]!.profile === 'vehicle',
  );
  let inside = 0,
    n = 0;
  const errors: number[] = [],
    baseline: number[] = [];
  vehicles.forEach((i, k) => {
    const period = fleet.fleets[fleet.fleetOf[i]!]!.traffic.periodMinutes * MIN;
    const reports: EtaPoint[] = [];
    for (let t = scenario.start; t < scenario.start + (HISTORY_DAYS + TEST_DAYS) * 24 * H; t += period)
      reports.push(at(i, t));
    const moving = reports
      .slice(1)
      .map((q, j) => ({ km: distanceKm(reports[j]!, q), h: period / H }))
      .filter((l) => l.km / l.h > 5);
    for (
      let r = Math.round((HISTORY_DAYS * 24 * H) / period);
      r < reports.length;
      r += Math.max(1, Math.round((3 * H * (0.5 + rnd.next())) / period))
    ) {
      const now = reports[r]!.at;
      // The path ahead minute by minute for 1–12 h: the destination is where it is at the end.
      const ahead = now + Math.round((1 + 11 * rnd.next()) * 60) * MIN;
      const path: EtaPoint[] = [];
      for (let t = now; t <= ahead; t += MIN) path.push(at(i, t));
      const dest = path[path.length - 1]!;
      const arrival = path.find((p) => distanceKm(p, dest) < 0.05)!.at;
      if (arrival === now) continue;
      const history = reports.slice(0, r + 1);
      const route = path.map((p) => [p.lon, p.lat] as [number, number]);
      const usual = moving.slice(0, r).reduce((a, l) => ({ km: a.km + l.km, h: a.h + l.h }), { km: 0, h: 0 });
      const base = etaAlongRoute(
        history.map((p) => ({ at: p.at, lat: p.lat, lon: p.lon })),
        route,
        now,
        usual.h > 0 ? { defaultSpeedKmh: usual.km / usual.h } : {},
      );
      const learned = learnedEta(history, base.remainingKm, now);
      if (!learned || base.eta === null) continue;
      n++;
      if (arrival >= learned.lower && arrival <= learned.upper) inside++;
      errors.push(Math.abs(learned.median - arrival));
      baseline.push(Math.abs(base.eta - arrival));
    }
    o.onProgress?.(k + 1, vehicles.length);
  });
  const coverage = n ? inside / n : NaN,
    maeMs = mean(errors),
    baselineMaeMs = mean(baseline);
  return {
    scenario: name,
    vehicles: vehicles.length,
    forecasts: n,
    coverage,
    maeMs,
    baselineMaeMs,
    medianErrorMs: median(errors),
    baselineMedianErrorMs: median(baseline),
    targets: { coverage: [0.7, 0.9] },
    met: { coverage: coverage >= 0.7 && coverage <= 0.9, beatsBaseline: maeMs < baselineMaeMs },
  };
}
