import { readNumericField } from '../rules/field-path.js';
import { fitLinkBaseline, linkExpected, type LinkBaseline } from '../learn/link.js';
import { lookAngles } from '../orbit/look-angles.js';
import { newEcefState, type Satellite } from '../orbit/satellite.js';
import { makeSite } from '../orbit/site.js';
import type { Store } from './ports/store.js';

/** Most values one series request reads (and at most 10 pages of 1,000 messages). */
export const MAX_SERIES_VALUES = 10_000;

/**
 * The network's own signals about a terminal, derived from its messages rather than decoded from
 * them (docs/intelligence.md, "Network signals"):
 * - `meta.interArrivalS`: seconds between one capture and the one before it;
 * - `meta.fCntGap`: frames lost between them (the counter's jump less one);
 * - `meta.elevationDeg`, `meta.rangeKm`: where the satellite that heard the first copy was, seen
 *   from the terminal (the position its message reports, for keys that may see payloads, else its
 *   registered one);
 * - `meta.rssiResidualDb`, `meta.snrResidualDb`: the reading less what the terminal's own link
 *   baseline expects at that range (learn/link.ts), so a pass's geometry is taken out.
 * `meta.rssi` and `meta.snr` are the first copy's readings as they are.
 */
export const NETWORK_FIELDS = [
  'meta.interArrivalS',
  'meta.fCntGap',
  'meta.elevationDeg',
  'meta.rangeKm',
  'meta.rssiResidualDb',
  'meta.snrResidualDb',
] as const;
type NetworkField = (typeof NETWORK_FIELDS)[number];
export const isNetworkField = (f: string): f is NetworkField => (NETWORK_FIELDS as readonly string[]).includes(f);

/** A field's values of a terminal's messages over time (capture times, oldest first). */
export interface FieldSeries {
  readonly t: number[];
  readonly y: number[];
  /** Messages read that had no number at the path (not decoded, another report type, no satellite to place). */
  readonly skipped: number;
  /** For a residual: the link baseline the readings were compared with. */
  readonly baseline?: LinkBaseline;
}

/** What placing a satellite needs: the terminal's registered position and the satellites by id. */
export interface LinkContext {
  readonly location?: { readonly lat: number; readonly lon: number; readonly altM?: number };
  /**
   * Whether a message's reported position may place the terminal (the key may see payloads): a
   * satellite's elevation and range over a few messages would otherwise give away a position the key
   * may not read. Without it only the registered position is used.
   */
  readonly reportedPositions: boolean;
  readonly satellite: (id: string) => Promise<Satellite | undefined>;
}

interface Row {
  readonly t: number;
  readonly fCnt: number;
  readonly fPort: number | null;
  readonly rssi: number | null;
  readonly snr: number | null;
  readonly satelliteId: string;
  readonly decoded: unknown;
}

/**
 * The values at `field` (a field path as rules name it: `values.waterLevelM`, `meta.rssi`, or one of
 * NETWORK_FIELDS) of a terminal's messages in [from, to], by capture time; a second message at the
 * same time (a report copied twice) is dropped. Bounded: the newest MAX_SERIES_VALUES.
 */
export async function fieldSeries(
  store: Store,
  terminalId: string,
  field: string,
  range: { from?: number; to?: number },
  link?: LinkContext,
): Promise<FieldSeries> {
  // Newest first, as the store lists them: of two messages captured at one time, the newer one that
  // has a value counts (a report copied twice, or two report types in one capture).
  const rows: Row[] = [];
  let cursor: string | undefined,
    pages = 0;
  do {
    const page = await store.messages.list({ terminalId, limit: 1000, ...range, ...(cursor ? { cursor } : {}) });
    for (const m of page.items) {
      const r = m.receptions[0];
      rows.push({
        t: m.capturedAt,
        fCnt: m.fCnt,
        fPort: m.fPort,
        rssi: r?.rssi ?? null,
        snr: r?.snr ?? null,
        satelliteId: r?.gatewayEui ? '' : (r?.satelliteId ?? ''),
        decoded: m.decode?.decoded ?? null,
      });
    }
    cursor = page.nextCursor;
  } while (cursor && rows.length < MAX_SERIES_VALUES && ++pages < MAX_SERIES_VALUES / 1000);
  if (isNetworkField(field)) {
    const once = new Map<number, Row>();
    for (const row of rows) if (!once.has(row.t)) once.set(row.t, row);
    return networkSeries([...once.values()].sort((a, b) => a.t - b.t).slice(-MAX_SERIES_VALUES), field, link);
  }
  const points = new Map<number, number>();
  for (const row of rows) {
    if (points.has(row.t)) continue;
    const meta = { fPort: row.fPort, rssi: row.rssi ?? undefined, snr: row.snr ?? undefined };
    // A meta field is the network's, there with or without a decoded payload.
    const v =
      row.decoded !== null || field.startsWith('meta.') ? readNumericField(field, row.decoded, meta) : undefined;
    if (v !== undefined) points.set(row.t, v);
  }
  const sorted = [...points].sort((a, b) => a[0] - b[0]).slice(-MAX_SERIES_VALUES);
  return { t: sorted.map((p) => p[0]), y: sorted.map((p) => p[1]), skipped: rows.length - points.size };
}

