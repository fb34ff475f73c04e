/** Small robust statistics the models share. */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median absolute deviation scaled to a normal distribution's standard deviation (× 1.4826). */
export function robustSigma(xs: readonly number[]): number {
  const m = median(xs);
  return 1.4826 * median(xs.map((x) => Math.abs(x - m)));
}

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length ? s / xs.length : NaN;
}

export function std(xs: readonly number[]): number {
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return xs.length > 1 ? Math.sqrt(s / (xs.length - 1)) : 0;
}

/** The value at probability `p` of an ascending sample (nearest rank, rounded), undefined for an empty one. */
export function quantileSorted(sorted: readonly number[], p: number): number | undefined {
  return sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))))]
    : undefined;
}

/**
 * The Theil–Sen line through (x, y): the median slope of all pairs with distinct x, then the median intercept. O(n²):
 * for small n.
 */
export function theilSen(x: readonly number[], y: readonly number[]): { slope: number; intercept: number } {
  const slopes: number[] = [];
  for (let a = 0; a < x.length; a++)
    for (let b = a + 1; b < x.length; b++) if (x[b] !== x[a]) slopes.push((y[b]! - y[a]!) / (x[b]! - x[a]!));
  const slope = slopes.length ? median(slopes) : 0;
  return { slope, intercept: median(x.map((xi, i) => y[i]! - slope * xi)) };
}
