/**
 * The numerical engine the models run on (a port: `integrations/augurs-engine.ts` implements it
 * with Grafana's augurs in WebAssembly — MSTL decomposition with an AutoETS trend, AutoETS, and
 * seasonality detection). The learn module itself does no I/O and loads no WebAssembly.
 */
export interface Band {
  readonly point: readonly number[];
  /** The prediction interval at the requested level (same length as `point`). */
  readonly lower: readonly number[];
  readonly upper: readonly number[];
}

export interface ForecastEngine {
  /** Seasonal periods (in steps) the series shows, strongest first; none when it shows none. */
  seasonalities(y: readonly number[]): number[];
  /**
   * MSTL over `periods` (each at most half the series) with an AutoETS trend, fitted to y: the next
   * `horizon` values, and the in-sample fit, each with its `level` prediction interval.
   */
  mstl(
    y: readonly number[],
    periods: readonly number[],
    horizon: number,
    level: number,
  ): { readonly forecast: Band; readonly inSample: Band };
  /** AutoETS without seasonality (for a series too short or too flat for MSTL): the next `horizon` values. */
  ets(y: readonly number[], horizon: number, level: number): Band;
}
