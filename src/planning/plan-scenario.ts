import { summariseModelChoice } from '../capacity/model-choice.js';
import { budgetStatus } from '../capacity/budget-status.js';
import { activePolicies } from '../capacity/policies.js';
import { summarisePolicies } from '../capacity/policy-summary.js';
import { summariseSizeClasses } from '../capacity/size-class-summary.js';
import type { PlanResult } from '../capacity/solve.js';
import { NO_PLAN_STATUSES, type PlanningInput } from '../capacity/types.js';
import { toPlanDocument, type PlanDocument } from '../plan-document/index.js';
import type { LoadedScenario } from '../scenario/loaded.js';
import { assertPlanChecks } from './check.js';
import { planWith, type PlanSettings, type ProgressFn } from './plan-with.js';
import { withResilienceCost } from './resilience-cost.js';

export interface PlanScenarioOptions extends PlanSettings {
  /** A backend (highs, glpk, auto) or a heuristic (gh, agh); default: the scenario's solver.name. */
  solver?: string | undefined;
  /** With policies.locality.nPlusOne: also plan without N+1 and report the difference (twice the time). */
  resilienceCost?: boolean | undefined;
  progress?: ProgressFn | undefined;
}

export interface ScenarioPlan {
  /** The plan and the solver's report (status, objective, bound, gap, strategy, time). */
  result: PlanResult;
  /** plan.json content: what `planner solve --format json` prints. */
  document: PlanDocument;
}

/**
 * Plans a loaded scenario as `planner solve` does: solve (or run a heuristic), summarise the policies,
 * optionally price N+1, check the plan independently (a failing plan is an InternalError: a bug, not bad
 * input), and convert it to plan.json content. A plan without a solution (infeasible, time-limited...) is
 * returned, not thrown: `result.plan.status` says which.
 */
export async function planScenario(loaded: LoadedScenario, options: PlanScenarioOptions = {}): Promise<ScenarioPlan> {
  const { scenario, input } = loaded;
  const solverName = options.solver ?? scenario.solver.name;
  const plan = (planning: PlanningInput) => planWith(planning, solverName, options, scenario.solver, options.progress);
  let result = await plan(input);
  if (activePolicies(input).length) result = { ...result, plan: { ...result.plan, policies: summarisePolicies(input, result.plan) } };
  if (input.sizeClasses?.length)
    result = { ...result, plan: { ...result.plan, sizeClasses: summariseSizeClasses(input, result.plan, input.sizeClasses) } };
  if (options.resilienceCost) result = await withResilienceCost(input, result, plan);
  result = { ...result, plan: { ...result.plan, modelChoice: summariseModelChoice(input, result.plan) } };
  const budget = budgetStatus(input, result.plan.totals);
  if (budget) result = { ...result, plan: { ...result.plan, budget } };
  // A solve that found no plan (infeasible, or the safety net fired before any incumbent) has none to check,
  // even when a rolling solve planned the windows before the one that failed.
  if (!NO_PLAN_STATUSES.includes(result.plan.status)) await assertPlanChecks(input, result.plan);
  const document = toPlanDocument(result.plan, result.solver, {
    name: scenario.name,
    hash: loaded.hash,
    overrides: loaded.overrides,
    ...(loaded.file.startsWith('builtin:') ? { file: loaded.file } : {}),
    hashes: loaded.hashes,
  });
  return { result, document };
}
