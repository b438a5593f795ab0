import type { Program } from '../lp/index.js';
import type { BuiltProblem } from './formulation.js';
import { isInteractive } from './policies.js';
import type { PlanningInput } from './types.js';

/** The horizon LP's unmet requests/s by `${workload}|${origin}|${window}`. */
export type LpUnmet = ReadonlyMap<string, number>;

export function lpUnmetKey(workload: number, origin: number, window: number): string {
  return `${workload}|${origin}|${window}`;
}

/**
 * The program with every interactive unmet column bounded by what the horizon LP left unmet there: the
 * window must serve what the LP served. A size class is a slice of its workload, so its last requests often
 * need less than a replica; the MILP may then prefer the penalty to one more VM, which no wider shortlist
 * changes, while the window's plan is kept only if it serves what the LP did. Solving this program instead
 * gives the cheapest plan that does, on the shortlist; where it is infeasible the window is re-solved with
 * every config as before. Deferrable drops are left alone (their cumulative rows bound them).
 */
export function heldToLpService(input: PlanningInput, built: BuiltProblem, lpUnmet: LpUnmet): Program {
  const columnUpper = Float64Array.from(built.program.columnUpper);
  for (const unmet of built.unmet) {
    if (!isInteractive(input.workloads[unmet.workload]!)) continue;
    const left = lpUnmet.get(lpUnmetKey(unmet.workload, unmet.origin, unmet.window));
    if (left === undefined) continue;
    const j = unmet.variable.index;
    columnUpper[j] = Math.min(columnUpper[j]!, Math.max(0, left / built.flowUnit[unmet.workload]!));
  }
  return { ...built.program, columnUpper };
}
