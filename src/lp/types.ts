/** Kinds of decision variable. Binary is an integer variable bounded to [0, 1]. */
export type VarType = 'continuous' | 'integer' | 'binary';
export type Sense = '<=' | '>=' | '=';
export type Direction = 'minimize' | 'maximize';

/** A column of a problem, as returned by Problem.addVariable. The index is the column's position. */
export interface Variable {
  readonly index: number;
  readonly label: string;
}

/** A row of a problem, as returned by Problem.addConstraint. */
export interface ConstraintRef {
  readonly index: number;
  readonly label: string;
}

/** Column type codes in a compiled Program (compact for 100k+ columns). */
export const ColumnType = { continuous: 0, integer: 1 } as const;

/**
 * A compiled program in standard form: min/max c'x + c0 subject to rowLower <= Ax <= rowUpper,
 * columnLower <= x <= columnUpper, x_j integer where integrality[j] = 1. A is stored row-wise (CSR) with
 * no duplicate column within a row and no NaN. Infinite bounds are +-Infinity. Read-only by contract.
 */
export interface Program {
  readonly direction: Direction;
  readonly objective: Float64Array;
  readonly objectiveConstant: number;
  readonly columnLower: Float64Array;
  readonly columnUpper: Float64Array;
  /** 1 for integer (binaries are integers bounded to [0, 1]), 0 for continuous. */
  readonly integrality: Uint8Array;
  readonly rowLower: Float64Array;
  readonly rowUpper: Float64Array;
  readonly rowStarts: Int32Array;
  readonly rowColumns: Int32Array;
  readonly rowValues: Float64Array;
  /** Human labels, e.g. "vms[ND96amsr_A100_v4,eastus,on-demand,t=07]"; solvers never see them. */
  readonly columnLabels: readonly string[];
  readonly rowLabels: readonly string[];
}

export function columnCount(program: Program): number {
  return program.objective.length;
}

export function rowCount(program: Program): number {
  return program.rowLower.length;
}

export function nonZeroCount(program: Program): number {
  return program.rowValues.length;
}

export function isMip(program: Program): boolean {
  return program.integrality.some((flag) => flag === 1);
}

/** The same program with integrality dropped: its optimum is a lower bound (minimising) on the MIP's. */
export function linearRelaxation(program: Program): Program {
  return { ...program, integrality: new Uint8Array(program.integrality.length) };
}
