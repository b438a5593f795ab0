import type { Program } from './types.js';

/**
 * Why the solver stopped and whether it left a usable point:
 * optimal = proven optimal within the relative gap; feasible = stopped early (time limit) with an incumbent;
 * no_solution = stopped early without one; error = the backend failed (message in rawStatus).
 */
export type SolveStatus = 'optimal' | 'feasible' | 'infeasible' | 'unbounded' | 'no_solution' | 'error';

export interface SolveOptions {
  /** Wall-clock limit for the search (backends overshoot a little; see notes/solvers.md). */
  timeLimitSec?: number;
  /** Relative MIP gap at which to stop: |objective - bound| / |objective|. Default 1e-4. */
  relativeGap?: number;
  /** Receives the backend's log lines; never written to stdout. */
  log?: (line: string) => void;
}

export interface Solution {
  status: SolveStatus;
  /** Objective of the returned point, including the program's constant. */
  objective?: number;
  /** Best proven bound on the optimum (dual bound); equals objective for a solved LP. */
  bound?: number;
  /** |objective - bound| / max(|objective|, 1e-9); undefined when either is unknown. */
  gap?: number;
  /** One value per program column (integer columns rounded when within tolerance); absent without a point. */
  values?: Float64Array;
  solver: string;
  /** The backend's own status words, for diagnosis. */
  rawStatus: string;
  seconds: number;
}

export interface Solver {
  readonly name: string;
  solve(program: Program, options?: SolveOptions): Promise<Solution>;
}

/** |objective - bound| / max(|objective|, 1e-9); undefined when either is unknown. */
export function relativeGap(objective: number | undefined, bound: number | undefined): number | undefined {
  if (objective === undefined || bound === undefined || !Number.isFinite(objective) || !Number.isFinite(bound)) {
    return undefined;
  }
  const difference = Math.abs(objective - bound);
  return difference === 0 ? 0 : difference / Math.max(Math.abs(objective), 1e-9);
}
