import GLPK, { type LP } from 'glpk.js/node';
import { checkFeasibility, objectiveValue } from '../lp/check.js';
import { isMip, type Program } from '../lp/types.js';
import {
  DEFAULT_RELATIVE_GAP,
  programDefect,
  relativeGap,
  type Solution,
  type SolveLimit,
  type SolveOptions,
  type Solver,
} from './types.js';
import { boundsDefect, decideUnboundedOrInfeasible, errorSolution, zeroObjective } from './common.js';

type Glpk = Awaited<ReturnType<typeof GLPK>>;
/** Row and bound violation (relative to max(1, |bound|)) beyond which a glpk.js point is refused: far above its own 1e-7. */
const POINT_TOLERANCE = 1e-5;

/**
 * glpk.js 5 (GLPK 5.0 in wasm). It prints through console.log, which it captures when the module is
 * created; we hand it a router so its log reaches the solve's `log` callback, never stdout or stderr (a line
 * printed between solves is handed to the next solve's callback). The log is also the only place GLPK says
 * why a MIP stopped and what its bound was.
 *
 * GLPK has no work limit, only a time limit (tm_lim), and glpk.js reads the time through Date.now alone.
 * During a solve (synchronous) Date.now is replaced by a work clock that advances one millisecond per call:
 * GLPK asks the time in every simplex iteration and branch-and-bound node, so tm_lim becomes a deterministic
 * work limit, counted in ticks. The wall-clock safety net is the same clock jumping past any limit once
 * the real deadline passes: GLPK then stops as at its time limit, and the solution says `limit: 'time'`.
 */
/** Programs above this many columns are refused at once, a deterministic work limit by size. */
export const GLPK_MAX_COLUMNS = 20_000;
/** Ticks a solve may take when the caller sets no work limit (its timing: notes/solvers.md). */
export const DEFAULT_GLPK_TICKS = 1_000_000;
/** A node limit without an iteration limit becomes this many ticks per node (glpk.js cannot count nodes). */
const TICKS_PER_NODE = 20;
const CLOCK_BASE_MS = 1_700_000_000_000;

let logSink: string[] | undefined;
/** Lines GLPK printed outside a solve, kept (the last few) for the next solve's log. */
const between: string[] = [];
const MAX_LINES_BETWEEN = 100;
let runtime: Promise<Glpk> | undefined;

function loadRuntime(): Promise<Glpk> {
  runtime ??= (async () => {
    const original = console.log;
    console.log = (...parts: unknown[]) => {
      const line = parts.map(String).join(' ');
      if (logSink) logSink.push(line);
      else if (between.push(line) > MAX_LINES_BETWEEN) between.shift();
    };
    try {
      return await GLPK();
    } finally {
      console.log = original;
    }
  })();
  return runtime;
}

export async function createSolver(): Promise<Solver> {
  await loadRuntime();
  return { name: 'glpk', solve };
}

async function solve(program: Program, options: SolveOptions = {}): Promise<Solution> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const defect = programDefect(program);
  if (defect) return errorSolution('glpk', `invalid program: ${defect}`, seconds());
  const badBounds = boundsDefect(program);
  if (badBounds) return { status: 'infeasible', solver: 'glpk', rawStatus: badBounds, seconds: seconds() };

  if (program.objective.length > GLPK_MAX_COLUMNS) {
    const rawStatus = `not attempted: ${program.objective.length} columns is above glpk.js's ${GLPK_MAX_COLUMNS} (its simplex takes minutes there; HiGHS or auto solve it)`;
    return { status: 'no_solution', solver: 'glpk', rawStatus, limit: 'work', seconds: seconds() };
  }
  const glpk = await loadRuntime();
  const attempt = runOnce(glpk, program, options);
  if (attempt.kind === 'error') {
    runtime = undefined; // a wasm abort may leave the module unusable: reload next time
    return errorSolution('glpk', attempt.message, seconds());
  }
  let { status } = attempt;
  if (status === 'unbounded_or_infeasible') {
    const probe = runOnce(glpk, zeroObjective(program), options);
    status = decideUnboundedOrInfeasible(probe.kind === 'done' ? probe.status : 'error');
  }
  const solution: Solution = {
    status,
    solver: 'glpk',
    rawStatus: attempt.rawStatus,
    ...(attempt.limit ? { limit: attempt.limit } : {}),
    seconds: seconds(),
  };
  if ((status === 'optimal' || status === 'feasible') && attempt.values) {
    // glpk.js's MIP preprocessing can return an "integer optimal" point that breaks a row (a capacity row
    // beside a tiny demand, found by the solve fuzz): such a point is no answer. auto hands the program to HiGHS.
    const broken = checkFeasibility(program, attempt.values, POINT_TOLERANCE).violations[0];
    if (broken) {
      const message = `glpk.js returned a point that breaks ${broken.kind} ${broken.label} by ${broken.amount.toPrecision(3)} (a glpk.js defect; solve with --solver highs or auto)`;
      return errorSolution('glpk', message, seconds());
    }
    solution.values = attempt.values;
    solution.objective = objectiveValue(program, attempt.values);
    if (attempt.duals) solution.duals = attempt.duals;
    solution.bound = status === 'optimal' && !isMip(program) ? solution.objective : attempt.bound;
    if (status === 'optimal' && solution.bound === undefined) solution.bound = solution.objective;
    solution.gap = relativeGap(solution.objective, solution.bound);
  }
  return solution;
}

