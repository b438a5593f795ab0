import * as highsModule from 'highs';
import { objectiveValue } from '../lp/check.js';
import { type Basis, fitsBasis } from '../lp/solution.js';
import { isMip, type Program } from '../lp/types.js';
import {
  DEFAULT_RELATIVE_GAP,
  programDefect,
  relativeGap,
  roundIntegers,
  type Solution,
  type SolveLimit,
  type SolveOptions,
  type Solver,
} from './types.js';

/** Work limits when the caller sets none: generous, so that they bind only on searches that would run away. */
export const DEFAULT_HIGHS_NODES = 100_000;
export const DEFAULT_HIGHS_ITERATIONS = 20_000_000;
import { boundsDefect, decideUnboundedOrInfeasible, errorSolution, zeroObjective } from './common.js';

// highs' types describe a CommonJS module, while Node's ESM loader hands us the loader as the default export.
type Loader = typeof highsModule.default.default;
type Highs = Awaited<ReturnType<Loader>>;
const loadHighs = ((highsModule.default as unknown as { default?: Loader }).default ?? highsModule.default) as unknown as Loader;

let runtime: Promise<Highs> | undefined;
/** Programs of at least this many columns release the runtime after their solve (see solve). */
export const RELEASE_RUNTIME_COLUMNS = 100_000;
/** Log lines of the solve in progress; HiGHS prints only through these callbacks, never to stdout. */
let logSink: ((line: string) => void) | undefined;

function loadRuntime(): Promise<Highs> {
  runtime ??= loadHighs({
    print: (line: string) => logSink?.(line),
    printErr: (line: string) => logSink?.(line),
  });
  return runtime;
}

export async function createSolver(): Promise<Solver> {
  await loadRuntime();
  return { name: 'highs', solve };
}

/**
 * HiGHS through its persistent API: typed CSR arrays (no LP text: parsing is slow and outside the time
 * limit), generated names only, the model disposed after every solve (undisposed models leak wasm
 * memory), and the runtime re-created after any abort (its heap is poisoned afterwards).
 */
async function solve(program: Program, options: SolveOptions = {}): Promise<Solution> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const defect = programDefect(program);
  if (defect) return errorSolution('highs', `invalid program: ${defect}`, seconds());
  const badBounds = boundsDefect(program);
  if (badBounds) return { status: 'infeasible', solver: 'highs', rawStatus: badBounds, seconds: seconds() };

  const highs = await loadRuntime();
  let attempt: Attempt;
  try {
    attempt = runOnce(highs, program, options);
    if (attempt.status === 'unbounded_or_infeasible') {
      const probe = runOnce(highs, zeroObjective(program), options);
      attempt = { ...attempt, status: decideUnboundedOrInfeasible(probe.status) };
    }
  } catch (error) {
    runtime = undefined;
    return errorSolution('highs', `highs failed: ${error instanceof Error ? error.message : String(error)}`, seconds());
  }
  // A wasm heap never shrinks: after a large program, a fresh runtime serves the small ones that follow
  // (window MILPs after the horizon LP) instead of holding its memory for the rest of the run.
  if (program.objective.length >= RELEASE_RUNTIME_COLUMNS) runtime = undefined;
  const solution: Solution = {
    status: attempt.status as Solution['status'],
    solver: 'highs',
    rawStatus: attempt.rawStatus,
    ...(attempt.limit ? { limit: attempt.limit } : {}),
    seconds: seconds(),
  };
  if ((attempt.status === 'optimal' || attempt.status === 'feasible') && attempt.values) {
    solution.values = attempt.values;
    if (attempt.duals) solution.duals = attempt.duals;
    if (attempt.basis) solution.basis = attempt.basis;
    solution.objective = objectiveValue(program, attempt.values);
    solution.bound = isMip(program) ? attempt.bound : solution.objective;
    if (attempt.status === 'optimal' && solution.bound === undefined) solution.bound = solution.objective;
    solution.gap = relativeGap(solution.objective, solution.bound);
  }
  return solution;
}

interface Attempt {
  status: Solution['status'] | 'unbounded_or_infeasible';
  rawStatus: string;
  limit?: SolveLimit;
  values?: Float64Array;
  duals?: Float64Array;
  basis?: Basis;
  bound?: number;
}

const STATUS_NAMES: Record<number, string> = {
  0: 'notSet',
  1: 'loadError',
  2: 'modelError',
  3: 'presolveError',
  4: 'solveError',
  5: 'postsolveError',
  6: 'empty',
  7: 'optimal',
  8: 'infeasible',
  9: 'unboundedOrInfeasible',
  10: 'unbounded',
  11: 'objectiveBound',
  12: 'objectiveTarget',
  13: 'timeLimit',
  14: 'iterationLimit',
  15: 'unknown',
  16: 'solutionLimit',
  17: 'interrupted',
};

