import { LinearExpr } from '../lp/index.js';
import type { AssignHandle, WindowModel } from './formulation.js';
import { deadlineLag, isInteractive } from './policies.js';

/**
 * Group 1, single-path routing (policies.routing: single-path), for one window t: each routing key (today a
 * workload; a workload's size class once classes exist: only routingKey changes) goes whole to one config
 * (llm, sku, tp) per serving region, as Mélange's slices do. Per key and region with two or more assign
 * columns, a binary path[key,c,t] per config and
 *   1:path[key,m,k,p,r,t]      assign[key,c,t] - M[key,r,t] path[key,c,t] <= 0
 *   1:single-path[key,r,t]     sum over c in r of path[key,c,t] <= 1
 * M is the most flow that can reach r (flow units): the window's demand of the origins within the latency
 * bound (deferrable: what may still be open, as group 6 bounds it), so the rows are as tight as the demand
 * allows. At most one path, not exactly one: a key may not be served in r at all. The routing copies of
 * groups 5 and 6 route their futures freely (a future re-routes whatever it must).
 */
export function addSinglePathRows(model: WindowModel): void {
  const { input, problem, tag } = model;
  if (input.policies.routing !== 'single-path') return;
  const groups = new Map<string, AssignHandle[]>();
  for (const assign of model.assigns) {
    const key = `${routingKey(assign)}|${input.candidates[assign.candidate]!.region}`;
    groups.set(key, [...(groups.get(key) ?? []), assign]);
  }
  for (const [key, assigns] of groups) {
    if (assigns.length < 2) continue;
    const region = key.slice(key.lastIndexOf('|') + 1);
    const first = assigns[0]!;
    const bound = reachableFlow(model, first.workload, region);
    if (!(bound > 0)) continue; // nothing can reach r: the flow rows keep every assign at 0
    const name = routingKeyLabel(model, first);
    const one = new LinearExpr();
    for (const assign of assigns) {
      const c = input.candidates[assign.candidate]!;
      const config = `${c.llm},${c.sku},tp${c.tp},${c.region}`;
      const path = problem.addVariable({ label: `path[${name},${config},${tag}]`, type: 'binary' });
      problem.addConstraint(`1:path[${name},${config},${tag}]`, new LinearExpr().add(assign.variable, 1).add(path, -bound), '<=', 0);
      one.add(path, 1);
    }
    problem.addConstraint(`1:single-path[${name},${region},${tag}]`, one, '<=', 1);
  }
}

/** What goes whole to one config: the workload (extend with the size class when assigns carry one). */
export function routingKey(assign: Pick<AssignHandle, 'workload'>): string {
  return String(assign.workload);
}

function routingKeyLabel(model: WindowModel, assign: AssignHandle): string {
  return model.input.workloads[assign.workload]!.id;
}

/**
 * The most flow of workload w that can reach region r in this window: the demand of its origins within the
 * latency bound; deferrable, the arrivals of the windows whose requests may still be open, spread over this
 * window (served by t <= arrived by t, done by t - 1 >= arrived by t - lag).
 */
function reachableFlow(model: WindowModel, w: number, region: string): number {
  const { input, window: t } = model;
  const workload = input.workloads[w]!;
  let reachable = 0;
  for (const [o, origin] of workload.origins.entries()) {
    if (input.latencyMs(origin, region) > workload.maxNetworkRttMs) continue;
    const series = input.demand[w]![o]!;
    if (isInteractive(workload)) reachable += series[t]!;
    else {
      const from = Math.max(0, t - deadlineLag(workload, input.windows[t]!.hours) + 1);
      for (let s = from; s <= t; s++) reachable += (series[s]! * input.windows[s]!.hours) / input.windows[t]!.hours;
    }
  }
  return reachable;
}
