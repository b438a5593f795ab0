import { NO_PLAN_STATUSES } from '../capacity/types.js';
import { assertPlanChecks, planWith } from '../planning/index.js';
import type { LoadedScenario } from '../scenario/loaded.js';
import type { PointOutcome } from './document.js';
import type { PointTask } from './sweep.js';

const NO_PLAN = new Set<string>(NO_PLAN_STATUSES);

/**
 * One sweep point, its scenario loaded with the point's overrides: plan it exactly as `planner solve` would,
 * check the plan independently, and summarise it as a row. `started` (performance.now()) is when the point
 * began, loading included.
 */
export async function solvePoint(
  loaded: Pick<LoadedScenario, 'scenario' | 'input'>,
  task: PointTask,
  started = performance.now(),
): Promise<PointOutcome> {
  const { scenario, input } = loaded;
  const settings = { strategy: task.flags.strategy, timeLimitSec: task.flags.timeLimit, relativeGap: task.flags.gap };
  // No progress: many points run at once and stdout carries the result.
  const { plan, solver } = await planWith(input, task.solver, settings, scenario.solver);
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
    // A scenario with offers all at 0% off has none in the input: its row still says it committed nothing.
    ...(scenario.commitments !== undefined || (input.policies.commitments ?? []).length
      ? {
          committedShare: hasPlan && plan.commitments ? plan.commitments.committedShare : hasPlan ? 0 : null,
          commitmentSavingUsd: hasPlan && plan.commitments ? round(plan.commitments.horizonSavingUsd, 4) : hasPlan ? 0 : null,
        }
      : {}),
    seconds: round((performance.now() - started) / 1000, 3),
  };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
