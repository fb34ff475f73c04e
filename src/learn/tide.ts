/**
 * Tidal harmonic analysis, as tide tables are made: a level near a coast or in an estuary follows
 * the principal lunar and solar constituents, whose periods are known and are not whole hours, so
 * a seasonal model on an hourly grid (periods 12 and 24 steps) cannot follow them. Least squares
 * fits each constituent's amplitude and phase; the fit is removed before the seasonal model runs
 * and extrapolated into the forecast.
 */

const HOUR = 3_600_000;
/** Constituents (period, hours): M2, S2 (semi-diurnal), K1, O1 (diurnal); IHO / Doodson numbers. */
export const TIDAL_CONSTITUENTS = [
  { name: 'M2', periodH: 12.4206012 },
  { name: 'S2', periodH: 12 },
  { name: 'K1', periodH: 23.9344697 },
  { name: 'O1', periodH: 25.8193417 },
] as const;

export interface TideFit {
  /** Amplitude of each constituent, in the series' unit. */
  readonly amplitudes: Readonly<Record<string, number>>;
  /** The tidal part at time t (Unix ms), without the mean. */
  at(t: number): number;
}

/**
 * Fits the constituents to y at times t. Undefined when the series is not tidal: too short (under
 * three days), stepped more coarsely than an hour, or with an M2 amplitude under `minAmplitude`
 * times the residual's standard deviation.
 */
export function fitTide(t: readonly number[], y: readonly number[], minAmplitude = 1): TideFit | undefined {
  const n = y.length;
  // Three days of hourly readings (72 of them) span 71 hours: the span and one step.
  if (n < 8 || t[n - 1]! - t[0]! + (t[1]! - t[0]!) < 3 * 24 * HOUR || t[1]! - t[0]! > HOUR) return undefined;
  const omega = TIDAL_CONSTITUENTS.map((c) => (2 * Math.PI) / (c.periodH * HOUR));
  const t0 = t[0]!;
  const row = (tt: number) => [1, ...omega.flatMap((w) => [Math.cos(w * (tt - t0)), Math.sin(w * (tt - t0))])];
  const k = 1 + 2 * omega.length;
  // Normal equations XᵀX β = Xᵀy, solved by Gaussian elimination with partial pivoting.
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  for (let i = 0; i < n; i++) {
    const x = row(t[i]!);
    for (let r = 0; r < k; r++) {
      for (let c = 0; c < k; c++) a[r]![c]! += x[r]! * x[c]!;
      a[r]![k]! += x[r]! * y[i]!;
    }
  }
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    if (Math.abs(a[c]![c]!) < 1e-12) return undefined;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let j = c; j <= k; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  const beta = a.map((r, i) => r[k]! / r[i]!);
  const tide = (tt: number) => row(tt).reduce((s, x, i) => (i === 0 ? s : s + x * beta[i]!), 0);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (y[i]! - beta[0]! - tide(t[i]!)) ** 2;
  const sd = Math.sqrt(ss / Math.max(1, n - k));
  const amplitudes = Object.fromEntries(
    TIDAL_CONSTITUENTS.map((c, i) => [c.name, Math.hypot(beta[1 + 2 * i]!, beta[2 + 2 * i]!)]),
  );
  if (amplitudes['M2']! < minAmplitude * sd) return undefined;
  return { amplitudes, at: tide };
}
