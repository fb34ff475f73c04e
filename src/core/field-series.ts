import { readNumericField } from '../rules/field-path.js';
import type { Store } from './ports/store.js';

/** Most values one series request reads (and at most 10 pages of 1,000 messages). */
export const MAX_SERIES_VALUES = 10_000;

/** A decoded numeric field of a terminal's messages over time (capture times, oldest first). */
export interface FieldSeries {
  readonly t: number[];
  readonly y: number[];
  /** Messages read that had no number at the path (not decoded, or another report type). */
  readonly skipped: number;
}

/**
 * The values at `field` (a field path as rules name it: `values.waterLevelM`, `meta.rssi`, …) of a
 * terminal's decoded messages in [from, to], by capture time; a second value at the same time (a
 * report copied twice) is dropped. Bounded: the newest MAX_SERIES_VALUES.
 */
export async function fieldSeries(store: Store, terminalId: string, field: string, range: { from?: number; to?: number }): Promise<FieldSeries> {
  const points = new Map<number, number>();
  let skipped = 0, cursor: string | undefined, pages = 0;
  do {
    const page = await store.listMessages({ terminalId, limit: 1000, ...range, ...(cursor ? { cursor } : {}) });
    for (const m of page.items) {
      const meta = { fPort: m.fPort, rssi: m.receptions[0]?.rssi ?? undefined, snr: m.receptions[0]?.snr ?? undefined };
      const v = m.decode?.decoded ? readNumericField(field, m.decode.decoded, meta) : undefined;
      if (v === undefined) { skipped++; continue; }
      if (!points.has(m.capturedAt)) points.set(m.capturedAt, v);
    }
    cursor = page.nextCursor;
  } while (cursor && points.size < MAX_SERIES_VALUES && ++pages < MAX_SERIES_VALUES / 1000);
  const sorted = [...points].sort((a, b) => a[0] - b[0]).slice(-MAX_SERIES_VALUES);
  return { t: sorted.map((p) => p[0]), y: sorted.map((p) => p[1]), skipped };
}