type Attempt =
  | { kind: 'error'; message: string }
  | {
      kind: 'done';
      status: Solution['status'] | 'unbounded_or_infeasible';
      rawStatus: string;
      limit?: SolveLimit;
      values?: Float64Array;
      duals?: Float64Array;
      bound?: number;
    };

function runOnce(glpk: Glpk, program: Program, options: SolveOptions): Attempt {
  const lp = toGlpkLp(glpk, program);
  const earlier = between.splice(0);
  const log: string[] = [];
  logSink = log;
  const work = options.workLimit;
  const ticks = Math.max(1, Math.floor(work?.iterations ?? (work?.nodes !== undefined ? work.nodes * TICKS_PER_NODE : DEFAULT_GLPK_TICKS)));
  const clock = workClock(options.timeLimitSec);
  let result: ReturnType<Glpk['solve']>;
  try {
    result = glpk.solve(lp, {
      msglev: glpk.GLP_MSG_ALL,
      presol: true, // presol:false breaks MIPs in glpk.js (no LP basis before glp_intopt)
      mipgap: options.relativeGap ?? DEFAULT_RELATIVE_GAP, // glpk's default 0 means "prove exactly"
      tmlim: ticks / 1000, // glpk.js takes seconds; one tick is one millisecond of the work clock
    });
  } catch (error) {
    return {
      kind: 'error',
      message: `glpk aborted: ${error instanceof Error ? error.message : String(error)}; log: ${log.slice(-3).join(' | ')}`,
    };
  } finally {
    clock.stop();
    logSink = undefined;
    if (options.log) for (const line of [...earlier, ...log]) options.log(line);
  }
  const code = result.result.status;
  const message = terminationMessage(log);
  const rawStatus = `${statusName(glpk, code)}${message ? `: ${message}` : ''}`;
  const mip = isMip(program);
  const timedOut = /TIME LIMIT EXCEEDED/.test(message);
  let status: Solution['status'] | 'unbounded_or_infeasible';
  if (code === glpk.GLP_OPT) status = 'optimal';
  else if (code === glpk.GLP_FEAS)
    status = timedOut ? 'feasible' : 'optimal'; // FEAS without a time limit = gap reached
  else if (code === glpk.GLP_NOFEAS || code === glpk.GLP_INFEAS) status = 'infeasible';
  else if (code === glpk.GLP_UNBND) status = 'unbounded_or_infeasible';
  else if (/NO (PRIMAL |INTEGER )?FEASIBLE/.test(message)) status = 'infeasible';
  else if (/NO DUAL FEASIBLE|UNBOUNDED/.test(message)) status = 'unbounded_or_infeasible';
  else if (timedOut) status = 'no_solution';
  else return { kind: 'error', message: rawStatus || `glpk status ${code}` };

  const limit: SolveLimit | undefined = timedOut ? (clock.fired() ? 'time' : 'work') : undefined;
  const stopped = limit
    ? { limit, rawStatus: `${rawStatus} (${limit === 'time' ? 'the wall-clock safety net fired' : `work limit of ${ticks} ticks`})` }
    : { rawStatus };
  if (status !== 'optimal' && status !== 'feasible') return { kind: 'done', status, ...stopped };
  const values = new Float64Array(program.objective.length);
  for (let j = 0; j < values.length; j++) values[j] = result.result.vars[`x${j}`] ?? 0;
  const dual = !mip && status === 'optimal' ? result.result.dual : undefined;
  const duals = dual ? Float64Array.from(program.rowLower, (_, row) => dual[`c${row}`] ?? 0) : undefined;
  return { kind: 'done', status, ...stopped, values, ...(duals ? { duals } : {}), ...(mip ? { bound: lastBound(log, program) } : {}) };
}

