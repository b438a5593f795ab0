import type { LinearExpr, Problem, Program, Variable } from '../lp/index.js';
import type { FleetPurchase } from '../catalog/types.js';
import type { DeferrableState, DoneHandle } from './deferrable.js';
import { addWindowColumns } from './formulation-columns.js';
import { createBuildContext, windowModel } from './formulation-context.js';
import { addDeferrableDemandRows, addDemandRows } from './group1-demand.js';
import { addSinglePathRows } from './group1-single-path.js';
import { addCapacityRows } from './group2-capacity.js';
import { addKvMemoryRows } from './group2-kv-memory.js';
import { addPackingRows } from './group3-packing.js';
import { addQuotaRows } from './group4-quotas.js';
import { addSpotRows } from './group5-spot.js';
import { addLocalityRows } from './group6-locality.js';
import { addQualityRows } from './group7-quality.js';
import { addScalingRows } from './group8-scaling.js';
import { addBudgetRow } from './group9-budget.js';
import { addInterferenceRows, type ShareHandle } from './group10-interference.js';
import type { PlanningInput, ReplicaPool } from './types.js';

export { fleetKey, fleetMap, reservedMap } from './formulation-fleet.js';
export { REPLICA_TIE_BREAK, ROUTE_LATENCY_TIE_BREAK, routeTieBreak, solvingInput, workloadRateScale } from './formulation-scale.js';

/**
 * The capacity MILP of DESIGN.md section 6, built sparsely; docs/formulation.md states it in full.
 *
 * Notation. Sets: workloads w (interactive, or deferrable with a deadline), origins o of w, serving regions r,
 * skus k (gpu g(k), n_k GPUs per VM), purchases q (on-demand, spot, reserved), candidates c = (m, k, p, r)
 * (llm m, tp p), pools (firm = on-demand + reserved, spot), included windows t (hours h_t).
 * Parameters, in flow units (per workload, requests/s over flowUnit[w]; see solvingInput): demand[w,o,t],
 * rate[c,w], penalty[w]; price[k,r,q], headroom, startupHours, quotas, eviction probability p_spot.
 * Columns (formulation-columns.ts): vms[k,r,q,t] integer, up/down[k,r,q,t] (group 8), replicas[c,(pool),t]
 * integer, rup[c,(pool),t] (replicas started, group 8, with model load), assign[w,c,t], route[w,o->r,t],
 * unmet[w,o,t]; done[w,o,t] (deferrable.ts), deployed and the routing-copy columns (groups 5 and 6) in
 * their modules.
 * Objective: sum of price x h_t x vms + price x startupHours x up + loadUsd[c,pool] x rup
 * + penalty x 3600 x h_t x unmet, plus tie-breaks
 * REPLICA_TIE_BREAK x h_t x replicas and routeTieBreak x rtt x h_t x route.
 *
 * Constraint groups, one builder each, numbered as DESIGN.md section 6 numbers them:
 *   1 demand and regional flow    addDemandRows (per window), addDeferrableDemandRows (cumulative, deferrable),
 *                                 addSinglePathRows (policies.routing: single-path)
 *   2 capacity                    addCapacityRows; addKvMemoryRows (policies.kvMemory: load)
 *   3 packing                     addPackingRows
 *   4 quotas                      addQuotaRows
 *   5 spot                        addSpotRows
 *   6 locality and resilience     addLocalityRows
 *   7 quality                     addQualityRows
 *   8 scaling dynamics            addScalingRows
 *   9 budget                      addBudgetRow
 *  10 interference                addInterferenceRows (policies.interference: separate)
 * buildProblem calls them per window in the order 8, 2, 3, 1, 4, 5, 6, 7, then the optional KV-memory and
 * single-path rows and group 10 (last, so that scenarios without them keep their program), then the deferrable rows and the
 * budget: that is the program's row order (rows are numbered as they are added), kept as it was so that the
 * same scenario gives the same program and the same plan. Columns are all made before a window's rows.
 */

