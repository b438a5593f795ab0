import type { FleetPurchase } from '../catalog/types.js';
import type { PlanningInput, ReplicaPool, WorkloadSpec } from './types.js';

/**
 * How the optional policies read (deadlines, spot, locality, quality, reservations; DESIGN.md section 6).
 * Shared by the formulation, the plan summary and the checker: these are definitions, not model code.
 */

/** Interactive workloads are served in the window they arrive; deferrable ones have a deadline. */
export function isInteractive(workload: WorkloadSpec): boolean {
  return workload.deadlineHours === undefined;
}

/**
 * Windows a deferrable request may wait, counting its own: a request of window s must be served by the end
 * of window s + lag - 1. Conservative: one that arrives at the start of window s gets deadlineHours.
 */
export function deadlineLag(workload: WorkloadSpec, windowHours: number): number {
  return Math.max(1, Math.floor(workload.deadlineHours! / windowHours + 1e-9));
}

/**
 * Replicas are kept apart by pool (firm = on-demand + reserved, spot) only when a policy tells them
 * apart: the eviction derate or on-demand cover. Otherwise a replica may use any VM of its sku and region.
 */
export function replicaPoolsApart(input: PlanningInput): boolean {
  const spot = input.policies.spot;
  return (
    input.purchases.includes('spot') && spot !== undefined && (spot.evictionProbability > 0 || spot.onDemandCoversInteractive !== undefined)
  );
}

export function poolOf(purchase: FleetPurchase): ReplicaPool {
  return purchase === 'spot' ? 'spot' : 'firm';
}

/** Capacity one replica of the pool counts for: a spot replica survives a window with probability 1 - p. */
export function poolCapacity(input: PlanningInput, pool: ReplicaPool | undefined): number {
  return pool === 'spot' ? 1 - (input.policies.spot?.evictionProbability ?? 0) : 1;
}

/** Names of the optional policies a scenario turns on (the heuristics implement none of them). */
export function activePolicies(input: PlanningInput): string[] {
  const { spot, locality } = input.policies;
  const active: string[] = [];
  if (spot?.maxShare !== undefined) active.push('policies.spot.maxShare');
  if (spot && spot.evictionProbability > 0) active.push('policies.spot.evictionProbability');
  if (spot?.onDemandCoversInteractive !== undefined) active.push('policies.spot.onDemandCoversInteractive');
  if (locality?.minInRegionShare) active.push('policies.locality.minInRegionShare');
  if (locality?.minReplicasPerLlm !== undefined) active.push('policies.locality.minReplicasPerLlm');
  if (locality?.nPlusOne) active.push('policies.locality.nPlusOne');
  if ((input.policies.reserved ?? []).length) active.push('policies.reserved');
  if (input.policies.maxScaleInPerWindow !== undefined) active.push('policies.maxScaleInPerWindow');
  if (input.policies.kvMemory === 'load') active.push('policies.kvMemory');
  if (input.policies.routing === 'single-path') active.push('policies.routing');
  if (input.policies.interference === 'separate') active.push('policies.interference');
  for (const workload of input.workloads) {
    if (workload.minQuality !== undefined) active.push(`${workload.id}.minQuality`);
    if (workload.deadlineHours !== undefined) active.push(`${workload.id}.deadlineHours`);
  }
  return active;
}

/** What the heuristics (GH, AGH) do not implement: the optional policies, and commitments. */
export function heuristicGaps(input: PlanningInput): string[] {
  return [...activePolicies(input), ...((input.policies.commitments ?? []).length ? ['commitments'] : [])];
}

/**
 * Whether any fleet could serve (workload w, origin o) when `lostRegion` is gone (and, firmOnly, spot VMs
 * too): some candidate config in a surviving region within the latency bound, on a sku offered there
 * on-demand or reserved when firmOnly. Futures exempt the origins for which this is false.
 */
export function servableInFuture(input: PlanningInput, w: number, o: number, lostRegion: string | undefined, firmOnly: boolean): boolean {
  const workload = input.workloads[w]!;
  const origin = workload.origins[o]!;
  return input.candidates.some(
    (c) =>
      c.region !== lostRegion &&
      c.requestsPerSecByWorkload.has(workload.id) &&
      input.latencyMs(origin, c.region) <= workload.maxNetworkRttMs &&
      (!firmOnly ||
        input.skus.some(
          (s) =>
            s.sku === c.sku && s.prices.some((p) => p.region === c.region && p.purchase !== 'spot' && input.purchases.includes(p.purchase)),
        )),
  );
}
