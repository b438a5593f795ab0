import type { Strategy } from '../capacity/solve.js';
import { ExitCode, InputError } from '../errors.js';
import { sweepScenario } from '../planning/sweep-scenario.js';
import { renderSweepTable } from '../report/sweep-table.js';
import { checkDistinctPaths, checkGridSize, parseVary } from '../sweep/grid.js';
import { chalkFor, writeFileAtomic, type CliIo } from './io.js';
import { createProgress } from './progress.js';
import { loadScenarioFile } from './scenario-inputs.js';
import { collectCommand, emitJobsCommand, pointCommand, pointSolveSettings } from './sweep-jobs.js';
import { outputFiles, renderSweep } from './sweep-output.js';
import { runPoint, SWEEP_WORKER_MODULE } from './sweep-point.js';

export interface SweepCommandOptions {
  vary: string[];
  set: string[];
  windows?: string;
  solver?: string;
  strategy?: Strategy | 'auto';
  timeLimit?: number;
  gap?: number;
  jobs?: number;
  force?: boolean;
  format: 'table' | 'json' | 'csv';
  out?: string;
  html?: string;
  /** No progress on stderr. */
  quiet?: boolean;
  /** Write the grid as job files into this folder instead of solving it. */
  emitJobs?: string;
  /** Solve one emitted job file (the scenario argument and grid flags come from it). */
  point?: string;
  /** Merge the result files of an emitted grid in this folder. */
  collect?: string;
  /** With --collect: points without a result are left out instead of an error. */
  partial?: boolean;
}

/**
 * `planner sweep SCENARIO --vary path=values ...`: checks every flag and value first, runs the grid, then
 * writes the files (atomically) and prints. A failure anywhere leaves no file behind.
 */
export async function sweepCommand(scenarioPath: string | undefined, options: SweepCommandOptions, io: CliIo): Promise<ExitCode> {
  const mode = checkMode(scenarioPath, options);
  if (mode === 'point') return pointCommand(options.point!, options, io);
  if (mode === 'collect') return collectCommand(options.collect!, options, io);
  if (options.vary.length === 0)
    throw new InputError({
      field: '--vary',
      message: 'nothing to vary',
      fix: 'add at least one --vary path=values, e.g. --vary demand.scale=0.5..2:7',
    });
  const axes = options.vary.map(parseVary);
  checkDistinctPaths(axes);
  checkGridSize(axes, options.force === true);
  if (mode === 'emit') return emitJobsCommand(scenarioPath!, axes, options, io);
  const files = outputFiles(options, io.cwd);

  const loaded = await loadScenarioFile(scenarioPath!, { cwd: io.cwd, set: options.set, windows: options.windows });
  const progress = createProgress(io, { unit: 'points', label: 'sweeping', quiet: options.quiet === true });
  const { document: doc, jobs } = await sweepScenario(loaded, {
    axes,
    cwd: io.cwd,
    ...pointSolveSettings(options),
    jobs: options.jobs,
    progress: (done, total) => progress.update(done, total),
    log: (text) => io.stderr.write(text),
    points: { solvePoint: runPoint, workerModule: SWEEP_WORKER_MODULE },
  });
  progress.finish();
  io.stderr.write(
    `sweep: ${doc.points.length} points in ${doc.seconds.toFixed(1)} s (${jobs === 1 ? 'in-process' : `${jobs} worker threads`})\n`,
  );

  for (const file of files) await writeFileAtomic(file.path, renderSweep(doc, file.format));
  io.stdout.write(options.format === 'table' ? renderSweepTable(doc, chalkFor(io)) : renderSweep(doc, options.format));
  return ExitCode.ok;
}

/** Flags of the in-process sweep that a job file or a manifest already fixes. */
const GRID_FLAGS = [
  ['vary', '--vary'],
  ['set', '--set'],
  ['windows', '--windows'],
  ['solver', '--solver'],
  ['strategy', '--strategy'],
  ['timeLimit', '--time-limit'],
  ['gap', '--gap'],
  ['jobs', '--jobs'],
  ['force', '--force'],
] as const;

/** Which of the four sweeps this is; a flag that does not belong to it is refused, naming the fix. */
function checkMode(scenarioPath: string | undefined, options: SweepCommandOptions): 'sweep' | 'emit' | 'point' | 'collect' {
  const modes = (['emitJobs', 'point', 'collect'] as const).filter((key) => options[key] !== undefined);
  const flag = { emitJobs: '--emit-jobs', point: '--point', collect: '--collect' } as const;
  if (modes.length > 1)
    throw new InputError({
      field: flag[modes[1]!],
      message: `cannot be combined with ${flag[modes[0]!]}`,
      fix: 'emit, solve a point and collect in separate runs',
    });
  const mode = modes[0];
  if (options.partial && mode !== 'collect')
    throw new InputError({
      field: '--partial',
      message: 'applies only to --collect',
      fix: 'drop --partial, or collect with --collect DIR --partial',
    });
  if (mode === 'point' || mode === 'collect') {
    const from = mode === 'point' ? 'the job file' : 'the manifest';
    if (scenarioPath !== undefined)
      throw new InputError({
        field: flag[mode],
        message: `takes the scenario from ${from}, not from the argument '${scenarioPath}'`,
        fix: 'drop the scenario argument',
      });
    for (const [key, name] of GRID_FLAGS) {
      const value = options[key];
      if (value !== undefined && !(Array.isArray(value) && value.length === 0))
        throw new InputError({
          field: name,
          message: `cannot be used with ${flag[mode]}: ${from} fixes the grid and the solver settings`,
          fix: `pass ${name} to the run with --emit-jobs`,
        });
    }
    if (mode === 'point' && (options.html !== undefined || options.format !== 'table'))
      throw new InputError({
        field: options.html !== undefined ? '--html' : '--format',
        message: 'does not apply to --point (it writes one result file)',
        fix: 'pass it to the --collect run',
      });
    return mode;
  }
  if (scenarioPath === undefined)
    throw new InputError({
      field: 'scenario',
      message: 'no scenario file given',
      fix: 'planner sweep SCENARIO --vary path=values (or --point JOB, --collect DIR)',
    });
  if (mode === 'emitJobs') {
    for (const [name, value] of [
      ['--out', options.out],
      ['--html', options.html],
      ['--jobs', options.jobs],
    ] as const)
      if (value !== undefined)
        throw new InputError({
          field: name,
          message: 'does not apply to --emit-jobs (nothing is solved)',
          fix: 'pass it to the --collect run (--jobs: run the points in parallel instead)',
        });
    if (options.format !== 'table')
      throw new InputError({
        field: '--format',
        message: 'does not apply to --emit-jobs (nothing is solved)',
        fix: 'pass it to the --collect run',
      });
    return 'emit';
  }
  return 'sweep';
}
