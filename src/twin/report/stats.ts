/** Quantiles and means of a sample (sorted copy; linear interpolation between order statistics). */
export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(values: ArrayLike<number>): Summary {
  const a = Float64Array.from(values as ArrayLike<number>).sort();
  const n = a.length;
  if (n === 0) return { n: 0, mean: NaN, p50: NaN, p95: NaN, p99: NaN, max: NaN };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i]!;
  return {
    n,
    mean: round(sum / n),
    p50: round(quantileSorted(a, 0.5)),
    p95: round(quantileSorted(a, 0.95)),
    p99: round(quantileSorted(a, 0.99)),
    max: round(a[n - 1]!),
  };
}

export function quantileSorted(a: Float64Array, q: number): number {
  if (a.length === 0) return NaN;
  const x = q * (a.length - 1);
  const i = Math.floor(x),
    f = x - i;
  return i + 1 < a.length ? a[i]! * (1 - f) + a[i + 1]! * f : a[i]!;
}

export function round(x: number, digits = 2): number {
  if (!Number.isFinite(x)) return x;
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}
