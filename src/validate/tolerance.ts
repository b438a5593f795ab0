/**
 * How far a figure a plan states may be from what the checker recomputes. One place, so that a shared
 * relative-tolerance module can replace it: each kind is an absolute floor (the precision plan.json writes
 * the figure with) plus a relative part (float summation order), never more than a tampered figure moves.
 */
export type FigureKind = 'usd' | 'price' | 'gpuHours' | 'requests' | 'count' | 'share';

const FLOOR: Record<FigureKind, number> = {
  // Micro-dollars: plan.json rounds each window and each total to 1e-6, so sums of rounded terms drift a little.
  usd: 1e-5,
  price: 1e-9,
  // plan.json rounds GPU-hours to 4 decimals.
  gpuHours: 1e-4,
  // Request totals are rounded to whole requests.
  requests: 1,
  count: 0,
  share: 1e-6,
};
const RELATIVE = 1e-9;

/** True when `stated` is not `recomputed` within the tolerance of its kind. */
export function differs(kind: FigureKind, stated: number, recomputed: number): boolean {
  if (!Number.isFinite(stated)) return true;
  return Math.abs(stated - recomputed) > FLOOR[kind] + RELATIVE * Math.max(Math.abs(stated), Math.abs(recomputed));
}
