/**
 * How many satellite contact windows a terminal had in a time span: implemented outside the rules
 * (from the real contact plan, src/plan) and injected, so silence detection stays pure.
 */
export interface ContactOracle {
  /**
   * Contact windows of the terminal (at its registered location, or wherever the plan puts it) overlapping [fromMs,
   * toMs].
   */
  contactsBetween(
    terminal: { readonly id: string; readonly location?: { readonly lat: number; readonly lon: number } },
    fromMs: number,
    toMs: number,
  ): number;
}
