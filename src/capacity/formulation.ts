import { LinearExpr, Problem, type Program, type Variable } from '../lp/index.js';
import type { FleetPurchase } from '../catalog/types.js';
import { addDeferrableRows, type DeferrableState, type DoneHandle } from './deferrable.js';
import { addLocalityRows } from './group6-locality.js';
import { addQualityRows } from './group7-quality.js';
import { addSpotRows } from './group5-spot.js';
import { isInteractive, poolCapacity, poolOf, replicaPoolsApart } from './policies.js';
import type { PlanningInput, ReplicaPool } from './types.js';

/**
 * The capacity MILP of DESIGN.md section 6, constraint groups 1-4, 8 and 9, built sparsely.
 * Routing is two-level to keep it small: route[w,o,r,t] sends an origin's demand to a serving region,
 * assign[w,c,t] spreads a region's traffic over its candidate configs; flow rows tie them (group 1).
 * Plan routes (workload, origin -> llm, sku, tp, region) are recovered proportionally in toPlan.
 * The policy groups (5, 6, 7, deferrable 1) live in their own modules and see one window at a time
 * through a WindowModel; deferrable rows couple windows and are added after the window loop.
 */

export interface BuildOptions {
  /** Window indices to include, ascending (default: all). Windows not included are left out entirely. */
  windows?: readonly number[];
  /**
   * VMs running just before the first included window, by fleetKey(sku, region, purchase); default: the
   * scenario's current fleet. Ignored when `independentWindows` is set.
   */
  previousFleet?: ReadonlyMap<string, number>;
  /** Drop the coupling between windows (group 8 and the budget): each window stands alone (a relaxation). */
  independentWindows?: boolean;
  /** Include the budget row (group 9) when the scenario has a hard budget. Default true. */
  includeBudget?: boolean;
  /** Restrict the candidates a window may use (a restricted MILP gives an upper bound only). Default: all. */
  allowCandidate?: (window: number, candidate: number, pool?: ReplicaPool) => boolean;
  /** Deferrable workloads: what was served before the first included window, and floors to follow. */
  deferrable?: DeferrableState;
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
}

const SECONDS_PER_HOUR = 3600;
/**
 * USD per (replica's worth of load x ms of round trip): prefers nearer regions among equal-cost plans,
 * never more. Counted in replica loads, not requests, so that it stays a tie-break at any request scale.
 */
export const ROUTE_LATENCY_TIE_BREAK = 1e-7;

const rateScales = new WeakMap<PlanningInput, number[]>();
/**
 * Per workload, a power of two near its fastest per-replica rate (req/s): the unit in which its load is
 * counted for scaling. Rows and tie-breaks divided by it have coefficients near 1 whether a request is a
 * token (rates of 1e5 req/s and more) or a whole conversation (1e-2), and powers of two scale exactly.
 */
export function workloadRateScale(input: PlanningInput, workload: number): number {
  let scales = rateScales.get(input);
  if (!scales) {
    scales = input.workloads.map((w) => {
      let fastest = 0;
      for (const candidate of input.candidates) fastest = Math.max(fastest, candidate.requestsPerSecByWorkload.get(w.id) ?? 0);
      return powerOfTwoNear(fastest);
    });
    rateScales.set(input, scales);
  }
  return scales[workload] ?? 1;
}

/** The latency tie-break's USD per (request/s x ms x hour) for workload w. */
export function routeTieBreak(input: PlanningInput, workload: number): number {
  return ROUTE_LATENCY_TIE_BREAK / workloadRateScale(input, workload);
}
/** USD per replica-hour: among equal-cost fleets prefer fewer replicas, deterministically. */
export const REPLICA_TIE_BREAK = 1e-6;

/** One window of the model as the policy groups see it. */
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

export function fleetKey(sku: string, region: string, purchase: FleetPurchase): string {
  return `${sku}|${region}|${purchase}`;
}

