import { nextCovered } from './intervals.js';
import type { DurationHistogram } from './histogram.js';

export interface CellLatency {
  /** Store-and-forward latency (creation → a ground station hears it), minutes. */
  meanMin: number;
  p50Min: number;
  p95Min: number;
  maxMin: number;
  /** Mean of the two parts of the best route: wait for a satellite, then carried to a ground station. */
  uplinkWaitMeanMin: number;
  groundWaitMeanMin: number;
  /** Share of messages with no route to a ground station within the planning horizon. */
  undeliveredFraction: number;
}

const MIN = 60_000;

/**
 * Latency for messages created at `samples` evenly spaced times in [t0, t1] in one cell.
 *
 * `uplink` holds the cell's contact windows as (sat, start, end) triples; `ground[sat]` the
 * satellite's merged ground-station contacts (flat start/end pairs, sorted). A message created at t
 * can ride any satellite it hears at some u ≥ t (u = t inside a window, else the window's start)
 * and reaches the ground at the satellite's next ground contact ≥ u. Taking a satellite at its
 * first opportunity is never worse than a later one, so the earliest arrival is the minimum of
 * (a) arrivals via windows open at t and (b) a suffix minimum over windows that start after t —
 * the earliest-arrival search of contact graph routing on a two-hop path.
 */
export function cellLatency(
  uplink: ArrayLike<number>,
  ground: ReadonlyArray<Float64Array>,
  t0: number,
  t1: number,
  samples: number,
  hist?: DurationHistogram,
  weight = 1,
): CellLatency {
  const n = uplink.length / 3;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => uplink[3 * a + 1]! - uplink[3 * b + 1]!);
  const sat = new Int32Array(n),
    start = new Float64Array(n),
    end = new Float64Array(n);
  order.forEach((w, j) => {
    sat[j] = uplink[3 * w]!;
    start[j] = uplink[3 * w + 1]!;
    end[j] = uplink[3 * w + 2]!;
  });
  // Arrival if the message boards window j at its start; suffix minimum over later windows (on a
  // tie the earlier window wins: the message waits on board rather than on the ground).
  const sufArr = new Float64Array(n + 1).fill(Infinity);
  const sufUp = new Float64Array(n + 1).fill(Infinity);
  for (let j = n - 1; j >= 0; j--) {
    const arr = nextCovered(ground[sat[j]!]!, start[j]!);
    if (arr <= sufArr[j + 1]!) {
      sufArr[j] = arr;
      sufUp[j] = start[j]!;
    } else {
      sufArr[j] = sufArr[j + 1]!;
      sufUp[j] = sufUp[j + 1]!;
    }
  }

  const lat = new Float64Array(samples);
  let sum = 0,
    max = 0,
    upSum = 0,
    groundSum = 0,
    delivered = 0;
  let p = 0; // first window with start > t
  const active: number[] = [];
  const dt = (t1 - t0) / samples;
  for (let i = 0; i < samples; i++) {
    const t = t0 + (i + 0.5) * dt;
    while (p < n && start[p]! <= t) {
      active.push(p);
      p++;
    }
    let best = sufArr[p]!,
      bestUp = sufUp[p]!;
    for (let a = active.length - 1; a >= 0; a--) {
      const j = active[a]!;
      if (end[j]! < t) {
        active[a] = active[active.length - 1]!;
        active.pop();
        continue;
      }
      const arr = nextCovered(ground[sat[j]!]!, t);
      if (arr < best || (arr === best && t < bestUp)) {
        best = arr;
        bestUp = t;
      }
    }
    if (best === Infinity) {
      lat[i] = Infinity;
      continue;
    }
    const l = (best - t) / MIN;
    lat[i] = l;
    sum += l;
    upSum += (bestUp - t) / MIN;
    groundSum += (best - bestUp) / MIN;
    if (l > max) max = l;
    delivered++;
    hist?.addPoint(l, weight / samples);
  }
  const finite = Array.from(lat)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const q = (f: number): number =>
    finite.length ? finite[Math.min(finite.length - 1, Math.floor(f * finite.length))]! : NaN;
  return {
    meanMin: delivered ? sum / delivered : NaN,
    p50Min: q(0.5),
    p95Min: q(0.95),
    maxMin: delivered ? max : NaN,
    uplinkWaitMeanMin: delivered ? upSum / delivered : NaN,
    groundWaitMeanMin: delivered ? groundSum / delivered : NaN,
    undeliveredFraction: (samples - delivered) / samples,
  };
}
