import { median, theilSen } from './stats.js';

/**
 * A terminal's own link baseline: how strong its frames arrive (RSSI, or SNR) against how far the
 * satellite was. Free-space loss grows with 20·log10 of the slant range, so a satellite low on the
 * horizon (3,000 km away) is heard some 15 dB weaker than one overhead (500 km), and a raw RSSI
 * series swings with the geometry of each pass. The baseline is a line in the path-loss term
 * x = 20·log10(range km), fitted robustly per terminal — its antenna, its power, its surroundings —
 * and the residual (reading − baseline) is what is left to judge: a drop there is the terminal's,
 * not the pass's.
 *
 * Fitted on the medians of 1 dB bins of x (a pass's many low-elevation copies do not outvote the few
 * high ones, and the fit costs O(bins²) whatever the history's length), by Theil–Sen.
 */
export interface LinkBaseline {
  /** Reading = intercept + slope · 20·log10(range km); a free-space link has slope −1. */
  readonly intercept: number;
  readonly slope: number;
  /** Bins the fit used; fewer than MIN_LINK_BINS leaves the slope at −1 (free space) and fits only the level. */
  readonly bins: number;
  readonly observations: number;
}

export const MIN_LINK_BINS = 3;
const BIN_DB = 1;

export const pathLossTerm = (rangeKm: number): number => 20 * Math.log10(rangeKm);

export function fitLinkBaseline(
  points: ReadonlyArray<{ readonly rangeKm: number; readonly value: number }>,
): LinkBaseline | undefined {
  const good = points.filter((p) => Number.isFinite(p.value) && Number.isFinite(p.rangeKm) && p.rangeKm > 0);
  if (good.length === 0) return undefined;
  const bins = new Map<number, number[]>();
  for (const p of good) {
    const k = Math.round(pathLossTerm(p.rangeKm) / BIN_DB);
    (bins.get(k) ?? bins.set(k, []).get(k)!).push(p.value);
  }
  const keys = [...bins.keys()].sort((a, b) => a - b);
  const x = keys.map((k) => k * BIN_DB),
    y = keys.map((k) => median(bins.get(k)!));
  if (keys.length < MIN_LINK_BINS) {
    // Too little geometry to learn a slope: free space's, and the level from the data.
    return {
      intercept: median(good.map((p) => p.value + pathLossTerm(p.rangeKm))),
      slope: -1,
      bins: keys.length,
      observations: good.length,
    };
  }
  const { slope, intercept } = theilSen(x, y);
  return { intercept, slope, bins: keys.length, observations: good.length };
}

export const linkExpected = (b: LinkBaseline, rangeKm: number): number => b.intercept + b.slope * pathLossTerm(rangeKm);

/**
 * Tail probability of a 4 σ normal deviation: a loss this unlikely scores 0.5 (the anomaly scores' flag level); its
 * square scores 1.
 */
const P_FLAG = 3.17e-5;

/**
 * Frames lost between successive messages (`gaps`: the counter's jump less one), each judged against
 * the terminal's own loss rate: with losses independent at rate p, a run of g losses in a row has
 * probability p^g. p is learned from the other gaps (leave-one-out, with one lost and one received
 * frame as a prior), so a terminal that often loses frames is not flagged for it, and one that never
 * does is flagged for a run of a few (`upper`: the run at which the score reaches `threshold`). Score: 0.5 at the
 * probability of a 4 σ deviation, 1 at its square.
 */
export function frameLossScores(
  gaps: readonly number[],
  threshold = 0.5,
): Array<{ score: number; expected: number; upper: number; lossRate: number }> {
  const lost = gaps.reduce((a, g) => a + g, 0),
    received = gaps.length;
  return gaps.map((g) => {
    const p = (lost - g + 1) / (lost - g + received - 1 + 2);
    const logTail = g * Math.log(p); // ln P(run ≥ g)
    // upper: the run from which the score reaches the threshold.
    return {
      score: Math.max(0, Math.min(1, (0.5 * logTail) / Math.log(P_FLAG))),
      expected: p / (1 - p),
      upper: (threshold * Math.log(P_FLAG)) / (0.5 * Math.log(p)),
      lossRate: p,
    };
  });
}