function runOnce(highs: Highs, program: Program, options: SolveOptions): Attempt {
  const { variableType } = highs.constants;
  const mip = isMip(program);
  const model = highs.createModel({
    numCols: program.objective.length,
    numRows: program.rowLower.length,
    sense: program.direction === 'maximize' ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize,
    offset: program.objectiveConstant,
    colCost: program.objective,
    colLower: program.columnLower,
    colUpper: program.columnUpper,
    rowLower: program.rowLower,
    rowUpper: program.rowUpper,
    matrix: {
      format: 'csr',
      numRows: program.rowLower.length,
      numCols: program.objective.length,
      starts: program.rowStarts,
      indices: program.rowColumns,
      values: program.rowValues,
    },
    ...(mip
      ? { integrality: Int32Array.from(program.integrality, (flag) => (flag === 1 ? variableType.integer : variableType.continuous)) }
      : {}),
  });
  try {
    if (mip && options.start?.length === program.objective.length) model.setSolution({ colValue: options.start });
    if (!mip && options.basis && fitsBasis(options.basis, program.objective.length, program.rowLower.length))
      model.setBasis({ colStatus: options.basis.columns, rowStatus: options.basis.rows });
    const attempt = runModel(highs, model, mip, options);
    if (attempt.values) attempt.values = roundIntegers(program, attempt.values);
    return attempt;
  } finally {
    model.dispose();
  }
}

type Model = ReturnType<Highs['createModel']>;

const basisOf = (basis: { colStatus: Int32Array; rowStatus: Int32Array }): Basis => ({
  columns: Int32Array.from(basis.colStatus),
  rows: Int32Array.from(basis.rowStatus),
});

function runModel(highs: Highs, model: Model, mip: boolean, options: SolveOptions): Attempt & { objective?: number } {
  const { modelStatus: codes, solutionStatus } = highs.constants;
  logSink = options.log;
  try {
    model.options.set({
      output_flag: options.log !== undefined,
      mip_rel_gap: options.relativeGap ?? DEFAULT_RELATIVE_GAP,
      // Deterministic work limits decide where a search stops; time_limit is only the safety net.
      mip_max_nodes: Math.max(1, Math.floor(options.workLimit?.nodes ?? DEFAULT_HIGHS_NODES)),
      simplex_iteration_limit: Math.max(1, Math.floor(options.workLimit?.iterations ?? DEFAULT_HIGHS_ITERATIONS)),
      ...(options.timeLimitSec !== undefined ? { time_limit: Math.max(options.timeLimitSec, 0.001) } : {}),
    });
    model.run();
    const code = model.getModelStatus() as number;
    const rawStatus = STATUS_NAMES[code] ?? `modelStatus ${code}`;
    const hasPoint = model.info.get('primal_solution_status') === solutionStatus.feasible;
    let status: Attempt['status'];
    let limit: SolveLimit | undefined;
    if (code === codes.optimal) status = 'optimal';
    else if (code === codes.infeasible) status = 'infeasible';
    else if (code === codes.unbounded) status = hasPoint || !mip ? 'unbounded' : 'unbounded_or_infeasible';
    else if (code === codes.unboundedOrInfeasible) status = 'unbounded_or_infeasible';
    else if (code === codes.empty) status = 'optimal';
    else if (
      code === codes.timeLimit ||
      code === codes.iterationLimit ||
      code === codes.interrupted ||
      code === codes.solutionLimit ||
      code === codes.objectiveBound ||
      code === codes.objectiveTarget
    ) {
      status = hasPoint ? 'feasible' : 'no_solution';
      limit = code === codes.timeLimit || code === codes.interrupted ? 'time' : 'work';
    } else {
      return { status: 'error', rawStatus };
    }
    if ((status !== 'optimal' && status !== 'feasible') || (!hasPoint && code !== codes.empty)) {
      return { status: status === 'optimal' ? 'error' : status, rawStatus, ...(limit ? { limit } : {}) };
    }
    const point = model.getSolution();
    const dualFeasible = model.info.get('dual_solution_status') === solutionStatus.feasible;
    const attempt: Attempt & { objective?: number } = {
      status,
      rawStatus,
      ...(limit ? { limit } : {}),
      values: Float64Array.from(point.colValue),
      ...(!mip && status === 'optimal' && dualFeasible ? { duals: Float64Array.from(point.rowDual) } : {}),
      ...(!mip && status === 'optimal' && model.info.get('basis_validity') === 1 ? { basis: basisOf(model.getBasis()) } : {}),
      objective: model.getObjectiveValue(),
    };
    if (mip) {
      const bound = Number(model.info.get('mip_dual_bound'));
      if (Number.isFinite(bound)) attempt.bound = bound;
    }
    return attempt;
  } finally {
    logSink = undefined;
  }
}

/**
 * Solves CPLEX LP text with HiGHS' own reader (for cross-checking exported files; the planner itself
 * never goes through text). Values are in the file's column order, so only status and objective return.
 */
export async function solveLpText(
  text: string,
  options: SolveOptions = {},
): Promise<Pick<Solution, 'status' | 'objective' | 'bound' | 'rawStatus'>> {
  const highs = await loadRuntime();
  const model = highs.createModel();
  try {
    model.readModel({ format: 'lp', data: text });
    const integrality = model.getLp().integrality;
    const mip = integrality.some((flag) => flag !== 0);
    let attempt = runModel(highs, model, mip, options);
    if (attempt.status === 'unbounded_or_infeasible') {
      const lp = model.getLp();
      model.passModel({ ...lp, colCost: new Float64Array(lp.numCols), offset: 0 });
      attempt = { ...attempt, status: decideUnboundedOrInfeasible(runModel(highs, model, mip, options).status) };
    }
    return {
      status: attempt.status as Solution['status'],
      rawStatus: attempt.rawStatus,
      ...(attempt.objective !== undefined ? { objective: attempt.objective } : {}),
      ...(attempt.bound !== undefined ? { bound: attempt.bound } : {}),
    };
  } catch (error) {
    runtime = undefined;
    return { status: 'error', rawStatus: `highs failed: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    model.dispose();
  }
}
