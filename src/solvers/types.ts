import type { Program } from '../lp/types.js';

export type { SolveLimit, SolveStatus, SolveOptions, Solution, Solver, WorkLimit } from '../lp/solution.js';
export { relativeGap } from '../lp/solution.js';

export const DEFAULT_RELATIVE_GAP = 1e-4;

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
