import type { Program } from './types.js';

/**
 * Why the solver stopped and whether it left a usable point:
 * optimal = proven optimal within the relative gap; feasible = stopped early (a limit) with an incumbent;
 * no_solution = stopped early without one; error = the backend failed (message in rawStatus).
 */
export type SolveStatus = 'optimal' | 'feasible' | 'infeasible' | 'unbounded' | 'no_solution' | 'error';

/**
 * Which limit stopped a search early: `work` is deterministic (the same program stops at the same point on
 * any machine); `time` is the wall-clock safety net, so that answer depends on the machine and says so.
 */
export type SolveLimit = 'work' | 'time';

/**
 * Deterministic work limits. Each backend maps them to its own counters (HiGHS: branch-and-bound nodes and
 * simplex iterations; glpk.js: its own clock made to count work, see solvers/glpk.ts). Defaults per backend.
 */
export interface WorkLimit {
  /** Branch-and-bound nodes of a MILP. */
  nodes?: number;
  /** Simplex iterations (HiGHS) or work ticks (glpk.js: about one per simplex iteration or node). */
  iterations?: number;
}

export interface SolveOptions {
  /**
   * Wall-clock safety net only: answers must never depend on it. When it fires, the solution's `limit` is
   * 'time' and callers must say so. Deterministic stopping is `workLimit`.
   */
  timeLimitSec?: number;
  /** Deterministic work limits (backend defaults when absent). */
  workLimit?: WorkLimit;
  /** Relative MIP gap at which to stop: |objective - bound| / |objective|. Default 1e-4. */
  relativeGap?: number;
  /** Receives the backend's log lines; never written to stdout. */
  log?: (line: string) => void;
  /**
   * A MIP start: a point of the program (one value per column) the search may begin from. Backends that
   * take one use it (HiGHS); others ignore it. It never changes what is optimal, only where a search starts.
   */
  start?: Float64Array;
  /**
   * An LP start: a basis of the program (a status per column and per row) the simplex may begin from, e.g.
   * a previous solve's basis carried over to a grown program. Backends that take one use it (HiGHS) and
   * fall back to their own start when it is not a valid basis; others ignore it. It never changes the optimum.
   */
  basis?: Basis;
}

/**
 * Simplex basis statuses, HiGHS's codes: 0 at lower bound, 1 basic, 2 at upper bound, 3 free at zero, 4 nonbasic.
 * A valid basis has exactly one basic entry per row across both arrays.
 */
export interface Basis {
  columns: Int32Array;
  rows: Int32Array;
}

/** Whether `basis` can be a basis of a program of this size: a status per column and row, one basic per row. */
export function fitsBasis(basis: Basis, columns: number, rows: number): boolean {
  if (basis.columns.length !== columns || basis.rows.length !== rows) return false;
  let basic = 0;
  for (const statuses of [basis.columns, basis.rows])
    for (const status of statuses) {
      if (status < 0 || status > 4) return false;
      if (status === 1) basic++;
    }
  return basic === rows;
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
  /**
   * LPs solved to optimality only: one dual value y_i per row, such that d_j = c_j - sum_i a_ij y_i are the
   * reduced costs; minimising, y_i <= 0 on a binding <= row and >= 0 on a binding >= row (maximising, the
   * opposite). Column generation prices columns not in the program with them. Absent for MILPs and for any
   * other status.
   */
  duals?: Float64Array;
  /** LPs solved to optimality, by backends that report one (HiGHS): the optimal basis, to start a re-solve from. */
  basis?: Basis;
  solver: string;
  /** The backend's own status words, for diagnosis. */
  rawStatus: string;
  /** Set when a limit stopped the search before it proved its answer (status feasible or no_solution). */
  limit?: SolveLimit;
  seconds: number;
}

/** How a program is solved, as the capacity, simulate and validate layers receive it: they never import a backend. */
export type SolveFn = (program: Program, options: SolveOptions) => Promise<Solution>;

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
