import { extname, resolve } from 'node:path';
import type { Strategy } from '../capacity/solve.js';
import { ExitCode, InputError } from '../errors.js';
import { sweepScenario } from '../planning/sweep-scenario.js';
import { renderSweepHtml } from '../report/sweep-html.js';
import { sweepCsv } from '../report/sweep-csv.js';
import { renderSweepTable } from '../report/sweep-table.js';
import type { SweepDocument } from '../sweep/document.js';
import { checkDistinctPaths, checkGridSize, parseVary } from '../sweep/grid.js';
import { assertWritable, chalkFor, writeFileAtomic, type CliIo } from './io.js';
import { createProgress } from './progress.js';
import { loadScenarioFile } from './scenario-inputs.js';
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
}

type FileFormat = 'json' | 'csv' | 'html';

/**
 * `planner sweep SCENARIO --vary path=values ...`: checks every flag and value first, runs the grid, then
 * writes the files (atomically) and prints. A failure anywhere leaves no file behind.
 */
export async function sweepCommand(scenarioPath: string, options: SweepCommandOptions, io: CliIo): Promise<ExitCode> {
  if (options.vary.length === 0)
    throw new InputError({
      field: '--vary',
      message: 'nothing to vary',
      fix: 'add at least one --vary path=values, e.g. --vary demand.scale=0.5..2:7',
    });
  const axes = options.vary.map(parseVary);
  checkDistinctPaths(axes);
  checkGridSize(axes, options.force === true);
  const files = outputFiles(options, io.cwd);

  const loaded = await loadScenarioFile(scenarioPath, { cwd: io.cwd, set: options.set, windows: options.windows });
  const progress = createProgress(io, { unit: 'points', label: 'sweeping', quiet: options.quiet === true });
  const { document: doc, jobs } = await sweepScenario(loaded, {
    axes,
    cwd: io.cwd,
    solver: options.solver,
    strategy: options.strategy,
    timeLimitSec: options.timeLimit,
    relativeGap: options.gap,
    jobs: options.jobs,
    progress: (done, total) => progress.update(done, total),
    log: (text) => io.stderr.write(text),
    points: { solvePoint: runPoint, workerModule: SWEEP_WORKER_MODULE },
  });
  progress.finish();
  io.stderr.write(
    `sweep: ${doc.points.length} points in ${doc.seconds.toFixed(1)} s (${jobs === 1 ? 'in-process' : `${jobs} worker threads`})\n`,
  );

  for (const file of files) await writeFileAtomic(file.path, render(doc, file.format));
  io.stdout.write(options.format === 'table' ? renderSweepTable(doc, chalkFor(io)) : render(doc, options.format));
  return ExitCode.ok;
}

function render(doc: SweepDocument, format: FileFormat): string {
  if (format === 'json') return `${JSON.stringify(doc, null, 2)}\n`;
  if (format === 'csv') return sweepCsv(doc);
  return renderSweepHtml(doc);
}

/** --out FILE (format from its extension) and --html FILE, checked before any solving. */
function outputFiles(options: SweepCommandOptions, cwd: string): { path: string; format: FileFormat }[] {
  const files: { path: string; format: FileFormat }[] = [];
  if (options.out) {
    const format = extname(options.out).toLowerCase().slice(1);
    if (format !== 'json' && format !== 'csv' && format !== 'html') {
      throw new InputError({
        field: '--out',
        message: `cannot tell the format of '${options.out}' from its extension`,
        fix: 'name the file *.json, *.csv or *.html',
      });
    }
    files.push({ path: resolve(cwd, options.out), format });
  }
  if (options.html) files.push({ path: resolve(cwd, options.html), format: 'html' });
  for (const file of files) assertWritable(file.path, 'file');
  return files;
}