export function buildProblem(original: PlanningInput, options: BuildOptions = {}): BuiltProblem {
  const { input, flowUnit } = solvingInput(original);
  const windows = options.windows ?? input.windows.map((_, index) => index);
  const problem = new Problem();
  const built: BuiltProblem = {
    program: undefined as unknown as Program,
    flowUnit,
    windows,
    vms: [],
    replicas: [],
    assigns: [],
    routes: [],
    unmet: [],
    done: [],
  };
  const { policies } = input;
  const skuById = new Map(input.skus.map((sku) => [sku.sku, sku]));
  const independent = options.independentWindows === true;
  const previousFleet = options.previousFleet ?? fleetMap(input);
  const reserved = reservedMap(input);
  const poolsApart = replicaPoolsApart(input);
  const budgetExpr = new LinearExpr();
  const dynamics =
    !independent &&
    (policies.startupHours > 0 || policies.maxScaleOutPerWindow !== undefined || policies.maxScaleInPerWindow !== undefined);
  /** served + unmet of deferrable (w, o) per included window, for the cumulative rows. */
  const deferred = new Map<string, Map<number, LinearExpr>>();

  let previousVms = new Map<string, Variable>();
  for (const [position, t] of windows.entries()) {
    const window = input.windows[t]!;
    const hours = window.hours;
    const tag = `t=${t}`;
    const windowStart = {
      vms: built.vms.length,
      replicas: built.replicas.length,
      assigns: built.assigns.length,
      routes: built.routes.length,
    };

    // vms[k,r,q,t] and group 8 (scaling dynamics).
    const vmsBySkuRegion = new Map<string, VmHandle[]>();
    const currentVms = new Map<string, Variable>();
    for (const offer of input.skus) {
      for (const price of offer.prices) {
        if (!input.regions.includes(price.region) || !input.purchases.includes(price.purchase)) continue;
        const key = fleetKey(offer.sku, price.region, price.purchase);
        // Reserved VMs run in every window whatever the plan does: fixed, and free at the margin (sunk).
        const fixed = price.purchase === 'reserved' ? (reserved.get(key) ?? 0) : undefined;
        const variable = problem.addVariable({
          label: `vms[${offer.sku},${price.region},${price.purchase},${tag}]`,
          type: 'integer',
          ...(fixed !== undefined
            ? { lower: fixed, upper: fixed }
            : { upper: vmUpperBound(input, offer.gpu, offer.gpusPerVm, price.region, t) }),
          objective: price.usdPerHour * hours,
        });
        budgetExpr.add(variable, price.usdPerHour * hours);
        const handle: VmHandle = {
          window: t,
          sku: offer.sku,
          region: price.region,
          purchase: price.purchase,
          gpusPerVm: offer.gpusPerVm,
          usdPerHour: price.usdPerHour,
          variable,
        };
        if (dynamics && fixed === undefined) {
          const up = problem.addVariable({
            label: `up[${offer.sku},${price.region},${price.purchase},${tag}]`,
            upper: policies.maxScaleOutPerWindow ?? Infinity,
            objective: price.usdPerHour * policies.startupHours,
          });
          const down = problem.addVariable({
            label: `down[${offer.sku},${price.region},${price.purchase},${tag}]`,
            upper: policies.maxScaleInPerWindow ?? Infinity,
          });
          budgetExpr.add(up, price.usdPerHour * policies.startupHours);
          const change = new LinearExpr().add(variable, 1).add(up, -1).add(down, 1);
          const before = position > 0 ? previousVms.get(key) : undefined;
          if (before) change.add(before, -1);
          const rhs = position > 0 ? 0 : (previousFleet.get(key) ?? 0);
          problem.addConstraint(`8:scaling[${offer.sku},${price.region},${price.purchase},${tag}]`, change, '=', rhs);
          handle.up = up;
          handle.down = down;
        }
        currentVms.set(key, variable);
        built.vms.push(handle);
        const group = `${offer.sku}|${price.region}`;
        vmsBySkuRegion.set(group, [...(vmsBySkuRegion.get(group) ?? []), handle]);
      }
    }
    previousVms = currentVms;

    // replicas[c,t] (one per pool when pools are apart), assign[w,c,t]; groups 2 (capacity) and 3 (packing).
    const packing = new Map<string, LinearExpr>();
    const assignedInRegion = new Map<string, LinearExpr>(); // workload|region -> sum of assign
    const replicasOf = new Map<number, ReplicaHandle[]>();
    for (const [c, candidate] of input.candidates.entries()) {
      const vmPool = vmsBySkuRegion.get(`${candidate.sku}|${candidate.region}`);
      if (!vmPool) continue;
      if (options.allowCandidate && !options.allowCandidate(t, c)) continue;
      const offer = skuById.get(candidate.sku)!;
      const pools: (ReplicaPool | undefined)[] = poolsApart
        ? [...new Set(vmPool.map((vm) => poolOf(vm.purchase)))]
            .sort()
            .filter((pool) => !options.allowCandidate || options.allowCandidate(t, c, pool))
        : [undefined];
      if (pools.length === 0) continue;
      const handles = pools.map((pool) => {
        const variable = problem.addVariable({
          label: `replicas[${candidate.llm},${candidate.sku},tp${candidate.tp},${candidate.region},${pool ? `${pool},` : ''}${tag}]`,
          type: 'integer',
          upper: Math.floor((vmUpperBound(input, offer.gpu, offer.gpusPerVm, candidate.region, t) * offer.gpusPerVm) / candidate.tp),
          objective: REPLICA_TIE_BREAK * hours,
        });
        const handle: ReplicaHandle = { window: t, candidate: c, variable, ...(pool ? { pool } : {}) };
        built.replicas.push(handle);
        const packKey = `${candidate.sku}|${candidate.region}${pool ? `|${pool}` : ''}`;
        packing.set(packKey, (packing.get(packKey) ?? new LinearExpr()).add(variable, candidate.tp));
        return handle;
      });
      replicasOf.set(c, handles);
      // Group 2 in replica-load units scaled by a power of two near the config's fastest rate, so that
      // no coefficient sits near a solver's tolerance (1/rate is 5e-6 at 2e5 req/s).
      const load = new LinearExpr();
      const rowScale = capacityRowScale(candidate);
      for (const [w, workload] of input.workloads.entries()) {
        const rate = candidate.requestsPerSecByWorkload.get(workload.id);
        if (!rate || rate <= 0) continue;
        const assign = problem.addVariable({
          label: `assign[${workload.id},${candidate.llm},${candidate.sku},tp${candidate.tp},${candidate.region},${tag}]`,
        });
        built.assigns.push({ window: t, workload: w, candidate: c, variable: assign });
        load.add(assign, rowScale / rate);
        const key = `${w}|${candidate.region}`;
        assignedInRegion.set(key, (assignedInRegion.get(key) ?? new LinearExpr()).add(assign, 1));
      }
      for (const handle of handles) load.add(handle.variable, -rowScale * (1 - policies.headroom) * poolCapacity(input, handle.pool));
      problem.addConstraint(`2:capacity[${candidate.llm},${candidate.sku},tp${candidate.tp},${candidate.region},${tag}]`, load, '<=', 0);
    }
    for (const [packKey, expr] of packing) {
      const [sku, region, pool] = packKey.split('|') as [string, string, ReplicaPool | undefined];
      const vms = vmsBySkuRegion.get(`${sku}|${region}`)!;
      for (const vm of vms) if (pool === undefined || poolOf(vm.purchase) === pool) expr.add(vm.variable, -vm.gpusPerVm);
      problem.addConstraint(`3:packing[${packKey.replaceAll('|', ',')},${tag}]`, expr, '<=', 0);
    }

    // Group 1: demand and regional flow. Deferrable demand gets cumulative rows after the loop instead.
    const routedToRegion = new Map<string, LinearExpr>();
    const unmetOf = new Map<string, Variable>();
    for (const [w, workload] of input.workloads.entries()) {
      const interactive = isInteractive(workload);
      for (const [o, origin] of workload.origins.entries()) {
        const demand = input.demand[w]![o]![t]!;
        const served = new LinearExpr();
        for (const region of input.regions) {
          if (!assignedInRegion.has(`${w}|${region}`)) continue;
          const rtt = input.latencyMs(origin, region);
          if (rtt > workload.maxNetworkRttMs) continue;
          const route = problem.addVariable({
            label: `route[${workload.id},${origin}->${region},${tag}]`,
            objective: routeTieBreak(input, w) * rtt * hours,
          });
          built.routes.push({ window: t, workload: w, origin: o, region, variable: route });
          served.add(route, 1);
          const key = `${w}|${region}`;
          routedToRegion.set(key, (routedToRegion.get(key) ?? new LinearExpr()).add(route, 1));
        }
        // Deferrable: unmet are requests dropped in this window; the cumulative rows bound them.
        const unmet = problem.addVariable({
          label: `unmet[${workload.id},${origin},${tag}]`,
          upper: interactive ? demand : Infinity,
          objective: workload.unmetPenaltyUsdPerRequest * SECONDS_PER_HOUR * hours,
        });
        built.unmet.push({ window: t, workload: w, origin: o, variable: unmet });
        unmetOf.set(`${w}|${o}`, unmet);
        served.add(unmet, 1);
        if (interactive) problem.addConstraint(`1:demand[${workload.id},${origin},${tag}]`, served, '=', demand);
        else {
          const key = `${w}|${o}`;
          deferred.set(key, (deferred.get(key) ?? new Map<number, LinearExpr>()).set(t, served));
        }
      }
    }
    for (const [key, assigned] of assignedInRegion) {
      const [w, region] = key.split('|') as [string, string];
      const flow = new LinearExpr().addExpr(routedToRegion.get(key) ?? new LinearExpr()).addExpr(assigned, -1);
      problem.addConstraint(`1:flow[${input.workloads[Number(w)]!.id},${region},${tag}]`, flow, '=', 0);
    }

    // Group 4: quotas (GPUs of a type in a region, all purchases).
    for (const quota of policies.quotas) {
      if (!quotaApplies(quota, t)) continue;
      const expr = new LinearExpr();
      for (const [packKey, vms] of vmsBySkuRegion) {
        const [sku, region] = packKey.split('|') as [string, string];
        if (region !== quota.region || skuById.get(sku)!.gpu !== quota.gpu) continue;
        for (const vm of vms) expr.add(vm.variable, vm.gpusPerVm);
      }
      if (expr.termCount > 0) problem.addConstraint(`4:quota[${quota.gpu},${quota.region},${tag}]`, expr, '<=', quota.gpus);
    }

    // Groups 5, 6, 7: per-window policy rows.
    const model: WindowModel = {
      problem,
      input,
      window: t,
      tag,
      vms: built.vms.slice(windowStart.vms),
      replicas: built.replicas.slice(windowStart.replicas),
      assigns: built.assigns.slice(windowStart.assigns),
      routes: built.routes.slice(windowStart.routes),
      unmet: unmetOf,
      usable: (c, firmOnly = false) => {
        const handles = (replicasOf.get(c) ?? []).filter((h) => !firmOnly || h.pool === 'firm');
        if (handles.length === 0) return undefined;
        const expr = new LinearExpr();
        for (const handle of handles) expr.add(handle.variable, (1 - policies.headroom) * poolCapacity(input, handle.pool));
        return expr;
      },
    };
    addSpotRows(model);
    addLocalityRows(model);
    addQualityRows(model);
  }

  // Group 1, deferrable variant: cumulative served vs cumulative arrivals (couples windows).
  if (!independent) built.done = addDeferrableRows(problem, input, deferred, scaledDeferrable(options.deferrable, flowUnit));

  // Group 9: budget over the included windows.
  if (!independent && options.includeBudget !== false && policies.budget?.mode === 'hard') {
    problem.addConstraint('9:budget', budgetExpr, '<=', policies.budget.usd);
  }
  built.program = problem.compile();
  return built;
}

