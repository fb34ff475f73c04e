/**
 * Kleene's three-valued logic. A leaf whose input is missing (no such field, no position, a
 * message too late to judge) is 'unknown', which is neither true nor false: `all` is false as soon
 * as one part is false, `any` true as soon as one is true, otherwise unknown wins over the rest.
 * Strings rather than boolean | null, so that `if (truth)` cannot silently treat unknown as false.
 */
export type Truth = 'true' | 'false' | 'unknown';

export function truthOf(b: boolean): Truth {
  return b ? 'true' : 'false';
}

export function allOf(parts: readonly Truth[]): Truth {
  if (parts.includes('false')) return 'false';
  return parts.includes('unknown') ? 'unknown' : 'true';
}

export function anyOf(parts: readonly Truth[]): Truth {
  if (parts.includes('true')) return 'true';
  return parts.includes('unknown') ? 'unknown' : 'false';
}

export function notOf(t: Truth): Truth {
  return t === 'unknown' ? t : t === 'true' ? 'false' : 'true';
}
