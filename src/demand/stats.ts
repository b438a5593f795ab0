/** Distribution of token counts per request. Percentiles are nearest-rank (a value that occurred). */
export interface TokenStats {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile (0 < fraction <= 1) of ascending values: the ceil(fraction * n)-th smallest. */
export function percentileOfSorted(sorted: ArrayLike<number>, fraction: number): number {
  return sorted[nearestRank(fraction, sorted.length) - 1]!;
}

/** 1-based rank of the nearest-rank percentile; the epsilon keeps 0.95 x 60 at 57 despite binary fractions. */
function nearestRank(fraction: number, count: number): number {
  if (count === 0) throw new RangeError('percentile of no values');
  return Math.min(count, Math.max(1, Math.ceil(fraction * count - 1e-9)));
}

/** Token statistics of unsorted counts (copied, then sorted natively), or null when there are none. */
export function tokenStatsOf(values: Uint32Array): TokenStats | null {
  if (values.length === 0) return null;
  const sorted = values.slice().sort();
  let total = 0;
  for (let i = 0; i < sorted.length; i++) total += sorted[i]!;
  return {
    mean: total / sorted.length,
    p50: percentileOfSorted(sorted, 0.5),
    p90: percentileOfSorted(sorted, 0.9),
    p99: percentileOfSorted(sorted, 0.99),
    max: sorted[sorted.length - 1]!,
  };
}

const DENSE_LIMIT = 1 << 20;

/**
 * Exact counts of non-negative integers in bounded memory: a dense array grown to the largest value seen
 * below 2^20 (token counts of real requests), and a plain list for the rare larger values.
 */
export class CountHistogram {
  private counts = new Float64Array(1024);
  private readonly large: number[] = [];
  private n = 0;
  private total = 0;
  private smallest = Infinity;
  private largest = -Infinity;

  addAll(values: Uint32Array): void {
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      if (value < this.counts.length) this.counts[value]!++;
      else this.addBeyond(value);
      this.total += value;
      if (value < this.smallest) this.smallest = value;
      if (value > this.largest) this.largest = value;
    }
    this.n += values.length;
  }

  get count(): number {
    return this.n;
  }

  get sum(): number {
    return this.total;
  }

  get min(): number {
    return this.smallest;
  }

  /** Nearest-rank percentile, as percentileOfSorted would give on all values. */
  percentile(fraction: number): number {
    const rank = nearestRank(fraction, this.n);
    let seen = 0;
    for (let value = 0; value < this.counts.length; value++) {
      seen += this.counts[value]!;
      if (seen >= rank) return value;
    }
    const large = this.large.slice().sort((a, b) => a - b);
    return large[rank - seen - 1]!;
  }

  stats(): TokenStats | null {
    if (this.n === 0) return null;
    return {
      mean: this.total / this.n,
      p50: this.percentile(0.5),
      p90: this.percentile(0.9),
      p99: this.percentile(0.99),
      max: this.largest,
    };
  }

  private addBeyond(value: number): void {
    if (value >= DENSE_LIMIT) {
      this.large.push(value);
      return;
    }
    let size = this.counts.length;
    while (size <= value) size *= 2;
    const grown = new Float64Array(size);
    grown.set(this.counts);
    this.counts = grown;
    this.counts[value]!++;
  }
}

/** Growable list of counts (one window's token sizes). */
export class CountList {
  private values = new Uint32Array(256);
  private n = 0;

  push(value: number): void {
    if (this.n === this.values.length) {
      const grown = new Uint32Array(this.n * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.n++] = value;
  }

  get length(): number {
    return this.n;
  }

  view(): Uint32Array {
    return this.values.subarray(0, this.n);
  }

  clear(): void {
    this.n = 0;
  }
}
