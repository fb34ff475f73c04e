/**
 * Contact windows of many cells collected in one growable typed buffer (rows of `width` numbers
 * tagged with their cell), then regrouped by cell with a counting sort. Avoids one JS array per
 * cell and the garbage it makes: a resolution-5 plan of China holds tens of millions of windows.
 */
export class WindowBuffer {
  private rows: Float64Array;
  private cellOf: Int32Array;
  private count = 0;

  constructor(
    readonly width: number,
    initialRows = 1 << 16,
  ) {
    this.rows = new Float64Array(initialRows * width);
    this.cellOf = new Int32Array(initialRows);
  }

  get size(): number {
    return this.count;
  }

  push(cell: number, a: number, b: number, c = 0): void {
    if (this.count === this.cellOf.length) {
      const rows = new Float64Array(this.rows.length * 2);
      rows.set(this.rows);
      this.rows = rows;
      const cells = new Int32Array(this.cellOf.length * 2);
      cells.set(this.cellOf);
      this.cellOf = cells;
    }
    const o = this.count * this.width;
    this.rows[o] = a;
    this.rows[o + 1] = b;
    if (this.width > 2) this.rows[o + 2] = c;
    this.cellOf[this.count++] = cell;
  }

  /** Rows regrouped by cell (0..cells−1), insertion order kept within a cell; `offsets` in rows. */
  byCell(cells: number): { data: Float64Array; offsets: Int32Array } {
    const offsets = new Int32Array(cells + 1);
    for (let i = 0; i < this.count; i++) offsets[this.cellOf[i]! + 1]!++;
    for (let c = 0; c < cells; c++) offsets[c + 1]! += offsets[c]!;
    const fill = offsets.slice(0, cells);
    const w = this.width;
    const data = new Float64Array(this.count * w);
    for (let i = 0; i < this.count; i++) {
      const dst = fill[this.cellOf[i]!]!++ * w;
      for (let k = 0; k < w; k++) data[dst + k] = this.rows[i * w + k]!;
    }
    return { data, offsets };
  }
}
