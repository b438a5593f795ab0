import type { Plan, PlanningInput } from '../capacity/types.js';
import { InternalError } from '../errors.js';
import type { SolveFn } from '../lp/index.js';
import { getSolver } from '../solvers/registry.js';
import { checkPlan, type PlanCheck } from '../validate/check-plan.js';
import { checkFutures, futuresOf, type FutureResult } from '../validate/resilience.js';

/** The futures' routing LPs go to HiGHS: any LP solver would do, and its answer is re-verified. */
export async function routingLpSolver(): Promise<SolveFn> {
  const highs = await getSolver('highs');
  return (program, options) => highs.solve(program, options);
}

export interface PlanValidation {
  /** The independent check, with the futures' violations added (`ok` covers both). */
  check: PlanCheck;
  /** Each future (N+1, on-demand cover, each failed region) and whether the plan's replicas still route the demand. */
  futures: FutureResult[];
}

/**
 * Recomputes capacity, packing, quotas, route latency, demand coverage, budget, cost and the policies
 * from the plan and the planning input alone, and proves by an LP per future that the replicas left in
 * each future (N+1, on-demand cover, `failRegions`) still route the demand.
 */
export async function validatePlan(input: PlanningInput, plan: Plan, failRegions: readonly string[] = []): Promise<PlanValidation> {
  const check = checkPlan(input, plan);
  const futures = await checkFutures(input, plan, futuresOf(input, failRegions), await routingLpSolver());
  for (const future of futures) check.violations.push(...future.violations);
  check.ok = check.violations.length === 0;
  return { check, futures };
}

/** The plan must pass the independent checker (N+1 futures too); a plan that does not is a bug in planner, not bad input. */
export async function assertPlanChecks(input: PlanningInput, plan: Plan, what = 'the solved plan'): Promise<void> {
  const check = checkPlan(input, plan);
  const futures = futuresOf(input);
  if (futures.length && plan.windows.length) {
    for (const future of await checkFutures(input, plan, futures, await routingLpSolver())) check.violations.push(...future.violations);
  }
  if (check.violations.length) {
    throw new InternalError(
      `${what} fails its own check:\n${check.violations
        .slice(0, 10)
        .map((v) => `  ${v.group}: ${v.message}`)
        .join('\n')}`,
    );
  }
}