const solvingInputs = new WeakMap<PlanningInput, { input: PlanningInput; flowUnit: number[] }>();
/**
 * The input the program is built from: each workload's requests counted in units of workloadRateScale (a
 * power of two near its fastest per-replica rate), so that demand, rates and flows are all near 1 whether a
 * request is a token or a conversation (no coefficient near a solver's tolerance). Penalties per unit grow by
 * the same factor, so objectives are in USD as before; powers of two make the conversion exact.
 */
export function solvingInput(input: PlanningInput): { input: PlanningInput; flowUnit: number[] } {
  const cached = solvingInputs.get(input);
  if (cached) return cached;
  const flowUnit = input.workloads.map((_, w) => workloadRateScale(input, w));
  const unitOf = new Map(input.workloads.map((w, i) => [w.id, flowUnit[i]!]));
  const scaled: PlanningInput = {
    ...input,
    workloads: input.workloads.map((w, i) => ({ ...w, unmetPenaltyUsdPerRequest: w.unmetPenaltyUsdPerRequest * flowUnit[i]! })),
    candidates: input.candidates.map((c) => ({
      ...c,
      requestsPerSecByWorkload: new Map([...c.requestsPerSecByWorkload].map(([id, rate]) => [id, rate / (unitOf.get(id) ?? 1)])),
    })),
    demand: input.demand.map((origins, w) => origins.map((series) => series.map((d) => d / flowUnit[w]!))),
  };
  const result = { input: scaled, flowUnit };
  solvingInputs.set(input, result);
  return result;
}

