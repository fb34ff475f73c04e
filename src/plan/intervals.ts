/**
 * Merges [start, end] pairs (flat array: s0, e0, s1, e1, …) into sorted disjoint intervals.
 * Returns a new flat array.
 */
export function unionIntervals(pairs: readonly number[]): number[] {
  const n = pairs.length / 2;
  if (n === 0) return [];
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => pairs[2 * a]! - pairs[2 * b]!);
  const out: number[] = [];
  let s = pairs[2 * order[0]!]!, e = pairs[2 * order[0]! + 1]!;
  for (let j = 1; j < n; j++) {
    const i = order[j]!;
    const si = pairs[2 * i]!, ei = pairs[2 * i + 1]!;
    if (si <= e) { if (ei > e) e = ei; } else { out.push(s, e); s = si; e = ei; }
  }
  out.push(s, e);
  return out;
}

/**
 * The earliest time ≥ x inside the sorted disjoint intervals `u` (flat), or Infinity when there is
 * none: x itself when it is covered, else the next interval's start.
 */
export function nextCovered(u: Float64Array | readonly number[], x: number): number {
  let lo = 0, hi = u.length / 2;
  // first interval whose end ≥ x
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (u[2 * mid + 1]! < x) lo = mid + 1; else hi = mid;
  }
  if (lo === u.length / 2) return Infinity;
  const s = u[2 * lo]!;
  return s > x ? s : x;
}
