import { LinearExpr } from '../lp/index.js';
import type { WindowModel } from './formulation.js';
import { isInteractive, servableInFuture } from './policies.js';

/**
 * A routing copy: a second, independent routing of one window's interactive demand over the same replicas,
 * restricted to a subset of them (groups 5 and 6). The copy shares the replica variables, so the fleet must
 * carry the copy as well as the normal routing, but not both at once (they are alternative futures).
 *
 * Each copy routes factor x (demand - unmet) for every interactive (workload, origin): the demand the plan
 * serves normally. Origins no candidate config of the future can reach within the latency bound are exempt
 * (servableInFuture): no fleet could serve them there, so they do not make the plan infeasible.
 */
export interface RoutingCopy {
  /** Row and column label prefix with the group number, e.g. "6:n+1[eastus]". */
  name: string;
  factor: number;
  /** The region lost in this future, if any. */
  lostRegion?: string;
  /** Only firm (on-demand and reserved) replicas carry the copy. */
  firmOnly: boolean;
}

export function addRoutingCopy(model: WindowModel, copy: RoutingCopy): void {
  const { problem, input, tag } = model;
  const assignedInRegion = new Map<string, LinearExpr>();
  const seen = new Set<number>();
  for (const replica of model.replicas) {
    const c = replica.candidate;
    if (seen.has(c)) continue;
    seen.add(c);
    const candidate = input.candidates[c]!;
    if (candidate.region === copy.lostRegion) continue;
    const usable = model.usable(c, copy.firmOnly);
    if (!usable) continue;
    const load = new LinearExpr();
    for (const [w, workload] of input.workloads.entries()) {
      const rate = candidate.requestsPerSecByWorkload.get(workload.id);
      if (!rate || !isInteractive(workload)) continue;
      const assign = problem.addVariable({
        label: `${copy.name}:assign[${workload.id},${candidate.llm},${candidate.sku},tp${candidate.tp},${candidate.region},${tag}]`,
      });
      load.add(assign, 1 / rate);
      const key = `${w}|${candidate.region}`;
      assignedInRegion.set(key, (assignedInRegion.get(key) ?? new LinearExpr()).add(assign, 1));
    }
    if (load.termCount === 0) continue;
    load.addExpr(usable, -1);
    problem.addConstraint(
      `${copy.name}:capacity[${candidate.llm},${candidate.sku},tp${candidate.tp},${candidate.region},${tag}]`,
      load,
      '<=',
      0,
    );
  }

  const routedToRegion = new Map<string, LinearExpr>();
  for (const [w, workload] of input.workloads.entries()) {
    if (!isInteractive(workload)) continue;
    for (const [o, origin] of workload.origins.entries()) {
      const routed = new LinearExpr();
      for (const region of input.regions) {
        const key = `${w}|${region}`;
        if (!assignedInRegion.has(key) || input.latencyMs(origin, region) > workload.maxNetworkRttMs) continue;
        const route = problem.addVariable({ label: `${copy.name}:route[${workload.id},${origin}->${region},${tag}]` });
        routed.add(route, 1);
        routedToRegion.set(key, (routedToRegion.get(key) ?? new LinearExpr()).add(route, 1));
      }
      if (!servableInFuture(input, w, o, copy.lostRegion, copy.firmOnly)) continue; // exempt: no fleet could serve it
      // Without a config in this (restricted) model the copy can only be met by dropping the demand.
      routed.add(model.unmet.get(`${w}|${o}`)!, copy.factor);
      problem.addConstraint(
        `${copy.name}:demand[${workload.id},${origin},${tag}]`,
        routed,
        '=',
        copy.factor * input.demand[w]![o]![model.window]!,
      );
    }
  }
  for (const [key, assigned] of assignedInRegion) {
    const [w, region] = key.split('|') as [string, string];
    const flow = new LinearExpr().addExpr(routedToRegion.get(key) ?? new LinearExpr()).addExpr(assigned, -1);
    problem.addConstraint(`${copy.name}:flow[${input.workloads[Number(w)]!.id},${region},${tag}]`, flow, '=', 0);
  }
}
