import { REPLICA_TIE_BREAK, routeTieBreak } from '../capacity/formulation.js';
import type { PlanningInput } from '../capacity/types.js';

/**
 * A lower bound on the cost the evaluation charges (VM time + start-ups + model loads) of any plan in the
 * capacity model of `input` that leaves at most `unmetRequests` requests unmet, from a lower bound on the
 * model's objective (its LP relaxation, or a MILP's bound). The objective also holds unmet penalties and
 * tie-breaks, which the evaluation never charges: a plan's objective is cost + penalties + tie-breaks >= the
 * bound, so cost >= bound - the most those can be. Penalties: at most the dearest workload's per request.
 * Route tie-breaks: every request served once, at most the farthest region's RTT. Replica tie-breaks: each
 * replica-hour holds a GPU-hour, which costs at least the cheapest GPU's price, so they are at most a fixed
 * share of the cost. Undefined without a bound or when some GPU is free (no such share).
 */
export function costLowerBound(input: PlanningInput, objectiveBound: number | undefined, unmetRequests: number): number | undefined {
  if (objectiveBound === undefined || !Number.isFinite(objectiveBound)) return undefined;
  let cheapestGpuHour = Infinity;
  for (const sku of input.skus)
    for (const price of sku.prices) cheapestGpuHour = Math.min(cheapestGpuHour, price.usdPerHour / sku.gpusPerVm);
  if (!(cheapestGpuHour > 0) || !Number.isFinite(cheapestGpuHour)) return undefined;
  const penalty = input.workloads.reduce((most, w) => Math.max(most, w.unmetPenaltyUsdPerRequest), 0);
  let routes = 0;
  for (const [w, workload] of input.workloads.entries()) {
    const farthest = Math.max(0, ...workload.origins.flatMap((origin) => input.regions.map((region) => input.latencyMs(origin, region))));
    const requestHours = input.demand[w]!.reduce(
      (sum, series) => sum + series.reduce((s, rps, t) => s + rps * input.windows[t]!.hours, 0),
      0,
    );
    routes += routeTieBreak(input, w) * farthest * requestHours;
  }
  const bound = (objectiveBound - penalty * unmetRequests - routes) / (1 + REPLICA_TIE_BREAK / cheapestGpuHour);
  return Math.max(0, bound);
}

/** (cost - bound) / cost, 0 when the bound reaches the cost; undefined without a bound. */
export function gapToBound(costUsd: number, boundUsd: number | undefined): number | undefined {
  if (boundUsd === undefined) return undefined;
  if (costUsd <= 0) return 0;
  return Math.max(0, (costUsd - boundUsd) / costUsd);
}
