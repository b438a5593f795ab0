import { modelLoadOn } from '../capacity/model-load.js';
import { quotaLimit, quotaUnitsPerVm, type QuotaSku } from '../capacity/quota.js';
import type { PlanningInput } from '../capacity/types.js';

/**
 * Exhaustive search over fleets for tiny instances: the correctness oracle of the MILP (the configuration
 * search of the heterogeneous-cluster paper, without any solver). Scope, checked on entry: one workload,
 * one purchase option, and windows that nothing couples (no start-up cost unless there is one window, no
 * scale-out limit, no hard budget).
 *
 * Why it is exact: with tp dividing every VM's GPU count, a (sku, region) VM group of G GPUs packs G/tp
 * replicas of any config, so its best capacity for the workload is G x max over its configs of
 * (rate / tp) x (1 - headroom). Routing is then a bipartite flow from origins to the regions within the
 * RTT bound, whose maximum is the minimum over origin subsets S of demand outside S plus the capacity of
 * the regions S reaches (max-flow = min-cut). Each window is independent, so the optimum is the sum of
 * window optima, each found by enumerating VM counts per (sku, region) up to what alone serves all demand.
 */
export interface ExhaustiveResult {
  /** VM cost + start-ups + unmet penalty, the MILP's objective. */
  objective: number;
  costUsd: number;
  unmetRequests: number;
  /** Fleets evaluated. */
  evaluated: number;
  /** Per window: VM counts by "sku|region". */
  fleets: Map<string, number>[];
}

