/**
 * Merges [start, end] pairs (flat: s0, e0, s1, e1, …) into sorted disjoint intervals (flat).
 * Starts and ends are sorted separately (native typed-array sorts, no comparator) and swept as
 * +1/−1 events; touching intervals merge.
 */
export function unionIntervals(pairs: ArrayLike<number>): number[] {
  const n = pairs.length >> 1;
  if (n === 0) return [];
  const starts = new Float64Array(n),
    ends = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    starts[i] = pairs[2 * i]!;
    ends[i] = pairs[2 * i + 1]!;
  }
  starts.sort();
  ends.sort();
  const out: number[] = [];
  let i = 0,
    j = 0,
    depth = 0,
    open = 0;
  while (i < n) {
    if (starts[i]! <= ends[j]!) {
      if (depth++ === 0) open = starts[i]!;
      i++;
    } else {
      if (--depth === 0) out.push(open, ends[j]!);
      j++;
    }
  }
  // All starts consumed: the last interval closes at the largest end.
  out.push(open, ends[n - 1]!);
  return out;
}

/**
 * The earliest time ≥ x inside the sorted disjoint intervals `u` (flat), or Infinity when there is
 * none: x itself when it is covered, else the next interval's start.
 */
export function nextCovered(u: Float64Array | readonly number[], x: number): number {
  let lo = 0,
    hi = u.length / 2;
  // first interval whose end ≥ x
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (u[2 * mid + 1]! < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo === u.length / 2) return Infinity;
  const s = u[2 * lo]!;
  return s > x ? s : x;
}
