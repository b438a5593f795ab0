export { LinearExpr, linear, sum } from './expr.js';
export { Problem, type VariableSpec } from './problem.js';
export { checkFeasibility, objectiveValue, rowActivities, type FeasibilityReport, type Violation } from './check.js';
export { writeLpText, formatNumber, sanitiseNames, type LpWriteOptions } from './lp-format.js';
export { readLpText } from './lp-read.js';
export * from './types.js';
export {
  fitsBasis,
  relativeGap,
  type Basis,
  type Solution,
  type SolveFn,
  type SolveLimit,
  type SolveOptions,
  type SolveStatus,
  type Solver,
  type WorkLimit,
} from './solution.js';
