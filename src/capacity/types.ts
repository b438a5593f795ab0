import type { FleetPurchase } from '../catalog/types.js';
import type { ModelChoice } from './model-choice.js';
import type { BudgetStatus } from './budget-status.js';
import type { CommitmentSummary } from './commitment-summary.js';
import type { PolicySummary } from './policy-summary.js';
import type { PlanSizeClasses } from './size-class-summary.js';
import type { WithinWindowDemand } from '../demand/within-hour.js';

/**
 * Everything the capacity MILP needs, resolved from a scenario: no file names, no catalog lookups.
 * Demand and rates are in requests per second; prices in USD per VM-hour.
 */
export interface PlanningInput {
  windows: readonly PlanningWindow[];
  regions: readonly string[];
  /** Purchases the plan may use; 'reserved' only when the scenario holds reservations (policies.reserved). */
  purchases: readonly FleetPurchase[];
  skus: readonly SkuOffer[];
  workloads: readonly WorkloadSpec[];
  candidates: readonly Candidate[];
  /** demand[workloadIndex][originIndex][windowIndex] in requests/s; origins are workload.origins. */
  demand: readonly (readonly (readonly number[])[])[];
  /** Per-minute mean, low and high of each window's demand (same indices), when the source gives them: the evaluation's within-hour figures. */
  withinWindow?: WithinWindowDemand;
  /** Round-trip time between regions in ms. */
  latencyMs: (from: string, to: string) => number;
  policies: PlanningPolicies;
  /** Quality score (higher is better) of every llm a candidate uses; needed by workloads with minQuality (group 7). */
  llmQuality?: ReadonlyMap<string, number>;
  /** Workloads split into size classes (src/scenario/demand-units.ts): their units are workloads above. */
  sizeClasses?: readonly InputSizeClasses[];
}

/** A workload's size classes: unit ids (`<workload>#<c>`), share of its requests, bucket mean token ranges. */
export interface InputSizeClasses {
  workload: string;
  classes: readonly { unit: string; share: number; inputTokens: [number, number]; outputTokens: [number, number] }[];
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
  /** Quota family and host vCPUs (for family quotas); absent in inputs without family quotas. */
  family?: string;
  vcpus?: number;
  /** usdPerHour by region and purchase; absent = not offered there. */
  /** Reserved offers cost 0 here: their price is sunk (see PlanningPolicies.reserved). */
  prices: readonly { region: string; purchase: FleetPurchase; usdPerHour: number }[];
}

export interface WorkloadSpec {
  id: string;
  origins: readonly string[];
  /** Longest origin -> serving-region round trip allowed (the network part of the SLO). */
  maxNetworkRttMs: number;
  /** Cost of one request not served, in USD (penalty in the objective). */
  unmetPenaltyUsdPerRequest: number;
  /**
   * Deferrable (batch) workload: a request may be served up to this many hours after it arrives (group 1,
   * deferrable variant). Absent = interactive: served in the window it arrives.
   */
  deadlineHours?: number;
  /** Lowest demand-weighted quality of the llms serving it, per window (group 7). */
  minQuality?: number;
  /** How its llms are chosen (scenario llmChoice; minQuality implies cheapest). Absent in hand-built inputs. */
  llmChoice?: LlmChoice;
  /** The llms allowed to serve it (one when pinned: llmChoice first). Absent in hand-built inputs: any candidate. */
  llms?: readonly string[];
}

/** first: only the first listed llm serves the workload; cheapest: the solver picks among the allowed llms. */
export type LlmChoice = 'first' | 'cheapest';

/** A config (llm, sku, tp) in a region that fits memory and sustains some workload's SLO. */
export interface Candidate {
  llm: string;
  sku: string;
  tp: number;
  region: string;
  /** Max sustainable requests/s of one replica under each workload's SLO (workload id -> rate); > 0 only. */
  requestsPerSecByWorkload: ReadonlyMap<string, number>;
  /** KV memory per load (set with policies.kvMemory = 'load'; the load-dependent row of group 2). */
  kv?: CandidateKv;
  /**
   * Hours a replica's GPUs spend loading the llm before it serves (model-load.ts); its start is charged
   * the price of its tp GPUs for this long (group 8). Absent or 0: a VM changes llm for free.
   */
  loadHours?: number;
  /**
   * The queueing figures of one replica per workload id (src/capacity/interference.ts), set with
   * policies.interference = 'separate': what decides which workloads may share its replicas (group 10).
   */
  queue?: ReadonlyMap<string, QueueFigures>;
}

/**
 * One workload's queueing figures on one replica, from the perf model simulate's queueing estimate uses
 * (src/simulate/queueing.ts QueueProfile): mean and second moment of a prefill, the decode step in flight, the
 * SLO, and the TPOT (with its prefill stall) at the model's SLO rate and that rate's prefill utilisation.
 */
