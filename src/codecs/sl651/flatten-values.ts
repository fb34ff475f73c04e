import type { Sl651Observation } from './types.js';

/**
 * One value a key for rules: the latest non-null one in body order (later groups are later times).
 * A series gives its latest non-null sample; a key whose every value is invalid stays null.
 */
export function flattenValues(observations: readonly Sl651Observation[]): Record<string, number | string | null> {
  const out: Record<string, number | string | null> = {};
  for (const g of observations) {
    for (const e of g.elements) {
      const v = Array.isArray(e.value) ? lastNonNull(e.value) : e.value;
      if (v !== null || !(e.key in out)) out[e.key] = v;
    }
  }
  return out;
}

function lastNonNull(values: readonly (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i]!;
  return null;
}
