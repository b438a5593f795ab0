import { InputError } from '../errors.js';
import type { Scenario } from '../scenario/schema.js';
import type { Strategy } from '../capacity/solve.js';
import { SWEEP_SCHEMA_VERSION, type PointOutcome, type SweepDocument, type SweepPoint } from './document.js';
import { expandGrid, type VaryAxis } from './grid.js';
import { axisOverrides, pointOverrides } from './overrides.js';
import { runInWorkers } from './workers.js';

/**
 * `planner sweep`: every grid point is the scenario with its overrides, planned like `planner solve`, in
 * worker threads (or in-process for one job), and summarised as one row, in grid order. The point solver and
 * the worker module are the caller's (they read files, which only commands do).
 */

/** Flags that override the scenario's solver settings (as in `planner solve`). */
export interface SolverFlags {
  strategy?: Strategy | 'auto';
  timeLimit?: number;
  /** --gap: the relative MIP gap. */
  gap?: number;
}

/** One point, as plain data a worker thread can receive. */
export interface PointTask {
  /** As the user named it; resolved against cwd like `planner solve`. */
  scenario: string;
  cwd: string;
  overrides: string[];
  solver: string;
  flags: SolverFlags;
}

export interface SweepRequest {
  /** The scenario file as the user named it, and where relative paths start. */
  file: string;
  cwd: string;
  /** The scenario with the shared overrides applied (aliases read its values; its solver settings are the defaults). */
  scenario: Scenario;
  /** Overrides every point shares (--windows, --set), applied before the point's own. */
  sharedOverrides: readonly string[];
  axes: readonly VaryAxis[];
  /** Backend or heuristic name, and the flags that override the scenario's solver settings. */
  solver: string;
  flags: SolverFlags;
}

export interface SweepRun {
  jobs: number;
  /** Solves one point in this thread (--jobs 1). */
  solvePoint: (task: PointTask) => Promise<PointOutcome>;
  /** A module that serves solvePoint to worker threads (workers.ts serveTasks). */
  workerModule: URL;
  progress?: (done: number, total: number) => void;
  log?: (text: string) => void;
}

/**
 * Checks every axis value against the scenario before anything is solved, so a bad value fails in
 * milliseconds with the flag named. `check` validates a full override list (throws InputError). Values are
 * checked one axis at a time (the sum of the list lengths, not their product); a combination that is only
 * invalid together still fails, from the point that meets it.
 */
export function checkAxes(request: SweepRequest, check: (overrides: readonly string[]) => void): void {
  for (const axis of request.axes) {
    for (const value of axis.values) {
      const overrides = axisOverrides(axis, value, request.scenario);
      try {
        check([...request.sharedOverrides, ...overrides]);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        throw new InputError(
          error.issues.map((issue) => (issue.field === '--set' ? { ...issue, field: `--vary ${axis.path}` } : issue)),
          `--vary ${axis.path}=${value.text} makes an invalid scenario (fix: vary a path the scenario has, with values of its type; see planner schema scenario):`,
        );
      }
    }
  }
}

export async function runSweep(request: SweepRequest, run: SweepRun): Promise<SweepDocument> {
  const started = performance.now();
  const rows = gridRows(request);
  const tasks = rows.map((row) => pointTask(request, row));
  const outcomes = run.jobs <= 1 ? await inProcess(tasks, run) : await runInWorkers<PointTask, PointOutcome>(run.workerModule, tasks, run);
  return {
    ...sweepHeader(request),
    points: rows.map((row, index) => ({ ...row, ...outcomes[index]! })),
    seconds: Math.round(performance.now() - started) / 1000,
  };
}

/** What a sweep document says before any point is solved: the scenario, the solver settings, the grid. */
export type SweepHeader = Pick<SweepDocument, 'schemaVersion' | 'scenario' | 'solver' | 'parameters'>;

/** One row of the grid before it is solved: its index, its values and the overrides that make it. */
export type GridRow = Pick<SweepPoint, 'index' | 'values' | 'overrides'>;

export function sweepHeader(request: SweepRequest): SweepHeader {
  const defaults = request.scenario.solver;
  return {
    schemaVersion: SWEEP_SCHEMA_VERSION,
    scenario: { name: request.scenario.name, file: request.file, overrides: [...request.sharedOverrides] },
    solver: {
      name: request.solver,
      strategy: request.flags.strategy ?? defaults.strategy,
      timeLimitSec: request.flags.timeLimit ?? defaults.timeLimitSec,
      gap: request.flags.gap ?? defaults.gap,
    },
    parameters: request.axes.map((axis) => ({ path: axis.path, values: axis.values.map((v) => v.value) })),
  };
}

/** The grid's rows in grid order (the first axis slowest). */
export function gridRows(request: SweepRequest): GridRow[] {
  return expandGrid(request.axes).map((point, index) => ({
    index,
    values: Object.fromEntries(request.axes.map((axis, a) => [axis.path, axis.values[point[a]!]!.value])),
    overrides: pointOverrides(request.axes, point, request.scenario),
  }));
}

/** The task that solves one row: the shared overrides, then the row's own. */
export function pointTask(request: SweepRequest, row: GridRow): PointTask {
  return {
    scenario: request.file,
    cwd: request.cwd,
    overrides: [...request.sharedOverrides, ...row.overrides],
    solver: request.solver,
    flags: request.flags,
  };
}

async function inProcess(tasks: readonly PointTask[], run: SweepRun): Promise<PointOutcome[]> {
  const outcomes: PointOutcome[] = [];
  for (const task of tasks) {
    outcomes.push(await run.solvePoint(task));
    run.progress?.(outcomes.length, tasks.length);
  }
  return outcomes;
}
