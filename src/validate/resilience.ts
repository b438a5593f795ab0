import { LinearExpr, Problem, type SolveFn } from '../lp/index.js';
import { isInteractive, servableInFuture } from '../capacity/policies.js';
import type { Plan, PlanningInput } from '../capacity/types.js';
import type { Violation } from './violation.js';
import { exceeds, rateUnit } from './tolerance.js';
import { configKey } from '../config-key.js';

/**
 * Routing futures (groups 5 and 6): can the plan's fixed replicas still carry the interactive demand the plan
 * serves when a region is lost (N+1, `validate --fail-region R`) or when every spot VM is evicted
 * (on-demand cover, x factor)? Each future is one LP over all windows, built here from the plan and the
 * scenario alone (origin -> config routes in one level, not the formulation's two), and its answer is
 * re-verified in plain arithmetic, so a "routable" verdict trusts no solver. Origins that no candidate config
 * of the scenario could serve in that future (servableInFuture) are exempt: no fleet could.
 */
export interface Future {
  /** "loss of eastus", "spot evicted". */
  name: string;
  lostRegion?: string;
  /** Only replicas on firm (on-demand, reserved) VMs remain. */
  firmOnly: boolean;
  factor: number;
  group: 'spot' | 'resilience';
}

export interface FutureResult {
  future: Future;
  /** Requests the surviving fleet could not route, over the horizon. */
  shortRequests: number;
  violations: Violation[];
}

/** The futures a scenario asks for, plus the regions named with --fail-region. */
export function futuresOf(input: PlanningInput, failRegions: readonly string[] = []): Future[] {
  const futures: Future[] = [];
  const cover = input.policies.spot?.onDemandCoversInteractive;
  if (cover !== undefined)
    futures.push({ name: `spot evicted (on-demand covers ${cover}x interactive demand)`, firmOnly: true, factor: cover, group: 'spot' });
  const lost = new Set(failRegions);
  if (input.policies.locality?.nPlusOne) for (const region of input.regions) lost.add(region);
  for (const region of [...lost].sort())
    futures.push({ name: `loss of ${region}`, lostRegion: region, firmOnly: false, factor: 1, group: 'resilience' });
  return futures;
}

export async function checkFuture(input: PlanningInput, plan: Plan, future: Future, solve: SolveFn): Promise<FutureResult> {
  const problem = new Problem();
  const eviction = input.policies.spot?.evictionProbability ?? 0;
  const rows: Array<{
    window: number;
    workload: string;
    origin: string;
    required: number;
    columns: Array<{ index: number; rate: number; config: string }>;
    short: number;
  }> = [];
  const capacity = new Map<string, number>(); // window|config -> usable replicas
  for (const window of plan.windows) {
    if (!input.windows[window.index]) continue;
    const usable = new Map<string, { llm: string; sku: string; tp: number; region: string; replicas: number }>();
    for (const r of window.replicas) {
      if (r.region === future.lostRegion || (future.firmOnly && r.pool === 'spot')) continue;
      const key = configKey(r);
      const entry = usable.get(key) ?? { llm: r.llm, sku: r.sku, tp: r.tp, region: r.region, replicas: 0 };
      entry.replicas += r.count * (r.pool === 'spot' ? 1 - eviction : 1) * (1 - input.policies.headroom);
      usable.set(key, entry);
    }
    for (const [key, entry] of usable) capacity.set(`${window.index}|${key}`, entry.replicas);
    for (const [w, workload] of input.workloads.entries()) {
      if (!isInteractive(workload)) continue;
      for (const [o, origin] of workload.origins.entries()) {
        const unmet = window.unmet
          .filter((u) => u.workload === workload.id && u.origin === origin)
          .reduce((sum, u) => sum + u.requestsPerSec, 0);
        const required = future.factor * Math.max(0, input.demand[w]![o]![window.index]! - unmet);
        const columns: (typeof rows)[number]['columns'] = [];
        for (const [key, entry] of usable) {
          const rate = input.candidates
            .find((c) => c.llm === entry.llm && c.sku === entry.sku && c.tp === entry.tp && c.region === entry.region)
            ?.requestsPerSecByWorkload.get(workload.id);
          if (!rate || input.latencyMs(origin, entry.region) > workload.maxNetworkRttMs) continue;
          const x = problem.addVariable({ label: `x[${workload.id},${origin}->${key},t=${window.index}]` });
          columns.push({ index: x.index, rate, config: `${window.index}|${key}` });
        }
        if (required <= 0 || !servableInFuture(input, w, o, future.lostRegion, future.firmOnly)) continue; // nothing to carry, or exempt
        const short = problem.addVariable({ label: `short[${workload.id},${origin},t=${window.index}]`, objective: 1 });
        const demandRow = new LinearExpr().add(short, 1);
        for (const column of columns) demandRow.add(column.index, 1);
        problem.addConstraint(`demand[${workload.id},${origin},t=${window.index}]`, demandRow, '=', required);
        rows.push({ window: window.index, workload: workload.id, origin, required, columns, short: short.index });
      }
    }
  }
  const load = new Map<string, LinearExpr>();
  for (const row of rows)
    for (const column of row.columns)
      load.set(column.config, (load.get(column.config) ?? new LinearExpr()).add(column.index, 1 / column.rate));
  for (const [config, expr] of load) problem.addConstraint(`capacity[${config}]`, expr, '<=', capacity.get(config)!);

  const result: FutureResult = { future, shortRequests: 0, violations: [] };
  if (rows.length === 0) return result;
  const solution = await solve(problem.compile(), { timeLimitSec: 60 });
  if (solution.status !== 'optimal' || !solution.values) {
    result.violations.push({
      group: future.group,
      message: `${future.name}: the routing LP ended ${solution.status} (${solution.rawStatus}); cannot prove the plan survives`,
    });
    return result;
  }
  const values = solution.values;
  const starts = new Map(plan.windows.map((w) => [w.index, w.start]));
  // Re-verify the LP's routing: coverage per origin and load per config, in plain arithmetic.
  const used = new Map<string, number>();
  for (const row of rows) {
    let routed = 0;
    for (const column of row.columns) {
      const x = Math.max(0, values[column.index]!);
      routed += x;
      used.set(column.config, (used.get(column.config) ?? 0) + x / column.rate);
    }
    const short = Math.max(0, row.required - routed);
    if (exceeds(row.required, routed, 0, rateUnit(input, row.workload))) {
      result.shortRequests += short * 3600 * input.windows[row.window]!.hours;
      result.violations.push({
        group: future.group,
        window: row.window,
        start: starts.get(row.window)!,
        workload: row.workload,
        region: row.origin,
        message: `${future.name}: ${row.workload} from ${row.origin} needs ${row.required.toFixed(4)} req/s; the remaining replicas within ${input.workloads.find((w) => w.id === row.workload)!.maxNetworkRttMs} ms carry ${routed.toFixed(4)}`,
      });
    }
  }
  for (const [config, replicas] of used) {
    if (exceeds(replicas, capacity.get(config)!, 0, 1)) {
      result.violations.push({
        group: future.group,
        message: `${future.name}: the routing LP overloads ${config} (${replicas.toFixed(4)} > ${capacity.get(config)!.toFixed(4)} replicas); solver error`,
      });
    }
  }
  result.shortRequests = Math.round(result.shortRequests);
  return result;
}

export async function checkFutures(input: PlanningInput, plan: Plan, futures: readonly Future[], solve: SolveFn): Promise<FutureResult[]> {
  const results: FutureResult[] = [];
  for (const future of futures) results.push(await checkFuture(input, plan, future, solve));
  return results;
}
