import type { PlanResult } from '../capacity/solve.js';
import type { PlanningInput } from '../capacity/types.js';
import { InputError } from '../errors.js';

/**
 * The cost of resilience: `result` with its locality summary extended by the cost of the same scenario
 * planned without N+1 (by `replan`, same solver and strategy). Both plans are solved to the same gap, so the
 * difference is only as exact as the two gaps allow (both are reported). `result` is not changed.
 */
export async function withResilienceCost(
  input: PlanningInput,
  result: PlanResult,
  replan: (input: PlanningInput) => Promise<PlanResult>,
): Promise<PlanResult> {
  const locality = input.policies.locality;
  const summary = result.plan.policies;
  if (!locality?.nPlusOne || !summary?.locality) {
    throw new InputError({
      field: '--resilience-cost',
      message: 'the scenario does not ask for N+1',
      fix: 'set policies.locality.nPlusOne: true (or --set policies.locality.nPlusOne=true)',
    });
  }
  const without = await replan({ ...input, policies: { ...input.policies, locality: { ...locality, nPlusOne: false } } });
  const cost = (r: PlanResult) => r.plan.totals.costUsd + r.plan.totals.startupCostUsd;
  const costs = {
    costWithoutNPlusOneUsd: Math.round(cost(without) * 100) / 100,
    resilienceCostUsd: Math.round((cost(result) - cost(without)) * 100) / 100,
  };
  return { ...result, plan: { ...result.plan, policies: { ...summary, locality: { ...summary.locality, ...costs } } } };
}
