import type { PlanWindow } from '../capacity/types.js';
import type { LearnedFactor } from '../calibrate/learn.js';
import type { Eviction } from './eviction.js';

/** What a contender runs in one window: VMs (one entry per sku, region and purchase) and the replicas packed on them. */
export interface FleetWindow {
  vms: readonly Pick<PlanWindow['vms'][number], 'region' | 'sku' | 'purchase' | 'count' | 'usdPerHour'>[];
  /**
   * `workload` set: the replica serves only that workload (siloed fleets). `effectiveCount`: replicas that
   * serve for the whole window, when some start part-way through it (reactive scale-out); default count.
   */
  replicas: readonly (PlanWindow['replicas'][number] & { workload?: string; effectiveCount?: number })[];
  /**
   * The plan's service of deferrable work in this window, requests/s by (workload, origin): the batch
   * scheduler follows it first, so a plan that meets its deadlines meets them in the evaluation too.
   */
  deferred?: readonly { workload: string; origin: string; requestsPerSec: number }[];
  /** Spot VMs evicted during the window (set by the evaluation): billed only until their eviction. */
  evictions?: readonly Eviction[];
}

/** A capacity event: at most `availableGpus` GPUs of `gpu` in `region` from `from` (inclusive) to `to` (exclusive). */
export interface CapacityEvent {
  gpu: string;
  region: string;
  /** ISO-8601 UTC. */
  from: string;
  to: string;
  availableGpus: number;
  /** Window indices of the scenario it covers (resolved by the runner). */
  fromWindow: number;
  toWindow: number;
}

/** Stress applied to the actual demand or the planners' beliefs. */
export interface Stress {
  /** Actual demand x this after planning (default 1). */
  demandScale?: number;
  /** One window's actual demand x `factor` (default: the busiest evaluated window). */
  burst?: { factor: number; window?: number };
  /** Planners believe replicas serve `x` times what they really do (default 1). */
  throughputOptimism?: number;
}

export interface WindowOutcome {
  index: number;
  start: string;
  hours: number;
  /** 'capacity' while a capacity event is in force, else 'cost' (the adaptive orchestration paper's modes). */
  mode: 'cost' | 'capacity';
  demandRps: number;
  servedRps: number;
  /**
   * Served at replica groups whose estimated mean TTFT and TPOT (the queueing estimate) meet the workload's SLO; equal
   * to servedRps without a queueing estimate or where no replica group is shared by workloads of different sizes.
   */
  withinSloRps: number;
  unmetRps: number;
  /**
   * Per workload id, requests/s: demand (arrivals), served, served within SLO and unmet. A deferrable
   * workload serves from its backlog (served may exceed the window's arrivals), its unmet is what passed
   * its deadline this window, and `backlogRequests` is what still waits at the window's end.
   */
  byWorkload: Record<string, { demandRps: number; servedRps: number; withinSloRps: number; unmetRps: number; backlogRequests?: number }>;
  /** The queueing estimate per replica group, when the evaluation had queue profiles. */
  queueing?: QueueingSummary;
  /**
   * Interactive workloads minute by minute, requests/s (means over the window), when the demand has
   * per-minute statistics: demand (the mean) and, served within SLO, at the busiest minute held all window
   * (over busiestDemandRps), and the per-minute lower and upper bounds and shaped estimate
   * (src/simulate/within-hour.ts). Deferrable workloads are out: their backlog absorbs the minutes.
   */
  withinHour?: { demandRps: number; busiestDemandRps: number; busiestMinute: number; lower: number; upper: number; estimate: number };
  gpus: number;
  gpuHours: number;
  costUsd: number;
  /** VM boots plus model loads (modelLoadCostUsd). */
  startupCostUsd: number;
  /** The model-load part of startupCostUsd: replicas started x tp GPUs x load hours x USD per GPU-hour. */
  modelLoadCostUsd: number;
  vmsStarted: number;
  /** Replicas started (more of a config in a region than the window before): each loaded its llm. */
  replicasStarted: number;
  /** Spot VMs evicted during the window. */
  spotEvictions: number;
  /** Served load over the fleet's SLO capacity for the workloads it carries (0..1). */
  utilisation: number;
  /** Served requests/s by (workload, serving region, gpu): where the traffic went. */
  servedBy: { workload: string; region: string; gpu: string; rps: number }[];
}

/** The queueing estimate summed up (src/simulate/queueing.ts). */
export interface QueueingSummary {
  /** Mean wait behind other prefills over the requests served, ms (replica groups whose queue grows without bound left out). */
  meanWaitMs: number;
  /** Highest estimated mean TTFT, and TPOT, over its SLO among the (replica group, workload) pairs carrying traffic; 0 with none. */
  worstTtftToSlo: number;
  worstTpotToSlo: number;
}

export interface ContenderTotals {
  gpuHours: number;
  costUsd: number;
  /** VM boots plus model loads (modelLoadCostUsd). */
  startupCostUsd: number;
  modelLoadCostUsd: number;
  requests: number;
  servedRequests: number;
  /** Served, but at replica groups whose estimated mean TTFT or TPOT misses the SLO. */
  lateRequests: number;
  unmetRequests: number;
  /** Deferrable requests still waiting, not yet due, when the simulation ends (out of attainment's denominator). */
  pendingRequests: number;
  /** Served within SLO / all requests that were due. */
  attainment: number;
  /** Served-weighted mean prefill wait and the worst window's TTFT and TPOT over SLO, when estimated. */
  queueing?: QueueingSummary;
  attainmentByWorkload: Record<string, number>;
  /**
   * Attainment four ways, when every window has per-minute statistics: the busiest minute of each window
   * held all window (the pessimistic bound; attainment itself when plans provision for the peak), the
   * per-minute lower and upper bounds from each window's low, mean and high alone, and the estimate from
   * the within-hour shape. Deferrable workloads count as in attainment.
   */
  attainmentWithinHour?: { busiestMinute: number; lower: number; upper: number; estimate: number };
  vmsStarted: number;
  replicasStarted: number;
  spotEvictions: number;
}

export interface ContenderResult {
  name: string;
  /** How it decides, in a phrase. */
  description: string;
  windows: WindowOutcome[];
  fleets: FleetWindow[];
  totals: ContenderTotals;
  /** Planning time. */
  seconds: number;
  notes: string[];
  /** The rate factors a learning contender (the planner) ended with. */
  learning?: RateLearning;
  /**
   * The oracle: a lower bound on the cost (VM time + start-ups) of any plan in the capacity model that leaves
   * no more unmet than its own, and (cost - bound) / cost.
   */
  bound?: { costUsd: number; gap: number };
}

/** What a contender learned about replica rates from its own evaluated windows (src/calibrate/learn.ts). */
export interface RateLearning {
  /** Per config it observed: the factor (observed / planned rate) it plans with at the end. */
  factors: LearnedFactor[];
  /** The factor for configs it has not observed, and the windows behind it. */
  pooled: { factor: number; observations: number };
  /** First scenario window planned after the last factor change above 2%; absent when none moved that much. */
  settledFrom?: number;
}
