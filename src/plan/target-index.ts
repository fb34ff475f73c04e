import type { Targets } from './targets.js';

const BIN_DEG = 2;
const LAT_BINS = 180 / BIN_DEG;
const LON_BINS = 360 / BIN_DEG;

/**
 * A fixed lat/lon bucket grid over targets (2° bins, CSR layout) answering "which targets may lie
 * within a spherical cap": the cap's bounding box in bins, so a query costs the targets near the
 * sub-satellite point rather than all of them.
 */
export class TargetIndex {
  private readonly binStart: Int32Array;
  /** Target indices grouped by bin; `rangesNear` returns spans of this array. */
  readonly items: Int32Array;

  constructor(targets: Targets, from = 0, to = targets.count) {
    const counts = new Int32Array(LAT_BINS * LON_BINS + 1);
    const bin = new Int32Array(to - from);
    for (let i = from; i < to; i++) {
      const b = binOf(targets.latDeg[i]!, targets.lonDeg[i]!);
      bin[i - from] = b;
      counts[b + 1]!++;
    }
    for (let b = 0; b < LAT_BINS * LON_BINS; b++) counts[b + 1]! += counts[b]!;
    this.binStart = counts.slice();
    const fill = counts.slice();
    this.items = new Int32Array(to - from);
    for (let i = from; i < to; i++) this.items[fill[bin[i - from]!]!++] = i;
  }

  /**
   * Appends to `out` the [begin, end) spans of `items` whose bins intersect the bounding box of the
   * cap of radius `radiusDeg` around (lat, lon). Spans, not a callback, keep the caller's loop tight.
   */
  rangesNear(latDeg: number, lonDeg: number, radiusDeg: number, out: number[]): void {
    const lat0 = Math.max(-90, latDeg - radiusDeg);
    const lat1 = Math.min(90, latDeg + radiusDeg);
    const b0 = Math.min(LAT_BINS - 1, Math.floor((lat0 + 90) / BIN_DEG));
    const b1 = Math.min(LAT_BINS - 1, Math.floor((lat1 + 90) / BIN_DEG));
    const polar = Math.abs(latDeg) + radiusDeg >= 89.9;
    // Longitude half-width of the cap: asin(sin ρ / cos φc), its extent at the tangent latitude.
    const ratio = Math.sin((radiusDeg * Math.PI) / 180) / Math.cos((latDeg * Math.PI) / 180);
    let l0 = 0,
      l1 = LON_BINS - 1;
    if (!polar && ratio < 1) {
      const dLon = (Math.asin(ratio) * 180) / Math.PI;
      l0 = Math.floor((lonDeg - dLon + 180) / BIN_DEG);
      l1 = Math.floor((lonDeg + dLon + 180) / BIN_DEG);
      if (l1 - l0 >= LON_BINS) {
        l0 = 0;
        l1 = LON_BINS - 1;
      }
    }
    for (let lb = b0; lb <= b1; lb++) {
      const row = lb * LON_BINS;
      for (let lq = l0; lq <= l1; lq++) {
        const b = row + (((lq % LON_BINS) + LON_BINS) % LON_BINS);
        const begin = this.binStart[b]!,
          end = this.binStart[b + 1]!;
        if (begin === end) continue;
        const last = out.length - 1;
        if (last > 0 && out[last] === begin) out[last] = end;
        else out.push(begin, end);
      }
    }
  }
}

function binOf(latDeg: number, lonDeg: number): number {
  const lb = Math.min(LAT_BINS - 1, Math.max(0, Math.floor((latDeg + 90) / BIN_DEG)));
  const lon = (((lonDeg + 180) % 360) + 360) % 360;
  const ob = Math.min(LON_BINS - 1, Math.floor(lon / BIN_DEG));
  return lb * LON_BINS + ob;
}
