import { kvUseByConfig, pathsByWorkloadRegion } from './kv-path-use.js';
import { isInteractive } from './policies.js';
import type { Plan, PlanningInput } from './types.js';
import { configKey } from '../config-key.js';

/**
 * What the optional policies (spot, locality, quality, deadlines) did in a plan, from the plan itself: the
 * figures `planner solve` prints and writes to plan.json (`policies`). Absent entries mean the policy is off.
 */
export interface PolicySummary {
  spot?: {
    maxShare: number | null;
    evictionProbability: number;
    onDemandCoversInteractive: number | null;
    spotGpuHours: number;
    largestSpotShare: number;
  };
  locality?: {
    minInRegionShare: number | null;
    lowestInRegionShare: number | null;
    minReplicasPerLlm: number | null;
    nPlusOne: boolean;
    resilienceCostUsd?: number;
    costWithoutNPlusOneUsd?: number;
  };
  /** Per workload: served requests per llm (the llm mix), and the lowest window quality when minQuality is set. */
  llmMix: Array<{ workload: string; minQuality: number | null; lowestQuality: number | null; requestsByLlm: Record<string, number> }>;
  /** Deferrable workloads: requests served per hour of day (UTC), and the arrivals for comparison. */
  deferrable: Array<{ workload: string; deadlineHours: number; servedByHourUtc: number[]; arrivedByHourUtc: number[] }>;
  reserved?: { vms: number; sunkCostUsd: number };
  maxScaleInPerWindow?: number;
  /** policies.kvMemory: load: the highest share of its replicas' free memory any config's KV cache took. */
  kvMemory?: { mode: 'load'; highestShareOfFree: number };
  /** policies.routing: single-path: the most configs one workload used in one region and window (1: kept). */
  routing?: { mode: 'single-path'; mostConfigsPerWorkloadRegion: number };
  /** policies.interference: separate: config-windows whose replicas were split by sharing group, and the most groups in one. */
  interference?: { mode: 'separate'; splitConfigWindows: number; mostGroupsPerConfig: number };
}

