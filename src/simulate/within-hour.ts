import type { SolveFn } from '../capacity/solve.js';
import { binMeans, shapedMinutes, type WithinHourShape } from '../demand/within-hour.js';
import { LinearExpr, Problem } from '../lp/index.js';

/**
 * What a fleet serves minute by minute in one window, from each window's per-minute low, mean and high
 * alone (docs/simulate.md#within-hour-demand has the derivation):
 * - lower: the least served over every minute sequence with those statistics. Served(d) is the dispatch
 *   LP's optimum, concave in the demand d, so a sequence's total is at least what the two-point sequences
 *   (every minute at the low or the high) give; which groups' highs share a minute is the adversary's
 *   choice: a coupling LP over the 2^G corners.
 * - upper: the most served. One group: one minute at the low, one at the high, the rest at the mean of
 *   the others (Jensen on the rest; exact). Several groups: served at the mean (Jensen; loose by at most the
 *   forced extreme minutes).
 * - estimate: the within-hour shape scaled to the window's statistics, the groups' minutes ranked alike.
 * A group is a workload with its origins and size classes: they are fixed shares of one request stream.
 */
export interface MinuteDemand {
  /** [member][...] per (workload, origin) the statistics, requests/s; members of one group are proportional. */
  low: readonly (readonly number[])[];
  mean: readonly (readonly number[])[];
  high: readonly (readonly number[])[];
  /** Group of each workload; -1: not in the minute analysis (deferrable: its backlog absorbs minutes). */
  group: readonly number[];
  /** Minutes in the window. */
  minutes: number;
}

export interface MinuteServed {
  /** Requests/s served (means over the window) at the busiest minute held all window, and the three figures. */
  busiestMinute: number;
  lower: number;
  upper: number;
  estimate: number;
}

/** served(d): requests/s the fleet serves of demand d[w][o] (the groups' workloads only) in a minute. */
export type ServedFn = (demand: number[][]) => Promise<number>;

export async function minuteServed(
  demand: MinuteDemand,
  served: ServedFn,
  options: { shape: WithinHourShape; solve: SolveFn; servedAtHigh?: number },
): Promise<MinuteServed> {
  const groups = Math.max(-1, ...demand.group) + 1;
  const total = (rates: readonly (readonly number[])[]) =>
    rates.reduce((sum, origins, w) => (demand.group[w]! >= 0 ? sum + origins.reduce((a, b) => a + b, 0) : sum), 0);
  const meanTotal = total(demand.mean);
  const highTotal = total(demand.high);
  if (groups === 0) return { busiestMinute: 0, lower: 0, upper: 0, estimate: 0 };
  const cache = new Map<string, number>();
  const at = async (theta: readonly number[]): Promise<number> => {
    const key = theta.join(',');
    const known = cache.get(key);
    if (known !== undefined) return known;
    const d = demand.low.map((origins, w) => {
      const g = demand.group[w]!;
      return origins.map((low, o) => (g < 0 ? 0 : low + theta[g]! * (demand.high[w]![o]! - low)));
    });
    const value = await served(d);
    cache.set(key, value);
    return value;
  };
  const ones = Array.from({ length: groups }, () => 1);
  if (options.servedAtHigh !== undefined) cache.set(ones.join(','), options.servedAtHigh);
  const busiestMinute = await at(ones);
  // Served is monotone and capped by demand: all of the high served means every lower minute is served.
  if (busiestMinute >= highTotal * (1 - 1e-9)) return { busiestMinute, lower: meanTotal, upper: meanTotal, estimate: meanTotal };

  // Per group: the share p of minutes at the high in a two-point sequence with the group's mean.
  const stats = Array.from({ length: groups }, () => ({ low: 0, mean: 0, high: 0 }));
  demand.group.forEach((g, w) => {
    if (g < 0) return;
    for (const [o, low] of demand.low[w]!.entries()) {
      stats[g]!.low += low;
      stats[g]!.mean += demand.mean[w]![o]!;
      stats[g]!.high += demand.high[w]![o]!;
    }
  });
  const span = (s: { low: number; high: number }) => s.high - s.low;
  const share = stats.map((s) => (span(s) > 1e-12 ? Math.min(1, Math.max(0, (s.mean - s.low) / span(s))) : 0));
  const flat = stats.every((s) => !(span(s) > 1e-12));
  if (flat) {
    const value = await at(share);
    return { busiestMinute, lower: value, upper: value, estimate: value };
  }

  const corners: number[][] = [];
  for (let mask = 0; mask < 1 << groups; mask++) corners.push(Array.from({ length: groups }, (_, g) => (mask >> g) & 1));
  const cornerServed: number[] = [];
  for (const corner of corners) cornerServed.push(await at(corner));
  const lower = await worstCoupling(cornerServed, corners, share, options.solve);

  let upper: number;
  if (groups === 1 && demand.minutes >= 2) {
    const s = stats[0]!;
    const n = demand.minutes;
    const rest = (n * s.mean - s.low - s.high) / (n - 2);
    const theta = Math.min(1, Math.max(0, (rest - s.low) / span(s)));
    upper = (cornerServed[0]! + cornerServed[1]! + (n - 2) * (await at([theta]))) / n;
  } else upper = await at(share);

  // Every group's minutes are ranked alike (the same bin of the shape in the same minutes).
  const binsOf = stats.map((s) =>
    span(s) > 1e-12
      ? binMeans(shapedMinutes(options.shape, s.low, s.mean, s.high)).map((bin) => ({ ...bin, theta: (bin.value - s.low) / span(s) }))
      : undefined,
  );
  const bins = binsOf.find((b) => b)!;
  let estimate = 0;
  for (const [b, bin] of bins.entries()) estimate += bin.weight * (await at(binsOf.map((own, g) => (own ? own[b]!.theta : share[g]!))));
  return { busiestMinute, lower, upper, estimate };
}

/**
 * min over joint distributions of the corners (corner[g] = 1: group g at its high) with P(corner[g] = 1) =
 * share[g] of sum pi x served: the adversary's alignment of the groups' busy minutes.
 */
export async function worstCoupling(
  cornerServed: readonly number[],
  corners: readonly (readonly number[])[],
  share: readonly number[],
  solve: SolveFn,
): Promise<number> {
  if (share.length === 1) return (1 - share[0]!) * cornerServed[0]! + share[0]! * cornerServed[1]!;
  const problem = new Problem();
  const pi = corners.map((_, c) => problem.addVariable({ label: `pi[${c}]`, objective: cornerServed[c]! }));
  const all = new LinearExpr();
  for (const v of pi) all.add(v);
  problem.addConstraint('total', all, '=', 1);
  share.forEach((p, g) => {
    const row = new LinearExpr();
    corners.forEach((corner, c) => {
      if (corner[g] === 1) row.add(pi[c]!);
    });
    problem.addConstraint(`share[${g}]`, row, '=', p);
  });
  const solution = await solve(problem.compile(), { timeLimitSec: 30 });
  if (!solution.values) throw new Error(`coupling LP ended ${solution.status}: ${solution.rawStatus}`);
  return pi.reduce((sum, v, c) => sum + Math.max(0, solution.values![v.index]!) * cornerServed[c]!, 0);
}