export interface QueueFigures {
  /**
   * The config's rate for the workload as the scenario resolved it (requests/s per replica): the most
   * simulate's dispatcher routes to a replica, whatever rates a planner believes (learned factors, stress).
   */
  requestsPerSec: number;
  prefillMs: number;
  prefillSquaredMs2: number;
  decodeStepMs: number;
  ttftSloMs: number;
  tpotSloMs: number;
  tpotAtSloRateMs: number;
  prefillUtilisationAtSloRate: number;
}

/**
 * What the load-dependent KV-memory row reads (src/perf/kv-load.ts): the KV cache one replica can hold, and
 * what each request/s of a workload's load holds there (tokens held x residency time x KV bytes per token).
 */
export interface CandidateKv {
  /** GiB of KV cache one replica holds over its tp GPUs: (GPU memory x utilisation - weights / tp) x tp. */
  freeGib: number;
  /** GiB held per request/s routed to one replica, by workload id (workloads with a rate only). */
  gibPerRequestPerSec: ReadonlyMap<string, number>;
}

/**
 * A quota in a region (all purchases together): GPUs of a gpu type (`gpu` + `gpus`), or the GPUs or vCPUs of the
 * skus of a quota family, as clouds set them (`family` + `gpus` or `vcpus`; see src/capacity/quota.ts).
 */
export interface QuotaRule {
  gpu?: string;
  family?: string;
  region: string;
  /** Most GPUs (of the gpu type, or of the family's skus) in the region. */
  gpus?: number;
  /** Most vCPUs of the family's skus in the region. */
  vcpus?: number;
  /** Window index range [from, to] inclusive; all windows when absent. */
  fromWindow?: number;
  toWindow?: number;
}

export interface PlanningPolicies {
  /** Fraction of each replica's rate kept free (queueing headroom); capacity group 2. */
  headroom: number;
  /** VM time lost while a VM boots, charged per VM added (group 8); the llm's load is Candidate.loadHours. */
  startupHours: number;
  quotas: readonly QuotaRule[];
  /** Total cost limit over the horizon (group 9); 'soft' only reports a violation. */
  budget?: { usd: number; mode: 'hard' | 'soft' };
  /** VMs running before the first window (region, sku, purchase, count). */
  currentFleet: readonly FleetEntry[];
  /**
   * Replicas running (llms loaded) before the first window: they start without a model load. Default none,
   * so every replica of the first window loads its llm (a scenario's current fleet says VMs, not llms).
   */
  currentReplicas?: readonly ReplicaEntry[];
  /** Most VMs added per window per (sku, region, purchase). */
  maxScaleOutPerWindow?: number;
  /** Most VMs removed per window per (sku, region, purchase) (group 8). */
  maxScaleInPerWindow?: number;
  /** Reserved VMs: running in every window at no cost in the objective (sunk), reported with their sunk cost. */
  reserved?: readonly ReservedEntry[];
  /**
   * Commitment offers the plan may buy (at most one per sku and region: the cheapest offered, see
   * src/scenario/commitments.ts): an integer count, constant over the horizon, paid every hour.
   */
  commitments?: readonly CommitmentOffer[];
  /**
   * Demand growth per month over a commitment's term (scenario commitments.growthPerMonth): the counts and the
   * term figures assume month m of the term repeats the horizon with the fleet x (1 + g)^m (commitment-growth.ts).
   */
  commitmentGrowthPerMonth?: number;
  spot?: SpotPolicy;
  locality?: LocalityPolicy;
  /**
   * 'load': the KV cache a config's replicas hold grows with the load routed to them, summed over workloads,
   * and must fit their free memory (group 2, 2:kv-memory). Absent: memory is checked per config at its batch.
   */
  kvMemory?: 'load';
  /**
   * 'single-path': each workload is served whole by one config (llm, sku, tp) per region and window
   * (group 1, 1:single-path), as Mélange's slices are. Absent: split over any configs.
   */
  routing?: 'single-path';
  /**
   * 'separate': workloads whose mix on one replica would break one's SLO by the queueing estimate never share
   * a config's replicas (group 10, 10:interference; Candidate.queue says which). Absent: any mix shares.
   */
  interference?: 'separate';
  /**
   * Deferrable requests not yet due at the horizon's end may be left for after it (a simulation's oracle,
   * which must not be made to do more work than the strategies it bounds); default: all served by the end.
   */
  deferrableOpenEnd?: boolean;
}

/** Group 5. */
export interface SpotPolicy {
  /** Most spot GPUs as a fraction of all GPUs, per region and window. */
  maxShare?: number;
  /** Probability a spot VM is evicted within a window: a spot replica counts (1 - p) replicas of capacity. */
  evictionProbability: number;
  /** On-demand and reserved replicas alone serve interactive demand x this factor. */
  onDemandCoversInteractive?: number;
}