export interface BuildOptions {
  /** Window indices to include, ascending (default: all). Windows not included are left out entirely. */
  windows?: readonly number[];
  /**
   * VMs running just before the first included window, by fleetKey(sku, region, purchase); default: the
   * scenario's current fleet. Ignored when `independentWindows` is set.
   */
  previousFleet?: ReadonlyMap<string, number>;
  /**
   * Drop the coupling between windows (group 8, the deferrable rows of group 1 and the budget): each window
   * stands alone (a relaxation).
   */
  independentWindows?: boolean;
  /** Include the budget row (group 9) when the scenario has a hard budget. Default true. */
  includeBudget?: boolean;
  /** Restrict the candidates a window may use (a restricted MILP gives an upper bound only). Default: all. */
  allowCandidate?: (window: number, candidate: number, pool?: ReplicaPool) => boolean;
  /**
   * Restrict the (sku, region) fleets that get VM columns (the horizon LP by column generation builds only
   * those its configs can use). Default: every offer.
   */
  allowFleet?: (sku: string, region: string) => boolean;
  /** Deferrable workloads: what was served before the first included window, and floors to follow. */
  deferrable?: DeferrableState;
  /**
   * Replicas running just before the first included window, by replicaKey (model-load.ts): they start
   * without a model load; default: policies.currentReplicas. Ignored when `independentWindows` is set.
   */
  previousReplicas?: ReadonlyMap<string, number>;
  /**
   * Commitment counts by `${sku}|${region}`, fixed (lp-rolling's window MILPs, after the horizon LP decided
   * them). Absent: the counts are integer columns of this program, shared by every included window.
   */
  commitments?: ReadonlyMap<string, number>;
}

export interface VmHandle {
  window: number;
  sku: string;
  region: string;
  purchase: FleetPurchase;
  gpusPerVm: number;
  usdPerHour: number;
  variable: Variable;
  up?: Variable;
  down?: Variable;
}
export interface ReplicaHandle {
  window: number;
  candidate: number;
  variable: Variable;
  /** Set when replicas are kept apart by pool (replicaPoolsApart). */
  pool?: ReplicaPool;
  /** rup[c,(pool),t]: replicas started (group 8), when windows are coupled and the llm has a load time. */
  up?: Variable;
  /** USD per replica started (the objective of `up`). */
  loadUsd?: number;
}
export interface AssignHandle {
  window: number;
  workload: number;
  candidate: number;
  variable: Variable;
}
export interface RouteHandle {
  window: number;
  workload: number;
  origin: number;
  region: string;
  variable: Variable;
}
export interface UnmetHandle {
  window: number;
  workload: number;
  origin: number;
  variable: Variable;
}

export interface BuiltProblem {
  program: Program;
  /**
   * Per workload, the unit of its flow columns (route, assign, unmet, done) in requests/s: values read from
   * a solution are multiplied by it (see solvingInput).
   */
  flowUnit: readonly number[];
  windows: readonly number[];
  vms: VmHandle[];
  replicas: ReplicaHandle[];
  assigns: AssignHandle[];
  routes: RouteHandle[];
  unmet: UnmetHandle[];
  /** Deferrable workloads: requests/s x hours done (served or dropped) by the end of each window. */
  done: DoneHandle[];
  /** Group 10: each split candidate's replicas by sharing group (none unless policies.interference). */
  shares: ShareHandle[];
}

/** One window of the model as the policy groups (5, 6, 7) see it (formulation-context.ts windowModel). */
export interface WindowModel {
  problem: Problem;
  input: PlanningInput;
  window: number;
  tag: string;
  vms: readonly VmHandle[];
  replicas: readonly ReplicaHandle[];
  assigns: readonly AssignHandle[];
  routes: readonly RouteHandle[];
  /** unmet[w,o] of this window, by `${w}|${o}`. */
  unmet: ReadonlyMap<string, Variable>;
  /**
   * Usable capacity per candidate in replicas, (1 - headroom) x sum over pools of (1 - p_pool) x replicas,
   * or only the firm pool's: what carries load in group 2 and in the routing copies of groups 5 and 6.
   */
  usable: (candidate: number, firmOnly?: boolean) => LinearExpr | undefined;
}

export function buildProblem(original: PlanningInput, options: BuildOptions = {}): BuiltProblem {
  const context = createBuildContext(original, options);
  const shares: ShareHandle[] = [];
  for (const [position, t] of context.windows.entries()) {
    const window = addWindowColumns(context, position, t);
    addScalingRows(context, window); // 8
    addCapacityRows(context, window); // 2
    addPackingRows(context, window); // 3
    addDemandRows(context, window); // 1
    addQuotaRows(context, window); // 4
    const model = windowModel(context, window);
    addSpotRows(model); // 5
    addLocalityRows(model); // 6
    addQualityRows(model); // 7
    addKvMemoryRows(context, window); // 2, policies.kvMemory: load
    addSinglePathRows(model); // 1, policies.routing: single-path
    shares.push(...addInterferenceRows(context, window)); // 10, policies.interference: separate
  }
  const done = addDeferrableDemandRows(context); // 1, deferrable: couples windows
  addBudgetRow(context); // 9
  const { columns } = context;
  return {
    program: context.problem.compile(),
    flowUnit: context.flowUnit,
    windows: context.windows,
    vms: columns.flatMap((window) => window.vms),
    replicas: columns.flatMap((window) => window.replicas),
    assigns: columns.flatMap((window) => window.assigns),
    routes: columns.flatMap((window) => window.routes),
    unmet: columns.flatMap((window) => window.unmet),
    done,
    shares,
  };
}
