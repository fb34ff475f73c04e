/** Shapes every store port shares (kept apart so the ports need not import each other). */

/** One page of a listing. */
export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  readonly nextCursor?: string;
}

/** One terminal's traffic on one UTC day. */
export interface UsageRow {
  readonly tenantId: string;
  readonly devEui: string;
  /** Days since 1970-01-01 (UTC). */
  readonly day: number;
  readonly messages: number;
  readonly bytes: number;
}
