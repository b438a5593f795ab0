import { objectiveValue, relativeGap, type Solution } from '../lp/index.js';
import type { BuiltProblem } from './formulation.js';
import { roundUpFleet } from './round-up.js';
import type { PlanningInput } from './types.js';

/**
 * A window MILP's start: its LP relaxation rounded up (round-up.ts). When the start's objective is within
 * the relative gap of the LP's optimum, that optimum proves it and branch and bound would stop at the start
 * at once; the start is then the MILP's answer, with the LP's objective as its bound. Otherwise undefined:
 * the MILP runs. The rule depends on the program alone, never on time.
 */
export function startWithinGap(
  input: PlanningInput,
  built: BuiltProblem,
  relaxed: Solution,
  previousFleet: ReadonlyMap<string, number>,
  previousReplicas: ReadonlyMap<string, number>,
  gap: number,
): Solution | undefined {
  if (relaxed.status !== 'optimal' || !relaxed.values || relaxed.objective === undefined) return undefined;
  const { program } = built;
  const start = roundUpFleet(input, built, program, relaxed.values, previousFleet, previousReplicas);
  if (!start) return undefined;
  // Rounding fixes replicas and VMs; any other integer column (a choice, a path) must already be whole.
  for (let j = 0; j < start.length; j++) if (program.integrality[j] === 1 && !Number.isInteger(start[j]!)) return undefined;
  const objective = objectiveValue(program, start);
  const proven = relativeGap(objective, relaxed.objective);
  if (proven === undefined || proven > gap) return undefined;
  return {
    status: 'optimal',
    solver: relaxed.solver,
    rawStatus: 'the LP relaxation rounded up, within the gap of the LP bound',
    values: start,
    objective,
    bound: relaxed.objective,
    gap: proven,
    seconds: 0,
  };
}
