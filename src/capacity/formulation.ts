import { LinearExpr, Problem, type Program, type Variable } from '../lp/index.js';
import type { Purchase } from '../catalog/types.js';
import type { PlanningInput } from './types.js';

/**
 * The capacity MILP of DESIGN.md section 6, constraint groups 1-4, 8 and 9, built sparsely.
 * Routing is two-level to keep it small: route[w,o,r,t] sends an origin's demand to a serving region,
 * assign[w,c,t] spreads a region's traffic over its candidate configs; flow rows tie them (group 1).
 * Plan routes (workload, origin -> llm, sku, tp, region) are recovered proportionally in toPlan.
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
  allowCandidate?: (window: number, candidate: number) => boolean;
}

export interface VmHandle {
  window: number;
  sku: string;
  region: string;
  purchase: Purchase;
  gpusPerVm: number;
  usdPerHour: number;
  variable: Variable;
  up?: Variable;
}
export interface ReplicaHandle {
  window: number;
  candidate: number;
  variable: Variable;
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
  windows: readonly number[];
  vms: VmHandle[];
  replicas: ReplicaHandle[];
  assigns: AssignHandle[];
  routes: RouteHandle[];
  unmet: UnmetHandle[];
}

const SECONDS_PER_HOUR = 3600;
/** USD per (request/s x ms of round trip): prefers nearer regions among equal-cost plans, never more. */
export const ROUTE_LATENCY_TIE_BREAK = 1e-7;
/** USD per replica-hour: among equal-cost fleets prefer fewer replicas, deterministically. */
export const REPLICA_TIE_BREAK = 1e-6;

export function fleetKey(sku: string, region: string, purchase: Purchase): string {
  return `${sku}|${region}|${purchase}`;
}

