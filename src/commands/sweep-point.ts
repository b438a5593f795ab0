import { InputError } from '../errors.js';
import type { PointOutcome } from '../sweep/document.js';
import { solvePoint } from '../sweep/point.js';
import type { PointTask } from '../sweep/sweep.js';
import { siblingModule } from '../threads.js';
import { sweepResult, type SweepJob, type SweepResult } from '../sweep/jobs.js';
import { loadScenarioFile, loadScenarioText } from './scenario-inputs.js';

/** The worker thread entry that serves runPoint (sweep-worker.ts beside this file). */
export const SWEEP_WORKER_MODULE = siblingModule(import.meta.url, 'sweep-worker');

/**
 * One sweep point: read the scenario with the point's overrides and solve it (src/sweep/point.ts). Runs in
 * a worker thread (sweep-worker.ts) or in-process (--jobs 1); the scenario is re-read here because a
 * PlanningInput (functions, Maps) cannot cross threads.
 */
export async function runPoint(task: PointTask): Promise<PointOutcome> {
  const started = performance.now();
  const loaded = await loadScenarioFile(task.scenario, { cwd: task.cwd, set: task.overrides }).catch((error: unknown) => {
    // Values are checked one axis at a time up front; a combination can still fail here: name the point.
    if (error instanceof InputError)
      throw new InputError(error.issues, `the sweep point ${task.overrides.join(' ')} is invalid (fix: drop that value from its --vary):`);
    throw error;
  });
  return solvePoint(loaded, task, started);
}

/**
 * Whether an override may name a file of the scenario (the field itself or a value holding it, such as a
 * whole workload): with one, the point reads other files than the emit did, so their hashes may differ.
 */
export function overrideNamesFiles(override: string): boolean {
  const path = override.slice(0, Math.max(0, override.indexOf('=')));
  return (
    /^(catalog|profiles|calibration)(\.|$)/.test(path) ||
    /^workloads(\.\d+(\.demand(\.(trace|profile))?|\.requestMix(\..*)?)?)?$/.test(path)
  );
}

/**
 * One emitted sweep job (`planner sweep --point FILE`): the embedded scenario text, read as the file it was
 * emitted from (relative to `cwd`), with the job's overrides, solved as the in-process sweep solves the
 * point. A checkout whose catalog or data files differ from the emit's is refused: its answer would differ.
 */
export async function runSweepJob(job: SweepJob, jobFile: string, cwd: string): Promise<SweepResult> {
  const started = performance.now();
  const shown = `${jobFile} (point ${job.index} of ${job.count}: ${job.overrides.slice(job.sharedOverrides).join(' ') || 'no overrides'})`;
  const loaded = await loadScenarioText(job.scenario.text, job.scenario.file, job.scenario.path, { cwd, set: job.overrides }).catch(
    (error: unknown) => {
      if (error instanceof InputError)
        throw new InputError(
          error.issues,
          `${shown} cannot be loaded here (fix: run planner sweep --point in the folder --emit-jobs ran in, where ${job.scenario.path} is the scenario, on the same checkout; a value invalid with the others: drop it from its --vary):`,
        );
      throw error;
    },
  );
  if (!job.overrides.slice(job.sharedOverrides).some(overrideNamesFiles)) {
    for (const kind of ['catalog', 'data'] as const) {
      if (loaded.hashes[kind] !== job.inputs[kind]) {
        throw new InputError({
          file: jobFile,
          field: `inputs.${kind}`,
          message: `the ${kind === 'catalog' ? 'catalog' : 'data files'} that ${job.scenario.path} names here differ from those the job was emitted with, so the point would not answer the same grid`,
          fix: 'run the point on the checkout (commit) the jobs were emitted from, or emit the jobs again on this one',
        });
      }
    }
  }
  const task: PointTask = { scenario: job.scenario.file, cwd, overrides: job.overrides, solver: job.solver, flags: job.flags };
  return sweepResult(job, await solvePoint(loaded, task, started));
}
