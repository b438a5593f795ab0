import type { Purchase } from '../catalog/types.js';

/**
 * Everything the capacity MILP needs, resolved from a scenario: no file names, no catalog lookups.
 * Demand and rates are in requests per second; prices in USD per VM-hour.
 */
export interface PlanningInput {
  windows: readonly PlanningWindow[];
  regions: readonly string[];
  purchases: readonly Purchase[];
  skus: readonly SkuOffer[];
  workloads: readonly WorkloadSpec[];
  candidates: readonly Candidate[];
  /** demand[workloadIndex][originIndex][windowIndex] in requests/s; origins are workload.origins. */
  demand: readonly (readonly (readonly number[])[])[];
  /** Round-trip time between regions in ms. */
  latencyMs: (from: string, to: string) => number;
  policies: PlanningPolicies;
}

export interface PlanningWindow {
  /** ISO-8601 start, UTC. */
  start: string;
  hours: number;
}

export interface SkuOffer {
  sku: string;
  gpu: string;
  gpusPerVm: number;
  /** usdPerHour by region and purchase; absent = not offered there. */
  prices: readonly { region: string; purchase: Purchase; usdPerHour: number }[];
}

export interface WorkloadSpec {
  id: string;
  origins: readonly string[];
  /** Longest origin -> serving-region round trip allowed (the network part of the SLO). */
  maxNetworkRttMs: number;
  /** Cost of one request not served, in USD (penalty in the objective). */
  unmetPenaltyUsdPerRequest: number;
}

/** A config (llm, sku, tp) in a region that fits memory and sustains some workload's SLO. */
export interface Candidate {
  llm: string;
  sku: string;
  tp: number;
  region: string;
  /** Max sustainable requests/s of one replica under each workload's SLO (workload id -> rate); > 0 only. */
  requestsPerSecByWorkload: ReadonlyMap<string, number>;
}

export interface QuotaRule {
  gpu: string;
  region: string;
  /** Most GPUs of that type in the region (all purchases together). */
  gpus: number;
  /** Window index range [from, to] inclusive; all windows when absent. */
  fromWindow?: number;
  toWindow?: number;
}

export interface PlanningPolicies {
  /** Fraction of each replica's rate kept free (queueing headroom); capacity group 2. */
  headroom: number;
  /** VM time lost while a VM boots and loads weights, charged per VM added (group 8). */
  startupHours: number;
  quotas: readonly QuotaRule[];
  /** Total cost limit over the horizon (group 9); 'soft' only reports a violation. */
  budget?: { usd: number; mode: 'hard' | 'soft' };
  /** VMs running before the first window (region, sku, purchase, count). */
  currentFleet: readonly FleetEntry[];
  /** Most VMs added per window per (sku, region, purchase). */
  maxScaleOutPerWindow?: number;
}

export interface FleetEntry {
  region: string;
  sku: string;
  purchase: Purchase;
  count: number;
}

/** The domain result, as written to plan.json (plus provenance added by the command). */
export interface Plan {
  status: PlanStatus;
  windows: PlanWindow[];
  totals: {
    costUsd: number;
    startupCostUsd: number;
    gpuHours: number;
    servedRequests: number;
    unmetRequests: number;
  };
}

/** optimal/feasible as the solver said; infeasible/no_solution when there is no plan to show. */
export type PlanStatus = 'optimal' | 'feasible' | 'infeasible' | 'no_solution' | 'error' | 'unbounded';

export interface PlanWindow {
  index: number;
  start: string;
  hours: number;
  costUsd: number;
  gpuHours: number;
  vms: { region: string; sku: string; purchase: Purchase; count: number; usdPerHour: number; started: number }[];
  replicas: { llm: string; sku: string; tp: number; region: string; count: number }[];
  routes: { workload: string; origin: string; llm: string; sku: string; tp: number; region: string; requestsPerSec: number }[];
  /** `why`: the constraints that bind where it could have been served (see diagnose.ts). */
  unmet: { workload: string; origin: string; requestsPerSec: number; why?: string }[];
}
