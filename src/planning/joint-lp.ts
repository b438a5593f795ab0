import { buildProblem } from '../capacity/formulation.js';
import type { PlanningInput } from '../capacity/types.js';
import { writeLpText } from '../lp/index.js';

/** The joint horizon model as CPLEX LP text: what any external solver should solve to check a plan's optimum. */
export function jointModelLp(input: PlanningInput): string {
  return writeLpText(buildProblem(input).program, { names: 'labels' });
}
