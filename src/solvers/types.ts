import type { Program } from '../lp/types.js';

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

export const DEFAULT_RELATIVE_GAP = 1e-4;

export function relativeGap(objective: number | undefined, bound: number | undefined): number | undefined {
  if (objective === undefined || bound === undefined || !Number.isFinite(objective) || !Number.isFinite(bound)) {
    return undefined;
  }
  const difference = Math.abs(objective - bound);
  return difference === 0 ? 0 : difference / Math.max(Math.abs(objective), 1e-9);
}

/** Rejects programs that would abort a wasm backend (NaN, bad CSR); returns a message or undefined. */
export function programDefect(program: Program): string | undefined {
  const columns = program.objective.length;
  const rows = program.rowLower.length;
  if (program.columnLower.length !== columns || program.columnUpper.length !== columns || program.integrality.length !== columns) {
    return 'column arrays have different lengths';
  }
  if (program.rowUpper.length !== rows || program.rowStarts.length !== rows + 1) return 'row arrays have different lengths';
  for (let j = 0; j < columns; j++) {
    if (!Number.isFinite(program.objective[j]!)) return `objective coefficient of column ${j} is ${program.objective[j]}`;
    if (Number.isNaN(program.columnLower[j]!) || Number.isNaN(program.columnUpper[j]!)) return `column ${j} has a NaN bound`;
  }
  if (!Number.isFinite(program.objectiveConstant)) return 'objective constant is not finite';
  for (let row = 0; row < rows; row++) {
    if (Number.isNaN(program.rowLower[row]!) || Number.isNaN(program.rowUpper[row]!)) return `row ${row} has a NaN bound`;
    let previous = -1;
    for (let k = program.rowStarts[row]!; k < program.rowStarts[row + 1]!; k++) {
      const column = program.rowColumns[k]!;
      if (column <= previous || column >= columns) return `row ${row} has an unsorted, repeated or unknown column ${column}`;
      if (!Number.isFinite(program.rowValues[k]!)) return `row ${row} has coefficient ${program.rowValues[k]}`;
      previous = column;
    }
  }
  return undefined;
}

/** Round integer columns that are within `tolerance` of an integer (solvers return 2.9999999999999). */
export function roundIntegers(program: Program, values: Float64Array, tolerance = 1e-6): Float64Array {
  for (let j = 0; j < values.length; j++) {
    if (program.integrality[j] === 1) {
      const rounded = Math.round(values[j]!);
      if (Math.abs(values[j]! - rounded) <= tolerance) values[j] = rounded === 0 ? 0 : rounded;
    }
  }
  return values;
}