export function buildProblem(input: PlanningInput, options: BuildOptions = {}): BuiltProblem {
  const windows = options.windows ?? input.windows.map((_, index) => index);
  const problem = new Problem();
  const built: BuiltProblem = { program: undefined as unknown as Program, windows, vms: [], replicas: [], assigns: [], routes: [], unmet: [] };
  const { policies } = input;
  const skuById = new Map(input.skus.map((sku) => [sku.sku, sku]));
  const independent = options.independentWindows === true;
  const previousFleet = options.previousFleet ?? fleetMap(input);
  const budgetExpr = new LinearExpr();

  let previousVms = new Map<string, Variable>();
  for (const [position, t] of windows.entries()) {
    const window = input.windows[t]!;
    const hours = window.hours;
    const tag = `t=${t}`;

    // vms[k,r,q,t] and group 8 (scaling dynamics).
    const vmsBySkuRegion = new Map<string, VmHandle[]>();
    const currentVms = new Map<string, Variable>();
    for (const offer of input.skus) {
      for (const price of offer.prices) {
        if (!input.regions.includes(price.region) || !input.purchases.includes(price.purchase)) continue;
        const key = fleetKey(offer.sku, price.region, price.purchase);
        const variable = problem.addVariable({
          label: `vms[${offer.sku},${price.region},${price.purchase},${tag}]`,
          type: 'integer',
          upper: vmUpperBound(input, offer.gpu, offer.gpusPerVm, price.region, t),
          objective: price.usdPerHour * hours,
        });
        budgetExpr.add(variable, price.usdPerHour * hours);
        const handle: VmHandle = { window: t, sku: offer.sku, region: price.region, purchase: price.purchase, gpusPerVm: offer.gpusPerVm, usdPerHour: price.usdPerHour, variable };
        if (!independent && (policies.startupHours > 0 || policies.maxScaleOutPerWindow !== undefined)) {
          const up = problem.addVariable({
            label: `up[${offer.sku},${price.region},${price.purchase},${tag}]`,
            upper: policies.maxScaleOutPerWindow ?? Infinity,
            objective: price.usdPerHour * policies.startupHours,
          });
          const down = problem.addVariable({ label: `down[${offer.sku},${price.region},${price.purchase},${tag}]` });
          budgetExpr.add(up, price.usdPerHour * policies.startupHours);
          const change = new LinearExpr().add(variable, 1).add(up, -1).add(down, 1);
          const before = position > 0 ? previousVms.get(key) : undefined;
          if (before) change.add(before, -1);
          const rhs = position > 0 ? 0 : (previousFleet.get(key) ?? 0);
          problem.addConstraint(`8:scaling[${offer.sku},${price.region},${price.purchase},${tag}]`, change, '=', rhs);
          handle.up = up;
        }
        currentVms.set(key, variable);
        built.vms.push(handle);
        const group = `${offer.sku}|${price.region}`;
        vmsBySkuRegion.set(group, [...(vmsBySkuRegion.get(group) ?? []), handle]);
      }
    }
    previousVms = currentVms;

    // replicas[c,t], assign[w,c,t]; groups 2 (capacity) and 3 (packing).
    const packing = new Map<string, LinearExpr>();
    const assignedInRegion = new Map<string, LinearExpr>(); // workload|region -> sum of assign
    for (const [c, candidate] of input.candidates.entries()) {
      if (!vmsBySkuRegion.has(`${candidate.sku}|${candidate.region}`)) continue;
      if (options.allowCandidate && !options.allowCandidate(t, c)) continue;
      const offer = skuById.get(candidate.sku)!;
      const replicas = problem.addVariable({
        label: `replicas[${candidate.llm},${candidate.sku},tp${candidate.tp},${candidate.region},${tag}]`,
        type: 'integer',
        upper: Math.floor(vmUpperBound(input, offer.gpu, offer.gpusPerVm, candidate.region, t) * offer.gpusPerVm / candidate.tp),
        objective: REPLICA_TIE_BREAK * hours,
      });
      built.replicas.push({ window: t, candidate: c, variable: replicas });
      const load = new LinearExpr();
      for (const [w, workload] of input.workloads.entries()) {
        const rate = candidate.requestsPerSecByWorkload.get(workload.id);
        if (!rate || rate <= 0) continue;
        const assign = problem.addVariable({ label: `assign[${workload.id},${candidate.llm},${candidate.sku},tp${candidate.tp},${candidate.region},${tag}]` });
        built.assigns.push({ window: t, workload: w, candidate: c, variable: assign });
        load.add(assign, 1 / rate);
        const key = `${w}|${candidate.region}`;
        assignedInRegion.set(key, (assignedInRegion.get(key) ?? new LinearExpr()).add(assign, 1));
      }
      load.add(replicas, -(1 - policies.headroom));
      problem.addConstraint(`2:capacity[${candidate.llm},${candidate.sku},tp${candidate.tp},${candidate.region},${tag}]`, load, '<=', 0);
      const packKey = `${candidate.sku}|${candidate.region}`;
      packing.set(packKey, (packing.get(packKey) ?? new LinearExpr()).add(replicas, candidate.tp));
    }
    for (const [packKey, expr] of packing) {
      const vms = vmsBySkuRegion.get(packKey)!;
      for (const vm of vms) expr.add(vm.variable, -vm.gpusPerVm);
      problem.addConstraint(`3:packing[${packKey.replace('|', ',')},${tag}]`, expr, '<=', 0);
    }

    // Group 1: demand and regional flow.
    const routedToRegion = new Map<string, LinearExpr>();
    for (const [w, workload] of input.workloads.entries()) {
      for (const [o, origin] of workload.origins.entries()) {
        const demand = input.demand[w]![o]![t]!;
        const served = new LinearExpr();
        for (const region of input.regions) {
          if (!assignedInRegion.has(`${w}|${region}`)) continue;
          const rtt = input.latencyMs(origin, region);
          if (rtt > workload.maxNetworkRttMs) continue;
          const route = problem.addVariable({
            label: `route[${workload.id},${origin}->${region},${tag}]`,
            objective: ROUTE_LATENCY_TIE_BREAK * rtt * hours,
          });
          built.routes.push({ window: t, workload: w, origin: o, region, variable: route });
          served.add(route, 1);
          const key = `${w}|${region}`;
          routedToRegion.set(key, (routedToRegion.get(key) ?? new LinearExpr()).add(route, 1));
        }
        const unmet = problem.addVariable({
          label: `unmet[${workload.id},${origin},${tag}]`,
          upper: demand,
          objective: workload.unmetPenaltyUsdPerRequest * SECONDS_PER_HOUR * hours,
        });
        built.unmet.push({ window: t, workload: w, origin: o, variable: unmet });
        served.add(unmet, 1);
        problem.addConstraint(`1:demand[${workload.id},${origin},${tag}]`, served, '=', demand);
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
  }

  // Group 9: budget over the included windows.
  if (!independent && options.includeBudget !== false && policies.budget?.mode === 'hard') {
    problem.addConstraint('9:budget', budgetExpr, '<=', policies.budget.usd);
  }
  built.program = problem.compile();
  return built;
}

export function fleetMap(input: PlanningInput): Map<string, number> {
  const fleet = new Map<string, number>();
  for (const entry of input.policies.currentFleet) {
    const key = fleetKey(entry.sku, entry.region, entry.purchase);
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
