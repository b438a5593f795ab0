import type { PlanningInput } from '../capacity/types.js';
/**
 * How far what a plan states may be from what the checker recomputes: one definition for validate and for
 * the self-check of every solve (both run checkPlan). Two kinds of comparison, each relative to the
 * quantities compared, never a bare absolute epsilon (which is too loose for tiny rates and too tight for
 * huge ones):
 * - a stated figure against its recomputation (`differs`): the precision plan.json writes it with, plus
 *   float summation order;
 * - a row the solver satisfied (capacity, demand, a policy) recomputed from stated terms (`exceeds`,
 *   `rowDiffers`): the stated terms' own rounding (`rounding`, summed by the caller) plus the solver's
 *   feasibility tolerance relative to the row's size: the larger of its sides and `unit`, the row's natural
 *   size (one replica's load, one replica's memory) when both sides are near zero.
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
const FLOAT_RELATIVE = 1e-9;
/**
 * LP solvers hold rows to about 1e-7 to 1e-6 (primal and MIP feasibility) on rows the formulation scales to
 * replica units (formulation-scale.ts); ten times that, relative to the row's size.
 */
const SOLVER_RELATIVE = 1e-5;

/**
 * plan.json states every rate (routes, unmet) to this step, requests/s (src/capacity/plan.ts), so each stated
 * rate is within half a step of the solver's, and a flow it leaves out (solver noise, or a share that rounds
 * to zero) is under half a step too.
 */
export const RATE_STEP = 1e-6;
/** The most a stated rate (or one left out) is from the solver's, requests/s. */
export const RATE_ROUNDING = RATE_STEP / 2;

/** True when `stated` is not `recomputed` within the tolerance of its kind. */
export function differs(kind: FigureKind, stated: number, recomputed: number): boolean {
  if (!Number.isFinite(stated)) return true;
  return Math.abs(stated - recomputed) > FLOOR[kind] + FLOAT_RELATIVE * Math.max(Math.abs(stated), Math.abs(recomputed));
}

/** The slack of a row: its stated terms' rounding plus the solver's tolerance on a row of this size. */
export function rowSlack(lhs: number, rhs: number, rounding: number, unit: number): number {
  return rounding + SOLVER_RELATIVE * Math.max(Math.abs(lhs), Math.abs(rhs), Math.abs(unit));
}

/** True when `lhs <= rhs` fails by more than the row's slack. */
export function exceeds(lhs: number, rhs: number, rounding: number, unit: number): boolean {
  return !(lhs - rhs <= rowSlack(lhs, rhs, rounding, unit));
}

/** True when `lhs = rhs` fails by more than the row's slack. */
export function rowDiffers(lhs: number, rhs: number, rounding: number, unit: number): boolean {
  return !(Math.abs(lhs - rhs) <= rowSlack(lhs, rhs, rounding, unit));
}

/** True when `lhs <= rhs` fails beyond float rounding: for rows of exact counts (GPUs, VMs), where no solver tolerance survives. */
export function exceedsExactly(lhs: number, rhs: number): boolean {
  return !(lhs - rhs <= FLOAT_RELATIVE * Math.max(Math.abs(lhs), Math.abs(rhs), 1));
}

const workloadFigures = new WeakMap<PlanningInput, Map<string, { fastest: number; configs: number }>>();
/** Per workload, its fastest config's rate per replica and how many configs serve it (one pass, kept per input). */
function figuresOf(input: PlanningInput, workload: string): { fastest: number; configs: number } | undefined {
  let byWorkload = workloadFigures.get(input);
  if (!byWorkload) {
    byWorkload = new Map();
    for (const candidate of input.candidates)
      for (const [id, rate] of candidate.requestsPerSecByWorkload) {
        const figures = byWorkload.get(id) ?? { fastest: 0, configs: 0 };
        byWorkload.set(id, { fastest: Math.max(figures.fastest, rate), configs: figures.configs + 1 });
      }
    workloadFigures.set(input, byWorkload);
  }
  return byWorkload.get(workload);
}

/**
 * A workload's natural rate, requests/s: its fastest config's rate per replica (1 when it has none). Rows in
 * requests/s of that workload are this size when both their sides are near zero; the solver solved them in
 * these units (formulation-scale.ts), so its tolerance is relative to it at any request scale.
 */
export function rateUnit(input: PlanningInput, workload: string): number {
  return figuresOf(input, workload)?.fastest || 1;
}

/**
 * How many routes a workload's demand row may have: one per config that serves it, plus its unmet entry.
 * Each may be left out of the plan below half a rate step, so a row allows that many roundings.
 */
export function routesPossible(input: PlanningInput, workload: string): number {
  return (figuresOf(input, workload)?.configs ?? 0) + 1;
}