export function summarisePolicies(input: PlanningInput, plan: Plan): PolicySummary {
  const { spot, locality } = input.policies;
  const gpusPerVm = new Map(input.skus.map((s) => [s.sku, s.gpusPerVm]));
  const summary: PolicySummary = { llmMix: [], deferrable: [] };
  if (spot) {
    let spotGpuHours = 0;
    let largestSpotShare = 0;
    for (const window of plan.windows) {
      const byRegion = new Map<string, { spot: number; all: number }>();
      for (const vm of window.vms) {
        const gpus = vm.count * gpusPerVm.get(vm.sku)!;
        const entry = byRegion.get(vm.region) ?? { spot: 0, all: 0 };
        entry.all += gpus;
        if (vm.purchase === 'spot') entry.spot += gpus;
        byRegion.set(vm.region, entry);
        if (vm.purchase === 'spot') spotGpuHours += gpus * window.hours;
      }
      for (const entry of byRegion.values()) if (entry.all > 0) largestSpotShare = Math.max(largestSpotShare, entry.spot / entry.all);
    }
    summary.spot = {
      maxShare: spot.maxShare ?? null,
      evictionProbability: spot.evictionProbability,
      onDemandCoversInteractive: spot.onDemandCoversInteractive ?? null,
      spotGpuHours,
      largestSpotShare: round(largestSpotShare),
    };
  }
  if (locality) {
    let lowest: number | null = null;
    for (const window of plan.windows) {
      for (const workload of input.workloads.filter(isInteractive)) {
        for (const origin of workload.origins) {
          const routes = window.routes.filter((r) => r.workload === workload.id && r.origin === origin);
          const all = routes.reduce((sum, r) => sum + r.requestsPerSec, 0);
          if (all > 0)
            lowest = Math.min(lowest ?? 1, routes.filter((r) => r.region === origin).reduce((sum, r) => sum + r.requestsPerSec, 0) / all);
        }
      }
    }
    summary.locality = {
      minInRegionShare: locality.minInRegionShare ?? null,
      lowestInRegionShare: lowest === null ? null : round(lowest),
      minReplicasPerLlm: locality.minReplicasPerLlm ?? null,
      nPlusOne: locality.nPlusOne,
    };
  }
  for (const workload of input.workloads) {
    const requestsByLlm = new Map<string, number>();
    let lowestQuality: number | null = null;
    for (const window of plan.windows) {
      let served = 0;
      let weighted = 0;
      for (const route of window.routes) {
        if (route.workload !== workload.id) continue;
        requestsByLlm.set(route.llm, (requestsByLlm.get(route.llm) ?? 0) + route.requestsPerSec * 3600 * window.hours);
        served += route.requestsPerSec;
        weighted += route.requestsPerSec * (input.llmQuality?.get(route.llm) ?? 0);
      }
      if (served > 0 && workload.minQuality !== undefined) lowestQuality = Math.min(lowestQuality ?? Infinity, weighted / served);
    }
    summary.llmMix.push({
      workload: workload.id,
      minQuality: workload.minQuality ?? null,
      lowestQuality: lowestQuality === null ? null : round(lowestQuality),
      requestsByLlm: Object.fromEntries([...requestsByLlm].sort(([a], [b]) => (a < b ? -1 : 1)).map(([llm, n]) => [llm, Math.round(n)])),
    });
    if (!isInteractive(workload)) {
      const servedByHourUtc = new Array<number>(24).fill(0);
      const arrivedByHourUtc = new Array<number>(24).fill(0);
      const w = input.workloads.indexOf(workload);
      for (const window of plan.windows) {
        const hour = new Date(window.start).getUTCHours();
        servedByHourUtc[hour]! +=
          window.routes.filter((r) => r.workload === workload.id).reduce((sum, r) => sum + r.requestsPerSec, 0) * 3600 * window.hours;
        arrivedByHourUtc[hour]! += input.demand[w]!.reduce((sum, series) => sum + (series[window.index] ?? 0), 0) * 3600 * window.hours;
      }
      summary.deferrable.push({
        workload: workload.id,
        deadlineHours: workload.deadlineHours!,
        servedByHourUtc: servedByHourUtc.map(Math.round),
        arrivedByHourUtc: arrivedByHourUtc.map(Math.round),
      });
    }
  }
  const reserved = input.policies.reserved ?? [];
  if (reserved.length)
    summary.reserved = { vms: reserved.reduce((sum, r) => sum + r.count, 0), sunkCostUsd: plan.totals.reservedSunkCostUsd ?? 0 };
  if (input.policies.maxScaleInPerWindow !== undefined) summary.maxScaleInPerWindow = input.policies.maxScaleInPerWindow;
  if (input.policies.kvMemory === 'load') {
    let highest = 0;
    for (const window of plan.windows)
      for (const use of kvUseByConfig(input, window)) if (use.freeGib > 0) highest = Math.max(highest, use.heldGib / use.freeGib);
    summary.kvMemory = { mode: 'load', highestShareOfFree: round(highest) };
  }
  if (input.policies.routing === 'single-path') {
    let most = 0;
    for (const window of plan.windows) for (const configs of pathsByWorkloadRegion(window).values()) most = Math.max(most, configs.length);
    summary.routing = { mode: 'single-path', mostConfigsPerWorkloadRegion: most };
  }
  if (input.policies.interference === 'separate') {
    let split = 0;
    let most = 0;
    for (const window of plan.windows) {
      const groups = new Map<string, Set<string>>();
      for (const replica of window.replicas) {
        if (!replica.workloads) continue;
        const key = configKey(replica);
        groups.set(key, (groups.get(key) ?? new Set<string>()).add(replica.workloads.join(',')));
      }
      for (const set of groups.values()) {
        if (set.size > 1) split += 1;
        most = Math.max(most, set.size);
      }
    }
    summary.interference = { mode: 'separate', splitConfigWindows: split, mostGroupsPerConfig: most };
  }
  return summary;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
