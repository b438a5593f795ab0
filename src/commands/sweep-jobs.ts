import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ExitCode, InputError } from '../errors.js';
import { compareStrings } from '../order.js';
import { sweepJobsOf } from '../planning/sweep-scenario.js';
import { renderSweepTable } from '../report/sweep-table.js';
import { collectSweep, MANIFEST_FILE, parseSweepFile, resultFileName, type ResultFile } from '../sweep/jobs.js';
import type { VaryAxis } from '../sweep/grid.js';
import { assertWritable, chalkFor, writeFileAtomic, writeFolderAtomic, type CliIo } from './io.js';
import { loadScenarioFile } from './scenario-inputs.js';
import type { SweepCommandOptions } from './sweep.js';
import { outputFiles, renderSweep } from './sweep-output.js';
import { runSweepJob } from './sweep-point.js';
import { packageVersion } from './version.js';

/** Files of a jobs folder that --emit-jobs replaces (an older grid's jobs and results must not linger). */
const OWNED = /^(manifest\.json|point-\d+\.json|point-\d+\.result\.json)$/;

/** The solve flags every sweep point is solved with, as the planning layer names them. */
export function pointSolveSettings(options: SweepCommandOptions) {
  return { solver: options.solver, strategy: options.strategy, timeLimitSec: options.timeLimit, relativeGap: options.gap };
}

/**
 * `planner sweep SCENARIO --vary ... --emit-jobs DIR`: the manifest and one job file per point, written
 * together (atomically); nothing is solved. stdout lists the job files, one a line (for xargs).
 */
export async function emitJobsCommand(
  scenarioPath: string,
  axes: readonly VaryAxis[],
  options: SweepCommandOptions,
  io: CliIo,
): Promise<ExitCode> {
  const dir = resolve(io.cwd, options.emitJobs!);
  assertWritable(dir, 'folder');
  const loaded = await loadScenarioFile(scenarioPath, { cwd: io.cwd, set: options.set, windows: options.windows });
  const { manifest, jobs } = sweepJobsOf(loaded, {
    axes,
    cwd: io.cwd,
    ...pointSolveSettings(options),
    planner: await packageVersion(),
  });
  const files: [string, string][] = [
    [MANIFEST_FILE, json(manifest)],
    ...jobs.map((job, i): [string, string] => [manifest.jobs[i]!, json(job)]),
  ];
  await writeFolderAtomic(dir, files, ownedIn(dir));
  io.stderr.write(
    `sweep: ${jobs.length} job files and ${MANIFEST_FILE} in ${options.emitJobs} (nothing solved): run planner sweep --point on each, then planner sweep --collect ${options.emitJobs}\n`,
  );
  io.stdout.write(manifest.jobs.map((name) => `${join(options.emitJobs!, name)}\n`).join(''));
  return ExitCode.ok;
}

/** `planner sweep --point JOB [--out RESULT.json]`: solves one emitted point and writes its result (atomically). */
export async function pointCommand(jobPath: string, options: SweepCommandOptions, io: CliIo): Promise<ExitCode> {
  const outShown = options.out ?? resultFileName(jobPath);
  if (extname(outShown).toLowerCase() !== '.json')
    throw new InputError({ field: '--out', message: `'${outShown}' is not a .json file`, fix: 'name the result file *.json' });
  const out = resolve(io.cwd, outShown);
  if (out === resolve(io.cwd, jobPath))
    throw new InputError({ field: '--out', message: 'is the job file itself', fix: 'name another file, e.g. point-0000.result.json' });
  assertWritable(out, 'file');
  const job = parseSweepFile(
    'planner-sweep-job',
    await readText(jobPath, io.cwd, 'pass a point-NNNN.json written by planner sweep --emit-jobs'),
    jobPath,
  );
  const version = await packageVersion();
  if (job.planner !== version)
    throw new InputError({
      file: jobPath,
      field: 'planner',
      message: `the job was emitted by planner ${job.planner}, this is ${version}: another version may plan differently`,
      fix: `run the point with planner ${job.planner} (pin the version in every job), or emit the jobs again with this one`,
    });
  const result = await runSweepJob(job, jobPath, io.cwd);
  await writeFileAtomic(out, json(result));
  const { status, costUsd, seconds } = result.outcome;
  io.stderr.write(
    `sweep: point ${job.index} of ${job.count}: ${status}${costUsd === null ? '' : `, cost $${costUsd.toFixed(2)}`} in ${seconds.toFixed(1)} s -> ${outShown}\n`,
  );
  return ExitCode.ok;
}

/**
 * `planner sweep --collect DIR`: the manifest in DIR and every *.result.json under it (artifact downloads
 * may nest them in folders) merged into the sweep output, with the in-process sweep's renderers and flags.
 */
export async function collectCommand(dirShown: string, options: SweepCommandOptions, io: CliIo): Promise<ExitCode> {
  const files = outputFiles(options, io.cwd);
  const dir = resolve(io.cwd, dirShown);
  const manifestShown = join(dirShown, MANIFEST_FILE);
  const manifest = parseSweepFile(
    'planner-sweep-manifest',
    await readText(
      manifestShown,
      io.cwd,
      `collect the folder planner sweep --emit-jobs wrote (it holds ${MANIFEST_FILE}), with the result files in it`,
    ),
    manifestShown,
  );
  const results: ResultFile[] = [];
  for (const name of resultFilesUnder(dir, dirShown)) {
    const file = join(dirShown, name);
    results.push({ file, result: parseSweepFile('planner-sweep-result', await readText(file, io.cwd, 'remove the file'), file) });
  }
  const doc = collectSweep(manifest, results, { partial: options.partial === true });
  io.stderr.write(`sweep: collected ${doc.points.length} of ${manifest.count} points from ${dirShown}\n`);
  for (const file of files) await writeFileAtomic(file.path, renderSweep(doc, file.format));
  io.stdout.write(options.format === 'table' ? renderSweepTable(doc, chalkFor(io)) : renderSweep(doc, options.format));
  return ExitCode.ok;
}

/** Relative paths of the result files under `dir`, sorted (the order only decides which duplicate is named). */
function resultFilesUnder(dir: string, shown: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch (error) {
    throw new InputError({
      file: shown,
      message: `cannot read the folder: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      fix: 'collect the folder --emit-jobs wrote',
    });
  }
  return names.filter((name) => basename(name).endsWith('.result.json') && !basename(name).startsWith('.')).sort(compareStrings);
}

function ownedIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => OWNED.test(name));
  } catch {
    return [];
  }
}

async function readText(shown: string, cwd: string, fix: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, shown), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError({
      file: shown,
      message:
        code === 'ENOENT' ? `file not found (in ${dirname(resolve(cwd, shown))})` : `cannot read: ${code ?? (error as Error).message}`,
      fix,
    });
  }
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
