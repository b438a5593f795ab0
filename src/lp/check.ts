import type { Program } from './types.js';

export interface Violation {
  kind: 'row' | 'bound' | 'integrality';
  /** Row or column index. */
  index: number;
  label: string;
  /** Row activity or column value. */
  value: number;
  lower: number;
  upper: number;
  /** How far outside [lower, upper] (or from the nearest integer). */
  amount: number;
}

export interface FeasibilityReport {
  feasible: boolean;
  maxViolation: number;
  /** Violations above the tolerance, largest first. */
  violations: Violation[];
  objective: number;
  /** Activity of every row (A x). */
  rowActivity: Float64Array;
}

/** Row activities A x for a value vector. */
export function rowActivities(program: Program, values: ArrayLike<number>): Float64Array {
  const rows = program.rowLower.length;
  const activity = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    let total = 0;
    for (let k = program.rowStarts[row]!; k < program.rowStarts[row + 1]!; k++) {
      total += program.rowValues[k]! * values[program.rowColumns[k]!]!;
    }
    activity[row] = total;
  }
  return activity;
}

export function objectiveValue(program: Program, values: ArrayLike<number>): number {
  let total = program.objectiveConstant;
  for (let j = 0; j < program.objective.length; j++) total += program.objective[j]! * values[j]!;
  return total;
}

/**
 * Checks any value vector against the program: every row, every bound, integrality. Tolerances are
 * absolute on a scale of max(1, |bound|), the way solvers judge feasibility.
 */
export function checkFeasibility(program: Program, values: ArrayLike<number>, tolerance = 1e-6): FeasibilityReport {
  const columns = program.objective.length;
  if (values.length !== columns) {
    throw new RangeError(`value vector has ${values.length} entries; the program has ${columns} columns`);
  }
  const violations: Violation[] = [];
  let maxViolation = 0;
  const note = (violation: Violation, scale: number) => {
    const relative = violation.amount / Math.max(1, scale);
    maxViolation = Math.max(maxViolation, violation.amount);
    if (relative > tolerance) violations.push(violation);
  };

  const rowActivity = rowActivities(program, values);
  for (let row = 0; row < rowActivity.length; row++) {
    const value = rowActivity[row]!;
    const lower = program.rowLower[row]!;
    const upper = program.rowUpper[row]!;
    const amount = Math.max(lower - value, value - upper, 0);
    if (amount > 0 || Number.isNaN(value)) {
      note(
        { kind: 'row', index: row, label: program.rowLabels[row]!, value, lower, upper, amount: Number.isNaN(value) ? Infinity : amount },
        Math.abs(amount === lower - value ? lower : upper),
      );
    }
  }
  for (let column = 0; column < columns; column++) {
    const value = values[column]!;
    const lower = program.columnLower[column]!;
    const upper = program.columnUpper[column]!;
    const label = program.columnLabels[column]!;
    const amount = Number.isNaN(value) ? Infinity : Math.max(lower - value, value - upper, 0);
    if (amount > 0) note({ kind: 'bound', index: column, label, value, lower, upper, amount }, Math.abs(value < lower ? lower : upper));
    if (program.integrality[column] === 1) {
      const off = Math.abs(value - Math.round(value));
      if (off > 0) note({ kind: 'integrality', index: column, label, value, lower, upper, amount: off }, 1);
    }
  }
  violations.sort((a, b) => b.amount - a.amount || a.index - b.index);
  return {
    feasible: violations.length === 0,
    maxViolation,
    violations,
    objective: objectiveValue(program, values),
    rowActivity,
  };
}
