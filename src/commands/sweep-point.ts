import { NO_PLAN_STATUSES } from '../capacity/types.js';
import { InputError } from '../errors.js';
import type { PointOutcome } from '../sweep/document.js';
import type { PointTask } from '../sweep/sweep.js';
import { loadScenarioFile } from './scenario-inputs.js';
import { assertPlanChecks, planWith } from './solve.js';

const NO_PLAN = new Set<string>(NO_PLAN_STATUSES);

/**
 * One sweep point: load the scenario with the point's overrides, plan it exactly as `planner solve` would,
 * check the plan independently, and summarise it. Runs in a worker thread (sweep-worker.ts) or in-process
 * (--jobs 1); the scenario is re-read here because a PlanningInput (functions, Maps) cannot cross threads.
 */
export async function runPoint(task: PointTask): Promise<PointOutcome> {
  const started = performance.now();
  // Progress and logs stay silent: many points run at once and stdout carries the result.
  const quiet = {
    stdout: { write: () => true },
    stderr: { write: () => true },
    env: {},
    stdoutIsTty: false,
    stderrIsTty: false,
    cwd: task.cwd,
  };
  const { scenario, input } = await loadScenarioFile(task.scenario, task.overrides, quiet).catch((error: unknown) => {
    // Values are checked one axis at a time up front; a combination can still fail here: name the point.
    if (error instanceof InputError)
      throw new InputError(error.issues, `the sweep point ${task.overrides.join(' ')} is invalid (fix: drop that value from its --vary):`);
    throw error;
  });
  const result = await planWith(input, task.solver, task.flags, scenario.solver, quiet);
  const { plan, solver } = result;
  const hasPlan = !NO_PLAN.has(plan.status);
  if (hasPlan) await assertPlanChecks(input, plan, `the plan for ${task.overrides.join(' ')}`);
  // A point without a plan is a row with its status, not a crash; its totals would describe a partial plan.
  const total = (value: number, digits: number): number | null => (hasPlan ? round(value, digits) : null);
  return {
    status: plan.status,
    strategy: solver.strategy,
    costUsd: total(plan.totals.costUsd, 4),
    startupCostUsd: total(plan.totals.startupCostUsd, 4),
    gpuHours: total(plan.totals.gpuHours, 4),
    servedRequests: total(plan.totals.servedRequests, 4),
    unmetRequests: total(plan.totals.unmetRequests, 4),
    objectiveUsd: solver.objective === undefined ? null : round(solver.objective, 4),
    boundUsd: solver.bound === undefined ? null : round(solver.bound, 4),
    gap: solver.gap === undefined ? null : round(solver.gap, 6),
    seconds: round((performance.now() - started) / 1000, 3),
  };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