/** Group 6. */
export interface LocalityPolicy {
  /** Least fraction of each origin's served interactive demand served in the origin's own region. */
  minInRegionShare?: number;
  /** Least replicas of an llm in a region and window where it has any. */
  minReplicasPerLlm?: number;
  /** Losing any one region still leaves capacity to serve all interactive demand within its latency bound. */
  nPlusOne: boolean;
}

export interface ReservedEntry {
  region: string;
  sku: string;
  count: number;
  /** What the reservation costs per VM-hour anyway (reported, never optimised). */
  sunkUsdPerHour: number;
}

/** A commitment the plan may buy: VMs of a sku in a region for a term, at a committed price per VM-hour. */
export interface CommitmentOffer {
  sku: string;
  region: string;
  term: CommitmentTerm;
  /** Committed price per VM-hour, paid whether the VM is used or not. */
  usdPerHour: number;
  /** The catalog's on-demand price for the same VM: what the break-even utilisation and the saving compare with. */
  onDemandUsdPerHour: number;
  /** Where usdPerHour comes from ('usdPerHour', 'discount 0.35', or the published level's row): stated in the plan. */
  priceSource?: string;
}

export type CommitmentTerm = '1y' | '3y';
/** Hours in a commitment term (365-day years, as clouds bill them). */
export const TERM_HOURS: Record<CommitmentTerm, number> = { '1y': 8760, '3y': 26280 };

/** Replicas of one config (and pool, when pools are apart) running in a region. */
export interface ReplicaEntry {
  llm: string;
  sku: string;
  tp: number;
  region: string;
  pool?: ReplicaPool;
  count: number;
}

export interface FleetEntry {
  region: string;
  sku: string;
  purchase: FleetPurchase;
  count: number;
}

/** The domain result, as written to plan.json (plus provenance added by the command). */
export interface Plan {
  status: PlanStatus;
  /** What the optional policies did (policy-summary.ts); present when any is on. */
  policies?: PolicySummary;
  /** Workloads split into size classes: each class's sizes and the GPU types that served it. */
  sizeClasses?: PlanSizeClasses[];
  /** Per workload: llmChoice, the llms allowed and those that served (model-choice.ts); set by planScenario. */
  modelChoice?: ModelChoice[];
  /** Where the plan stands against policies.budget (budget-status.ts); present when the scenario has one. */
  budget?: BudgetStatus;
  /** The commitments bought and what they do (commitment-summary.ts); present when the scenario offers any. */
  commitments?: CommitmentSummary;
  windows: PlanWindow[];
  totals: {
    costUsd: number;
    /** VM boots plus model loads (modelLoadCostUsd), not part of costUsd. */
    startupCostUsd: number;
    /** The model-load part of startupCostUsd: replicas started x tp GPUs x load hours x price per GPU-hour. */
    modelLoadCostUsd?: number;
    gpuHours: number;
    servedRequests: number;
    unmetRequests: number;
    /** Reserved VMs' cost over the horizon: paid whatever the plan does, so not in costUsd. */
    reservedSunkCostUsd?: number;
  };
}

/**
 * Which VMs a replica sits on when spot capacity is kept apart: 'spot', or 'firm' (on-demand and reserved,
 * which are never evicted).
 */
export type ReplicaPool = 'firm' | 'spot';

/**
 * optimal: proven within the gap; feasible: a plan, not proven (reported with its bound and gap);
 * time_limited: the wall-clock safety net stopped some solve, so this plan depends on the machine's speed
 * (a plan, still checked, but not the deterministic answer); infeasible/no_solution/error/unbounded: no
 * plan to show.
 */
export const PLAN_STATUSES = ['optimal', 'feasible', 'time_limited', 'infeasible', 'no_solution', 'error', 'unbounded'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
/** The statuses that carry no plan. */
export const NO_PLAN_STATUSES: readonly PlanStatus[] = ['infeasible', 'no_solution', 'error', 'unbounded'];

export interface PlanWindow {
  index: number;
  start: string;
  hours: number;
  costUsd: number;
  gpuHours: number;
  vms: { region: string; sku: string; purchase: FleetPurchase; count: number; usdPerHour: number; started: number }[];
  /** `pool` is set when spot replicas are kept apart (eviction derate, on-demand cover): 'spot' or 'firm'. */
  /**
   * `workloads` is set when policies.interference keeps a config's workloads apart: these replicas serve only
   * the workloads listed (one entry per sharing group of the config).
   */
  replicas: { llm: string; sku: string; tp: number; region: string; count: number; pool?: ReplicaPool; workloads?: string[] }[];
  routes: { workload: string; origin: string; llm: string; sku: string; tp: number; region: string; requestsPerSec: number }[];
  /** `why`: the constraints that bind where it could have been served (see diagnose.ts). */
  unmet: { workload: string; origin: string; requestsPerSec: number; why?: string }[];
}