export function solveExhaustive(input: PlanningInput, maxFleetsPerWindow = 2_000_000): ExhaustiveResult {
  if (input.workloads.length !== 1) throw new RangeError('exhaustive search handles one workload');
  if (input.purchases.length !== 1) throw new RangeError('exhaustive search handles one purchase option');
  const { policies } = input;
  if (policies.maxScaleOutPerWindow !== undefined || policies.budget?.mode === 'hard')
    throw new RangeError('exhaustive search needs independent windows');
  if (policies.startupHours > 0 && (input.windows.length > 1 || policies.currentFleet.length > 0)) {
    throw new RangeError('exhaustive search prices start-ups only for one window from an empty fleet');
  }
  if (modelLoadOn(input)) throw new RangeError('exhaustive search does not price model loads (Candidate.loadHours)');
  const workload = input.workloads[0]!;
  const purchase = input.purchases[0]!;
  const origins = workload.origins;

  // VM groups: (sku, region) with a price and at least one config serving the workload.
  const vmGroups = input.skus.flatMap((sku) =>
    input.regions.flatMap((region) => {
      const price = sku.prices.find((p) => p.region === region && p.purchase === purchase);
      if (!price) return [];
      const ratePerGpu = Math.max(
        0,
        ...input.candidates
          .filter((c) => c.sku === sku.sku && c.region === region)
          .map((c) => ((c.requestsPerSecByWorkload.get(workload.id) ?? 0) / c.tp) * (1 - policies.headroom)),
      );
      if (ratePerGpu <= 0) return [];
      return [
        {
          sku: sku.sku,
          gpu: sku.gpu,
          region,
          gpusPerVm: sku.gpusPerVm,
          ...(sku.family !== undefined ? { family: sku.family } : {}),
          ...(sku.vcpus !== undefined ? { vcpus: sku.vcpus } : {}),
          usdPerHour: price.usdPerHour,
          capacityPerVm: ratePerGpu * sku.gpusPerVm,
        },
      ];
    }),
  );

  let objective = 0;
  let costUsd = 0;
  let unmetRequests = 0;
  let evaluated = 0;
  const fleets: Map<string, number>[] = [];
  for (const [t, window] of input.windows.entries()) {
    const demand = origins.map((_, o) => input.demand[0]![o]![t]!);
    const totalDemand = demand.reduce((a, b) => a + b, 0);
    const limits = vmGroups.map((vmGroup) => {
      let limit = Math.ceil(totalDemand / vmGroup.capacityPerVm - 1e-9);
      for (const quota of policies.quotas) {
        const applies = (quota.fromWindow === undefined || t >= quota.fromWindow) && (quota.toWindow === undefined || t <= quota.toWindow);
        const units = quotaUnitsPerVm(quota, vmGroup);
        if (applies && units > 0 && quota.region === vmGroup.region) limit = Math.min(limit, Math.floor(quotaLimit(quota) / units));
      }
      return Math.max(0, limit);
    });
    const reachable = origins.map((origin) =>
      input.regions.filter((region) => input.latencyMs(origin, region) <= workload.maxNetworkRttMs),
    );
    const counts = new Array<number>(vmGroups.length).fill(0);
    let best = { value: Infinity, cost: 0, unmet: 0, counts: [...counts] };
    const hoursCost = window.hours + policies.startupHours;
    const penaltyPerRps = workload.unmetPenaltyUsdPerRequest * 3600 * window.hours;
    for (;;) {
      if (++evaluated > maxFleetsPerWindow * input.windows.length) throw new RangeError('instance too large for exhaustive search');
      if (quotasHold(input, vmGroups, counts, t)) {
        const capacity = new Map<string, number>();
        let cost = 0;
        vmGroups.forEach((vmGroup, i) => {
          capacity.set(vmGroup.region, (capacity.get(vmGroup.region) ?? 0) + counts[i]! * vmGroup.capacityPerVm);
          cost += counts[i]! * vmGroup.usdPerHour * hoursCost;
        });
        const served = maxFlow(demand, reachable, capacity);
        const unmet = Math.max(0, totalDemand - served);
        const value = cost + unmet * penaltyPerRps;
        if (value < best.value - 1e-9) best = { value, cost, unmet, counts: [...counts] };
      }
      // Next VM-count vector (odometer).
      let i = 0;
      while (i < counts.length && counts[i] === limits[i]) counts[i++] = 0;
      if (i === counts.length) break;
      counts[i]!++;
    }
    objective += best.value;
    costUsd += best.cost - best.counts.reduce((sum, n, i) => sum + n * vmGroups[i]!.usdPerHour * policies.startupHours, 0);
    unmetRequests += best.unmet * 3600 * window.hours;
    fleets.push(
      new Map(vmGroups.map((vmGroup, i) => [`${vmGroup.sku}|${vmGroup.region}`, best.counts[i]!] as const).filter(([, n]) => n > 0)),
    );
  }
  return { objective, costUsd, unmetRequests, evaluated, fleets };
}

function quotasHold(
  input: PlanningInput,
  vmGroups: readonly (QuotaSku & { region: string })[],
  counts: readonly number[],
  t: number,
): boolean {
  for (const quota of input.policies.quotas) {
    if ((quota.fromWindow !== undefined && t < quota.fromWindow) || (quota.toWindow !== undefined && t > quota.toWindow)) continue;
    let used = 0;
    vmGroups.forEach((vmGroup, i) => {
      if (vmGroup.region === quota.region) used += counts[i]! * quotaUnitsPerVm(quota, vmGroup);
    });
    if (used > quotaLimit(quota)) return false;
  }
  return true;
}

/** Max flow origins -> regions (uncapacitated arcs where reachable) = min over origin subsets of the cut. */
function maxFlow(demand: readonly number[], reachable: readonly (readonly string[])[], capacity: ReadonlyMap<string, number>): number {
  let best = Infinity;
  for (let mask = 0; mask < 1 << demand.length; mask++) {
    let cut = 0;
    const regions = new Set<string>();
    demand.forEach((d, o) => {
      if (mask & (1 << o)) for (const region of reachable[o]!) regions.add(region);
      else cut += d;
    });
    for (const region of regions) cut += capacity.get(region) ?? 0;
    best = Math.min(best, cut);
  }
  return best;
}
