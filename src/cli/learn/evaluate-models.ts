import type { ForecastEngine } from '../../learn/engine.js';
import { detectAnomalies, rollingZScore } from '../../learn/anomaly.js';
import { forecastSeries } from '../../learn/forecast.js';
import {
  coverage,
  mase,
  scoreDetection,
  seasonalNaive,
  sumDetection,
  type DetectionScore,
} from '../../learn/evaluate.js';
import { labelledSignal, type SignalKind } from '../../twin/model/signals.js';

export interface EvaluationRow {
  readonly kind: SignalKind;
  readonly series: number;
  readonly detection: { readonly model: DetectionScore; readonly zscore: DetectionScore; readonly ratio: number };
  /** MASE as the mean over the series (the target's measure) and their median (a few flood days weigh less). */
  readonly forecast: {
    readonly mase: number;
    readonly maseMedian: number;
    readonly seasonalNaiveMase: number;
    readonly seasonalNaiveMaseMedian: number;
    readonly coverage: number;
    readonly horizonSteps: number;
  };
}

export interface Evaluation {
  readonly rows: readonly EvaluationRow[];
  readonly targets: { readonly f1Ratio: number; readonly mase: number; readonly coverage: readonly [number, number] };
  readonly met: { readonly f1Ratio: boolean; readonly mase: boolean; readonly coverage: boolean };
}

const TARGETS = { f1Ratio: 1.25, mase: 0.8, coverage: [0.7, 0.9] as const };

/**
 * Scores the models on the twin's labelled signals, each against a simple baseline in the same run:
 * anomaly detection (event F1 over the injected faults) against a rolling z-score over the day
 * before; forecasts of the day after a training span (MASE, scaled by the in-sample seasonal-naive
 * error; 80 % interval coverage) against the seasonal-naive forecast itself. Series `seed`…
 * `seed + count − 1` of each kind; nothing is fitted to the values it is scored on.
 */
export function evaluateModels(
  engine: ForecastEngine,
  o: { count?: number; seed?: number; onProgress?: (done: number, total: number) => void } = {},
): Evaluation {
  const count = o.count ?? 60,
    seed = o.seed ?? 1;
  const kinds: SignalKind[] = ['water-level', 'conductor-temperature'];
  const rows: EvaluationRow[] = [];
  let done = 0;
  for (const kind of kinds) {
    const ours: DetectionScore[] = [],
      base: DetectionScore[] = [];
    const m: number[] = [],
      naive: number[] = [],
      cov: number[] = [];
    let horizon = 0;
    for (let k = 0; k < count; k++) {
      // Detection: a month (water) or two weeks (conductors) with faults, scored against their labels.
      const faulty = labelledSignal(kind, seed + k, { days: kind === 'water-level' ? 30 : 14 });
      const series = { t: faulty.y.map((_, i) => faulty.start + i * faulty.stepMs), y: faulty.y };
      const flagged = new Array<boolean>(faulty.y.length).fill(false);
      for (const a of detectAnomalies(series).anomalies)
        flagged[Math.round((a.t - faulty.start) / faulty.stepMs)] = true;
      const perDay = 86_400_000 / faulty.stepMs;
      // A flag within an eighth of a day of an event counts for it (both detectors alike).
      const tolerance = perDay / 8;
      ours.push(scoreDetection(faulty.faults, flagged, tolerance));
      base.push(scoreDetection(faulty.faults, rollingZScore(faulty.y, perDay), tolerance));
      // Forecast: a clean signal, the last day held out.
      const clean = labelledSignal(kind, 10_000 + seed + k, { days: kind === 'water-level' ? 30 : 14, faults: false });
      horizon = perDay;
      const train = clean.y.slice(0, -horizon),
        test = clean.y.slice(-horizon);
      const f = forecastSeries({ t: train.map((_, i) => clean.start + i * clean.stepMs), y: train }, horizon, engine, {
        level: 0.8,
      });
      const point = f.points.map((p) => p.value);
      m.push(mase(test, point, train, perDay));
      naive.push(mase(test, seasonalNaive(train, perDay, horizon), train, perDay));
      cov.push(
        coverage(
          test,
          f.points.map((p) => p.lower),
          f.points.map((p) => p.upper),
        ),
      );
      o.onProgress?.(++done, count * kinds.length);
    }
    const model = sumDetection(ours),
      zscore = sumDetection(base);
    rows.push({
      kind,
      series: count,
      detection: { model, zscore, ratio: zscore.f1 > 0 ? model.f1 / zscore.f1 : Infinity },
      forecast: {
        mase: avg(m),
        maseMedian: med(m),
        seasonalNaiveMase: avg(naive),
        seasonalNaiveMaseMedian: med(naive),
        coverage: avg(cov),
        horizonSteps: horizon,
      },
    });
  }
  const met = {
    f1Ratio: rows.every((r) => r.detection.ratio >= TARGETS.f1Ratio),
    mase: rows.every((r) => r.forecast.mase <= TARGETS.mase),
    coverage: rows.every(
      (r) => r.forecast.coverage >= TARGETS.coverage[0] && r.forecast.coverage <= TARGETS.coverage[1],
    ),
  };
  return { rows, targets: TARGETS, met };
}

function med(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function avg(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
