/**
 * Unix milliseconds as the API, the bus and the reports write times: ISO 8601 in UTC with
 * millisecond digits (`2026-01-02T03:04:05.678Z`), as `Date.prototype.toISOString` gives them.
 * The edges, the supervision layer, the twin's runtime and the core share these; the pure domain
 * (which may not import the core) formats its few times inline.
 */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `iso` for a time that may be absent: null stays null (JSON shows the field as null). */
export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}

/** `iso` for an optional time: undefined stays undefined (JSON leaves the field out). */
export function isoOrUndefined(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : iso(ms);
}