/** Replaces Date.now by the work clock until stop(); see the module comment. */
function workClock(timeLimitSec: number | undefined): { stop: () => void; fired: () => boolean } {
  const realNow = Date.now;
  const deadline = timeLimitSec === undefined ? Infinity : realNow() + Math.max(timeLimitSec, 0) * 1000;
  let ticks = 0;
  let fired = false;
  Date.now = () => {
    if (!fired && realNow() >= deadline) fired = true;
    return fired ? CLOCK_BASE_MS + 1e12 : CLOCK_BASE_MS + ticks++;
  };
  return {
    stop: () => {
      Date.now = realNow;
    },
    fired: () => fired,
  };
}

function toGlpkLp(glpk: Glpk, program: Program): LP {
  const columns = program.objective.length;
  // Every column appears in the objective (coef 0 where needed) so glpk numbers columns in our order.
  const objectiveVars = new Array<{ name: string; coef: number }>(columns);
  const bounds = new Array<NonNullable<LP['bounds']>[number]>(columns);
  const generals: string[] = [];
  for (let j = 0; j < columns; j++) {
    const name = `x${j}`;
    objectiveVars[j] = { name, coef: program.objective[j]! };
    bounds[j] = { name, ...glpkBounds(glpk, program.columnLower[j]!, program.columnUpper[j]!) };
    if (program.integrality[j] === 1) generals.push(name);
  }
  const subjectTo = new Array<LP['subjectTo'][number]>(program.rowLower.length);
  for (let row = 0; row < subjectTo.length; row++) {
    const vars: Array<{ name: string; coef: number }> = [];
    for (let k = program.rowStarts[row]!; k < program.rowStarts[row + 1]!; k++) {
      vars.push({ name: `x${program.rowColumns[k]}`, coef: program.rowValues[k]! });
    }
    subjectTo[row] = { name: `c${row}`, vars, bnds: glpkBounds(glpk, program.rowLower[row]!, program.rowUpper[row]!) };
  }
  return {
    name: 'planner',
    objective: { direction: program.direction === 'maximize' ? glpk.GLP_MAX : glpk.GLP_MIN, name: 'obj', vars: objectiveVars },
    subjectTo,
    bounds,
    generals,
  };
}

function glpkBounds(glpk: Glpk, lower: number, upper: number): { type: number; lb: number; ub: number } {
  const hasLower = lower !== -Infinity;
  const hasUpper = upper !== Infinity;
  if (hasLower && hasUpper) return { type: lower === upper ? glpk.GLP_FX : glpk.GLP_DB, lb: lower, ub: upper };
  if (hasLower) return { type: glpk.GLP_LO, lb: lower, ub: 0 };
  if (hasUpper) return { type: glpk.GLP_UP, lb: 0, ub: upper };
  return { type: glpk.GLP_FR, lb: 0, ub: 0 };
}

function statusName(glpk: Glpk, code: number): string {
  const names: Record<number, string> = {
    [glpk.GLP_UNDEF]: 'UNDEF',
    [glpk.GLP_FEAS]: 'FEAS',
    [glpk.GLP_INFEAS]: 'INFEAS',
    [glpk.GLP_NOFEAS]: 'NOFEAS',
    [glpk.GLP_OPT]: 'OPT',
    [glpk.GLP_UNBND]: 'UNBND',
  };
  return names[code] ?? `status ${code}`;
}

const TERMINATIONS =
  /(INTEGER OPTIMAL SOLUTION FOUND|OPTIMAL (LP )?SOLUTION FOUND|RELATIVE MIP GAP TOLERANCE REACHED|TIME LIMIT EXCEEDED|(?:PROBLEM|LP|LP RELAXATION) HAS NO (?:PRIMAL |DUAL |INTEGER )?FEASIBLE SOLUTION|(?:LP|PROBLEM) HAS UNBOUNDED (?:PRIMAL )?SOLUTION|incorrect bounds)/;

function terminationMessage(log: readonly string[]): string {
  for (let i = log.length - 1; i >= 0; i--) {
    const match = TERMINATIONS.exec(log[i]!);
    if (match) return match[1]!;
  }
  return '';
}

/** Last progress line "+ 22010: mip = 2.8676e+04 <= 2.8803e+04 0.4% (..)" gives the bound; GLPK offers no API. */
function lastBound(log: readonly string[], program: Program): number | undefined {
  for (let i = log.length - 1; i >= 0; i--) {
    const match = /mip =\s+(\S+)\s+(?:<=|>=)\s+(tree is empty|[-+]?inf|\S+)/.exec(log[i]!);
    if (!match) continue;
    const incumbent = Number(match[1]);
    if (match[2] === 'tree is empty') return Number.isFinite(incumbent) ? incumbent + program.objectiveConstant : undefined;
    const bound = Number(match[2]);
    return Number.isFinite(bound) ? bound + program.objectiveConstant : undefined;
  }
  return undefined;
}
