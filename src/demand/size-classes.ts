import type { RequestSizeBucket } from './types.js';

/**
 * Splits a request mix into size classes: contiguous runs of its buckets in one size order, chosen by an exact
 * DP to minimise the best achievable cost of serving the mix (each class at its own cheapest cost per request,
 * weighted by its share). Several size orders are tried (total, input and output tokens) because which order
 * separates cheap-GPU requests from big-GPU ones depends on the configs; the lowest objective wins, ties to
 * the first order, the first (leftmost) cut and the fewest classes, so the split is deterministic.
 */

export const MAX_SIZE_CLASSES = 8;
/** auto: stop adding classes once one more improves the DP objective by less than this fraction. */
export const AUTO_IMPROVEMENT = 0.001;

export interface SizeClassSplit {
  /** Each class's buckets (shares as in the mix, not renormalised). */
  classes: RequestSizeBucket[][];
  /** The DP objective: sum over classes of share x cost per request of the class (Infinity when none serves it). */
  objective: number;
  /** The best objective with 1, 2, ... classes (what `auto` compared). */
  objectives: number[];
}

/** Cost per request of serving these buckets (as one renormalised mix); Infinity when nothing serves them. */
export type ClassCost = (buckets: readonly RequestSizeBucket[]) => number;

const ORDERS: readonly ((b: RequestSizeBucket) => number)[] = [
  (b) => b.inputTokens + b.outputTokens,
  (b) => b.inputTokens,
  (b) => b.outputTokens,
];

/** Buckets sorted by a key, ties by input then output tokens then original position. */
function ordered(buckets: readonly RequestSizeBucket[], key: (b: RequestSizeBucket) => number): RequestSizeBucket[] {
  return buckets
    .map((b, i) => ({ b, i }))
    .sort((x, y) => key(x.b) - key(y.b) || x.b.inputTokens - y.b.inputTokens || x.b.outputTokens - y.b.outputTokens || x.i - y.i)
    .map(({ b }) => b);
}

/** Exact DP over contiguous partitions of `buckets` into exactly 1..maxClasses classes. */
export function bestPartitions(
  buckets: readonly RequestSizeBucket[],
  maxClasses: number,
  cost: ClassCost,
): { objective: number; cuts: number[] }[] {
  const n = buckets.length;
  const segment: number[][] = Array.from({ length: n }, () => new Array<number>(n + 1).fill(Number.POSITIVE_INFINITY));
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j <= n; j++) {
      const part = buckets.slice(i, j);
      const share = part.reduce((sum, b) => sum + b.share, 0);
      const perRequest = cost(part);
      segment[i]![j] = share > 0 ? share * perRequest : 0;
    }
  // best[k][j]: k+1 classes over the first j buckets; from[k][j]: where the last class starts.
  const most = Math.min(maxClasses, n);
  const best: number[][] = [segment[0]!.slice()];
  const from: number[][] = [new Array<number>(n + 1).fill(0)];
  for (let k = 1; k < most; k++) {
    const row = new Array<number>(n + 1).fill(Number.POSITIVE_INFINITY);
    const start = new Array<number>(n + 1).fill(-1);
    for (let j = k + 1; j <= n; j++)
      for (let i = k; i < j; i++) {
        const value = best[k - 1]![i]! + segment[i]![j]!;
        if (value < row[j]!) {
          row[j] = value;
          start[j] = i;
        }
      }
    best.push(row);
    from.push(start);
  }
  return best.map((row, k) => {
    const cuts: number[] = [];
    let j = n;
    for (let level = k; level > 0; level--) {
      j = from[level]![j]!;
      cuts.unshift(j);
    }
    return { objective: row[n]!, cuts };
  });
}

/** The split into `classes` classes (at most the number of buckets), or the `auto` choice. */
export function splitSizeClasses(buckets: readonly RequestSizeBucket[], classes: number | 'auto', cost: ClassCost): SizeClassSplit {
  const wanted = classes === 'auto' ? MAX_SIZE_CLASSES : classes;
  let chosen: { order: RequestSizeBucket[]; objectives: number[]; parts: { objective: number; cuts: number[] }[] } | undefined;
  for (const key of ORDERS) {
    const order = ordered(buckets, key);
    const parts = bestPartitions(order, wanted, cost);
    // "At most k classes": a finer split that does not pay keeps the coarser one.
    for (let k = 1; k < parts.length; k++) if (!(parts[k]!.objective < parts[k - 1]!.objective)) parts[k] = parts[k - 1]!;
    const objectives = parts.map((p) => p.objective);
    const last = objectives[objectives.length - 1]!;
    if (!chosen || last < chosen.objectives[chosen.objectives.length - 1]!) chosen = { order, objectives, parts };
  }
  const { order, objectives, parts } = chosen!;
  let k = parts.length - 1;
  if (classes === 'auto') {
    k = 0;
    while (k + 1 < parts.length && !(objectives[k + 1]! >= objectives[k]! * (1 - AUTO_IMPROVEMENT))) k++;
  }
  const cuts = [0, ...parts[k]!.cuts, order.length];
  return {
    classes: cuts.slice(1).map((end, c) => order.slice(cuts[c]!, end)),
    objective: objectives[k]!,
    objectives,
  };
}
