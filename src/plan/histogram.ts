/**
 * A weighted histogram of durations in minutes (fixed bins, an overflow bin), for pooled quantiles
 * over many cells. Besides point samples it takes uniform densities: the wait for the next contact
 * of a message created at a uniformly random time in a gap is uniform over the gap.
 */
export class DurationHistogram {
  readonly bins: Float64Array;
  private total = 0;
  private overflow = 0;
  /** Exact zeros (a message sent while a satellite is in view) kept apart from bin 0's spread. */
  private zero = 0;

  constructor(
    readonly binMin = 0.25,
    readonly maxMin = 72 * 60,
  ) {
    this.bins = new Float64Array(Math.ceil(maxMin / binMin));
  }

  addPoint(valueMin: number, weight: number): void {
    if (!(weight > 0)) return;
    this.total += weight;
    if (valueMin <= 0) {
      this.zero += weight;
      return;
    }
    if (valueMin >= this.maxMin) {
      this.overflow += weight;
      return;
    }
    this.bins[Math.max(0, Math.floor(valueMin / this.binMin))]! += weight;
  }

  /** `weight` spread evenly over [lo, hi] minutes. */
  addUniform(lo: number, hi: number, weight: number): void {
    if (!(weight > 0)) return;
    if (!(hi - lo > 1e-9)) {
      this.addPoint(lo, weight);
      return;
    }
    const density = weight / (hi - lo);
    this.total += weight;
    if (hi > this.maxMin) {
      const over = hi - Math.max(lo, this.maxMin);
      this.overflow += over * density;
      hi = this.maxMin;
      if (lo >= hi) return;
    }
    const b0 = Math.floor(lo / this.binMin),
      b1 = Math.min(this.bins.length - 1, Math.floor(hi / this.binMin));
    if (b0 === b1) {
      this.bins[b0]! += (hi - lo) * density;
      return;
    }
    this.bins[b0]! += ((b0 + 1) * this.binMin - lo) * density;
    for (let b = b0 + 1; b < b1; b++) this.bins[b]! += this.binMin * density;
    this.bins[b1]! += (hi - b1 * this.binMin) * density;
  }

  merge(other: DurationHistogram): void {
    for (let i = 0; i < this.bins.length; i++) this.bins[i]! += other.bins[i]!;
    this.total += other.total;
    this.overflow += other.overflow;
    this.zero += other.zero;
  }

  /** The q-quantile (0..1) in minutes, interpolated within its bin; Infinity when it falls in the overflow. */
  quantile(q: number): number {
    if (this.total === 0) return NaN;
    const target = q * this.total;
    if (target <= this.zero) return 0;
    let acc = this.zero;
    for (let i = 0; i < this.bins.length; i++) {
      const b = this.bins[i]!;
      if (acc + b >= target && b > 0) return (i + (target - acc) / b) * this.binMin;
      acc += b;
    }
    // Rounding can leave the bins' sum a hair below the total: that is not an overflow.
    if (this.overflow <= 1e-9 * this.total) {
      for (let i = this.bins.length - 1; i >= 0; i--) if (this.bins[i]! > 0) return (i + 1) * this.binMin;
      return 0;
    }
    return Infinity;
  }

  toJSON(): HistogramJson {
    return {
      binMin: this.binMin,
      maxMin: this.maxMin,
      bins: Array.from(this.bins),
      overflow: this.overflow,
      zero: this.zero,
      total: this.total,
    };
  }

  static fromJSON(j: Omit<HistogramJson, 'bins'> & { bins: ArrayLike<number> }): DurationHistogram {
    const h = new DurationHistogram(j.binMin, j.maxMin);
    h.bins.set(j.bins);
    h.overflow = j.overflow;
    h.zero = j.zero;
    h.total = j.total;
    return h;
  }
}

export interface HistogramJson {
  binMin: number;
  maxMin: number;
  bins: number[];
  overflow: number;
  zero: number;
  total: number;
}