async function networkSeries(
  rows: readonly Row[],
  field: NetworkField,
  link: LinkContext | undefined,
): Promise<FieldSeries> {
  const t: number[] = [],
    y: number[] = [];
  if (field === 'meta.interArrivalS' || field === 'meta.fCntGap') {
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1]!,
        b = rows[i]!;
      const v = field === 'meta.interArrivalS' ? (b.t - a.t) / 1000 : b.fCnt - a.fCnt - 1;
      if (v >= 0) {
        t.push(b.t);
        y.push(v);
      } // a counter reset is not a loss
    }
    return { t, y, skipped: rows.length - t.length };
  }
  const placed = await place(rows, link);
  if (field === 'meta.elevationDeg' || field === 'meta.rangeKm') {
    for (const p of placed) {
      t.push(p.row.t);
      y.push(field === 'meta.elevationDeg' ? p.elevationDeg : p.rangeKm);
    }
    return { t, y, skipped: rows.length - t.length };
  }
  const read = (r: Row) => (field === 'meta.rssiResidualDb' ? r.rssi : r.snr);
  const points = placed
    .filter((p) => read(p.row) !== null)
    .map((p) => ({ row: p.row, rangeKm: p.rangeKm, value: read(p.row)! }));
  const baseline = fitLinkBaseline(points);
  if (!baseline) return { t, y, skipped: rows.length };
  for (const p of points) {
    t.push(p.row.t);
    y.push(p.value - linkExpected(baseline, p.rangeKm));
  }
  return { t, y, skipped: rows.length - t.length, baseline };
}

/** Elevation and range of the satellite that heard each message, from the terminal; unplaced ones are left out. */
async function place(
  rows: readonly Row[],
  link: LinkContext | undefined,
): Promise<Array<{ row: Row; elevationDeg: number; rangeKm: number }>> {
  if (!link) return [];
  const out: Array<{ row: Row; elevationDeg: number; rangeKm: number }> = [];
  const state = newEcefState();
  // A fixed terminal is at one place for every message: its site is made once.
  const sites = new Map<string, ReturnType<typeof makeSite>>();
  const siteAt = (p: { lat: number; lon: number; altM?: number }) => {
    const key = `${p.lat},${p.lon},${p.altM ?? 0}`;
    return sites.get(key) ?? sites.set(key, makeSite({ latDeg: p.lat, lonDeg: p.lon, altM: p.altM ?? 0 })).get(key)!;
  };
  for (const row of rows) {
    if (!row.satelliteId) continue;
    const at: { lat: number; lon: number; altM?: number } | undefined =
      (link.reportedPositions ? positionOf(row.decoded) : undefined) ?? link.location;
    const sat = at && (await link.satellite(row.satelliteId));
    if (!at || !sat) continue;
    try {
      const look = lookAngles(siteAt(at), sat.ecefState(row.t, state));
      out.push({
        row,
        elevationDeg: Math.round(look.elevationDeg * 100) / 100,
        rangeKm: Math.round(look.rangeKm * 10) / 10,
      });
    } catch {
      // An element set that cannot be propagated to the capture time places nothing.
    }
  }
  return out;
}

function positionOf(decoded: unknown): { lat: number; lon: number } | undefined {
  const p = (decoded as { position?: { lat?: unknown; lon?: unknown } } | null)?.position;
  return p && typeof p.lat === 'number' && typeof p.lon === 'number' ? { lat: p.lat, lon: p.lon } : undefined;
}
