import { objectiveValue, relativeGap, type Solution } from '../lp/index.js';
import type { BuiltProblem } from './formulation.js';
import { roundUpFleet } from './round-up.js';
import type { PlanningInput } from './types.js';

/**
 * A window MILP's start: its LP relaxation rounded up (round-up.ts). When the start's objective is within
 * the relative gap of the LP's optimum, that optimum proves it and branch and bound would stop at the start
 * at once; the start is then the MILP's answer (`proven`), with the LP's objective as its bound. Otherwise
 * the MILP runs, given the point as its start where the backend takes one. The rule depends on the program
 * alone, never on time.
 */
export function windowStart(
  input: PlanningInput,
  built: BuiltProblem,
  relaxed: Solution,
  previousFleet: ReadonlyMap<string, number>,
  previousReplicas: ReadonlyMap<string, number>,
  gap: number,
): { point?: Float64Array; proven?: Solution } {
  if (relaxed.status !== 'optimal' || !relaxed.values || relaxed.objective === undefined) return {};
  const { program } = built;
  const point = roundUpFleet(input, built, program, relaxed.values, previousFleet, previousReplicas);
  if (!point) return {};
  // Rounding fixes replicas and VMs; any other integer column (a choice, a path) must already be whole.
  for (let j = 0; j < point.length; j++) if (program.integrality[j] === 1 && !Number.isInteger(point[j]!)) return {};
  const proven = provenWithinGap(
    objectiveValue(program, point),
    relaxed.objective,
    gap,
    relaxed.solver,
    'the LP relaxation rounded up, within the gap of the LP bound',
    point,
  );
  return proven ? { point, proven } : { point };
}

/**
 * A start as the window MILP's answer: optimal when `bound` (an LP optimum) proves its objective within the
 * relative gap, as it would prove a MILP incumbent; undefined otherwise.
 */
export function provenWithinGap(
  objective: number,
  bound: number,
  gap: number,
  solver: string,
  rawStatus: string,
  values?: Float64Array,
): Solution | undefined {
  const proven = relativeGap(objective, bound);
  if (proven === undefined || proven > gap) return undefined;
  return { status: 'optimal', solver, rawStatus, ...(values ? { values } : {}), objective, bound, gap: proven, seconds: 0 };
}
