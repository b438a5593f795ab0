import { InputError } from '../errors.js';
import type { PointOutcome } from '../sweep/document.js';
import { solvePoint } from '../sweep/point.js';
import type { PointTask } from '../sweep/sweep.js';
import { siblingModule } from '../threads.js';
import { loadScenarioFile } from './scenario-inputs.js';

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
