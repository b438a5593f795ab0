import { availableParallelism } from 'node:os';
import { relative, resolve, sep } from 'node:path';
import type { Strategy } from '../capacity/solve.js';
import { InputError } from '../errors.js';
import type { LoadedScenario } from '../scenario/loaded.js';
import { parseScenario } from '../scenario/load.js';
import { listSolverNames } from '../solvers/registry.js';
import type { SweepDocument } from '../sweep/document.js';
import { gridSize, type VaryAxis } from '../sweep/grid.js';
import { sweepJobs, type SweepJob, type SweepManifest } from '../sweep/jobs.js';
import { checkAxes, runSweep, type SweepRequest, type SweepRun } from '../sweep/sweep.js';
import { HEURISTIC_NAMES, type ProgressFn } from './plan-with.js';

export interface SweepScenarioOptions {
  /** The grid: parsed --vary flags (src/sweep/grid.ts parseVary), the first changing slowest. */
  axes: readonly VaryAxis[];
  /** Where the points re-read the scenario from (relative paths): default the current directory. */
  cwd?: string | undefined;
  /** Backend or heuristic (default: the scenario's solver.name). */
  solver?: string | undefined;
  strategy?: Strategy | 'auto' | undefined;
  timeLimitSec?: number | undefined;
  /** Relative MIP gap to stop at (default: the scenario's solver.gap). */
  relativeGap?: number | undefined;
  /** Points solved at once in worker threads (default: the available cores; 1 = in-process). */
  jobs?: number | undefined;
  /** Points done of the grid. */
  progress?: ProgressFn | undefined;
  /** Worker diagnostics (a worker's crash, its stdout). */
  log?: ((text: string) => void) | undefined;
  /** How a point is solved: in this thread and in a worker module (both re-read the scenario file). */
  points: Pick<SweepRun, 'solvePoint' | 'workerModule'>;
}

/**
 * The what-if grid (`planner sweep`): checks the solver and every axis value against the scenario first
 * (a bad value fails in milliseconds, naming its flag), then solves each point as `planner solve` would and
 * returns one summary row per point, in grid order whatever `jobs` is.
 */
export async function sweepScenario(
  loaded: LoadedScenario,
  options: SweepScenarioOptions,
): Promise<{ document: SweepDocument; jobs: number }> {
  const request = prepareSweep(loaded, options);
  const jobs = Math.max(1, Math.min(options.jobs ?? availableParallelism(), gridSize(options.axes)));
  const document = await runSweep(request, {
    jobs,
    ...options.points,
    ...(options.progress ? { progress: options.progress } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  return { document, jobs };
}

/**
 * The sweep as data, every flag and axis value checked against the scenario (a bad value fails in
 * milliseconds, naming its flag): what runSweep solves in this machine's threads and what sweep jobs
 * (src/sweep/jobs.ts) carry to other machines.
 */
export function prepareSweep(
  loaded: LoadedScenario,
  options: Omit<SweepScenarioOptions, 'points' | 'jobs' | 'progress' | 'log'>,
): SweepRequest {
  const solver = options.solver ?? loaded.scenario.solver.name;
  const known = [...listSolverNames(), ...HEURISTIC_NAMES];
  if (!known.includes(solver)) {
    throw new InputError({
      field: options.solver ? '--solver' : `${loaded.file} solver.name`,
      message: `unknown solver '${solver}'`,
      fix: `one of ${known.join(', ')}`,
    });
  }
  const request: SweepRequest = {
    file: loaded.file,
    cwd: options.cwd ?? process.cwd(),
    scenario: loaded.scenario,
    sharedOverrides: loaded.overrides,
    axes: options.axes,
    solver,
    flags: {
      ...(options.strategy ? { strategy: options.strategy } : {}),
      ...(options.timeLimitSec !== undefined ? { timeLimit: options.timeLimitSec } : {}),
      ...(options.relativeGap !== undefined ? { gap: options.relativeGap } : {}),
    },
  };
  checkAxes(request, (overrides) => parseScenario(loaded.text, loaded.file, overrides));
  return request;
}

/**
 * The grid as job files for other machines (`planner sweep --emit-jobs`): every value checked as for an
 * in-process sweep, nothing solved. A job embeds the scenario text and names the scenario by its path
 * relative to `cwd` (or builtin:...), so a point run from the same folder of the same checkout resolves
 * the files the scenario names exactly as here.
 */
export function sweepJobsOf(
  loaded: LoadedScenario,
  options: Omit<SweepScenarioOptions, 'points' | 'jobs' | 'progress' | 'log'> & { planner: string },
): { manifest: SweepManifest; jobs: SweepJob[] } {
  const request = prepareSweep(loaded, options);
  const cwd = options.cwd ?? process.cwd();
  const path = loaded.file.startsWith('builtin:') ? loaded.file : relative(cwd, resolve(cwd, loaded.file)).split(sep).join('/');
  return sweepJobs(request, {
    path,
    text: loaded.text,
    inputHash: loaded.hash,
    inputs: { catalog: loaded.hashes.catalog, data: loaded.hashes.data },
    planner: options.planner,
  });
}