/** The deferrable state in flow units (what was done before arrives in requests/s x hours). */
function scaledDeferrable(state: DeferrableState | undefined, flowUnit: readonly number[]): DeferrableState | undefined {
  if (!state?.before) return state;
  const before = new Map<string, number>();
  for (const [key, value] of state.before) before.set(key, value / flowUnit[Number(key.split('|')[0])]!);
  return { ...state, before };
}

/** A power of two near the candidate's fastest per-replica rate: group 2's row scale. */
function capacityRowScale(candidate: PlanningInput['candidates'][number]): number {
  let fastest = 0;
  for (const rate of candidate.requestsPerSecByWorkload.values()) if (Number.isFinite(rate)) fastest = Math.max(fastest, rate);
  return powerOfTwoNear(fastest);
}

/** The power of two nearest a positive rate (1 for none): scaling by it is exact in floating point. */
function powerOfTwoNear(rate: number): number {
  return rate > 0 && Number.isFinite(rate) ? 2 ** Math.round(Math.log2(rate)) : 1;
}

export function fleetMap(input: PlanningInput): Map<string, number> {
  const fleet = reservedMap(input);
  for (const entry of input.policies.currentFleet) {
    const key = fleetKey(entry.sku, entry.region, entry.purchase);
    fleet.set(key, (fleet.get(key) ?? 0) + entry.count);
  }
  return fleet;
}

/** Reserved VMs by fleetKey (purchase 'reserved'). */
export function reservedMap(input: PlanningInput): Map<string, number> {
  const fleet = new Map<string, number>();
  for (const entry of input.policies.reserved ?? []) {
    const key = fleetKey(entry.sku, entry.region, 'reserved');
    fleet.set(key, (fleet.get(key) ?? 0) + entry.count);
  }
  return fleet;
}

function quotaApplies(quota: PlanningInput['policies']['quotas'][number], window: number): boolean {
  return (quota.fromWindow === undefined || window >= quota.fromWindow) && (quota.toWindow === undefined || window <= quota.toWindow);
}

/** Tightest VM count a quota allows for this sku in this region and window (Infinity without a quota). */
function vmUpperBound(input: PlanningInput, gpu: string, gpusPerVm: number, region: string, window: number): number {
  let bound = Infinity;
  for (const quota of input.policies.quotas) {
    if (quota.gpu === gpu && quota.region === region && quotaApplies(quota, window)) {
      bound = Math.min(bound, Math.floor(quota.gpus / gpusPerVm));
    }
  }
  return bound;
}
