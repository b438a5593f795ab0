import type { SolveFn } from '../capacity/solve.js';
import type { PlanningInput } from '../capacity/types.js';
import { LinearExpr, Problem } from '../lp/index.js';
import type { FleetWindow } from './types.js';
import { configKey } from '../config-key.js';

/**
 * The fluid dispatcher that evaluates a fleet against the demand that actually arrived in a window: the most
 * requests/s the replicas can serve within SLO, each request going only to an llm allowed for its workload,
 * in a region within its RTT bound, and no replica group above its SLO rate (utilisation <= 1: the perf model's rate
 * is the load at which mean TTFT and TPOT meet the SLO, queueing allowance included). Among the max-served
 * routings it prefers short round trips. A linear program: an ideal router, the same for every contender.
 * Inside a region a replica group's share is its capacity's share (the LP is indifferent between equal replica groups).
 * Before round trips it prefers, per workload, the replica groups that serve its requests for the fewest dollars of
 * GPU time (price per GPU x tp / rate), as the planner routes: otherwise a max-served routing may put a size class
 * on the GPUs planned for another class, and the queueing estimate then charges the interference to the plan.
 */
export interface DispatchResult {
  servedRps: number[][];
  /** Per replica entry of the fleet: requests/s routed to it, by workload index. */
  replicaGroupLoad: Map<number, Map<number, number>>;
  /** Served load over SLO capacity of the replica groups that carry traffic of some workload. */
  utilisation: number;
}

const LATENCY_PREFERENCE = 1e-6;
/** Weight of the cost-per-request preference (normalised to 1 per workload): far below a request/s served. */
const FIT_PREFERENCE = 1e-4;

/**
 * `minServed[w][o]`: serve at least this much of (w, o) (a later pass that fills the capacity left with
 * deferrable backlog re-routes everything, keeping what the passes before served).
 */
export async function dispatch(
  input: PlanningInput,
  fleet: FleetWindow,
  actual: readonly (readonly number[])[],
  solve: SolveFn,
  minServed?: readonly (readonly number[])[],
): Promise<DispatchResult> {
  const rateOf = new Map(input.candidates.map((c) => [configKey(c), c.requestsPerSecByWorkload]));
  const usdPerGpuHour = gpuPrices(input);
  const problem = new Problem();
  const capacity = new Map<number, LinearExpr>();
  const routes: { w: number; o: number; replicaGroup: number; index: number }[] = [];
  const served = input.workloads.map((w) => w.origins.map(() => 0));
  for (const [w, workload] of input.workloads.entries()) {
    const rateOfGroup = (replica: FleetWindow['replicas'][number]) => rateOf.get(configKey(replica))?.get(workload.id) ?? 0;
    const usdPerRequest = (replica: FleetWindow['replicas'][number]) =>
      ((usdPerGpuHour.get(`${replica.sku}|${replica.region}`) ?? 0) * replica.tp) / rateOfGroup(replica);
    let dearest = 0;
    for (const replica of fleet.replicas)
      if (replica.count > 0 && rateOfGroup(replica) > 0) dearest = Math.max(dearest, usdPerRequest(replica));
    for (const [o, origin] of workload.origins.entries()) {
      const demand = actual[w]![o]!;
      if (!(demand > 0)) continue;
      const total = new LinearExpr();
      for (const [replicaGroup, replica] of fleet.replicas.entries()) {
        if (replica.count <= 0 || (replica.workload !== undefined && replica.workload !== workload.id)) continue;
        // policies.interference: replicas set apart for some workloads serve only those.
        if (replica.workloads !== undefined && !replica.workloads.includes(workload.id)) continue;
        const rate = rateOfGroup(replica);
        const rtt = input.latencyMs(origin, replica.region);
        if (rate <= 0 || rtt > workload.maxNetworkRttMs) continue;
        const fit = dearest > 0 ? usdPerRequest(replica) / dearest : 0;
        const variable = problem.addVariable({
          label: `x[${workload.id},${origin},${replicaGroup}]`,
          objective: -1 + FIT_PREFERENCE * fit + LATENCY_PREFERENCE * rtt,
        });
        total.add(variable);
        let row = capacity.get(replicaGroup);
        if (!row) capacity.set(replicaGroup, (row = new LinearExpr()));
        row.add(variable, 1 / rate);
        routes.push({ w, o, replicaGroup, index: variable.index });
      }
      if (total.termCount > 0) {
        problem.addConstraint(`demand[${workload.id},${origin}]`, total, '<=', demand);
        // A hair under the earlier pass: its own float noise must not make this one infeasible.
        const least = minServed?.[w]?.[o] ?? 0;
        if (least > 0) problem.addConstraint(`kept[${workload.id},${origin}]`, total, '>=', least * (1 - 1e-9) - 1e-9);
      }
    }
  }
  const replicaGroupLoad = new Map<number, Map<number, number>>();
  if (routes.length === 0) return { servedRps: served, replicaGroupLoad, utilisation: 0 };
  const slotsOf = (replicaGroup: number) => fleet.replicas[replicaGroup]!.effectiveCount ?? fleet.replicas[replicaGroup]!.count;
  for (const [replicaGroup, row] of capacity) problem.addConstraint(`capacity[${replicaGroup}]`, row, '<=', slotsOf(replicaGroup));
  const solution = await solve(problem.compile(), { timeLimitSec: 30 });
  if (!solution.values) throw new Error(`dispatch LP ended ${solution.status}: ${solution.rawStatus}`);
  let used = 0;
  for (const route of routes) {
    const value = Math.max(0, solution.values[route.index]!);
    if (value <= 1e-9) continue;
    served[route.w]![route.o]! += value;
    let load = replicaGroupLoad.get(route.replicaGroup);
    if (!load) replicaGroupLoad.set(route.replicaGroup, (load = new Map()));
    load.set(route.w, (load.get(route.w) ?? 0) + value);
  }
  for (const row of capacity.values()) {
    for (let i = 0; i < row.columns.length; i++) used += Math.max(0, solution.values[row.columns[i]!]!) * row.coefficients[i]!;
  }
  const slots = [...capacity.keys()].reduce((sum, replicaGroup) => sum + slotsOf(replicaGroup), 0);
  // Clip: the demand row caps served at demand exactly; float noise must not exceed it.
  for (const [w, workload] of input.workloads.entries())
    for (const o of workload.origins.keys()) served[w]![o] = Math.min(served[w]![o]!, actual[w]![o]!);
  return { servedRps: served, replicaGroupLoad, utilisation: slots > 0 ? used / slots : 0 };
}

/** The cheapest price per GPU-hour of each (sku, region) the scenario offers: what a replica's time costs. */
function gpuPrices(input: PlanningInput): Map<string, number> {
  const prices = new Map<string, number>();
  for (const sku of input.skus)
    for (const price of sku.prices) {
      if (price.purchase === 'reserved') continue;
      const key = `${sku.sku}|${price.region}`;
      const perGpu = price.usdPerHour / sku.gpusPerVm;
      prices.set(key, Math.min(prices.get(key) ?? Number.POSITIVE_INFINITY, perGpu));
    }
  return prices;
}
