import type { Program } from '../lp/types.js';
import type { Solution, SolveStatus } from './types.js';

export function errorSolution(solver: string, message: string, seconds: number): Solution {
  return { status: 'error', solver, rawStatus: message, seconds };
}

/** A column or row whose lower bound exceeds its upper bound: infeasible before any solve. */
export function boundsDefect(program: Program): string | undefined {
  for (let j = 0; j < program.columnLower.length; j++) {
    if (program.columnLower[j]! > program.columnUpper[j]!) {
      return `column ${program.columnLabels[j]} has lower bound ${program.columnLower[j]} > upper bound ${program.columnUpper[j]}`;
    }
  }
  for (let row = 0; row < program.rowLower.length; row++) {
    if (program.rowLower[row]! > program.rowUpper[row]!) {
      return `row ${program.rowLabels[row]} has lower bound ${program.rowLower[row]} > upper bound ${program.rowUpper[row]}`;
    }
  }
  return undefined;
}

/** The same program with a zero objective: feasible iff the original is (used to split "unbounded or infeasible"). */
export function zeroObjective(program: Program): Program {
  return { ...program, objective: new Float64Array(program.objective.length), objectiveConstant: 0 };
}

/** Presolvers often say only "unbounded or infeasible"; a zero-objective probe decides which. */
export function decideUnboundedOrInfeasible(probeStatus: SolveStatus | 'unbounded_or_infeasible'): SolveStatus {
  if (probeStatus === 'optimal' || probeStatus === 'feasible') return 'unbounded';
  if (probeStatus === 'infeasible' || probeStatus === 'unbounded_or_infeasible') return 'infeasible';
  return probeStatus === 'no_solution' ? 'no_solution' : 'error';
}
