import { LinearExpr } from '../lp/index.js';
import type { WindowModel } from './formulation.js';
import { deadlineLag, isInteractive, poolCapacity } from './policies.js';
import { addRoutingCopy } from './routing-copy.js';

/**
 * Group 6, locality and resilience, for one window:
 * - in-region share: route[w, o -> o] >= share x sum over r of route[w, o -> r] (interactive workloads);
 * - minimum replicas: deployed[m, r] binary; each replica count <= U x deployed, and the llm's replicas in
 *   the region >= N x deployed. U is tight: the replicas the most demand that can reach the region needs;
 * - N+1: one routing copy per region f over the replicas outside f (see routing-copy.ts).
 */
export function addLocalityRows(model: WindowModel): void {
  const locality = model.input.policies.locality;
  if (!locality) return;
  if (locality.minInRegionShare) addInRegionShare(model, locality.minInRegionShare);
  if (locality.minReplicasPerLlm !== undefined && locality.minReplicasPerLlm > 1) addMinReplicas(model, locality.minReplicasPerLlm);
  if (locality.nPlusOne) {
    for (const failed of model.input.regions) {
      addRoutingCopy(model, { name: `6:n+1[${failed}]`, factor: 1, lostRegion: failed, firmOnly: false });
    }
  }
}

function addInRegionShare(model: WindowModel, share: number): void {
  const { input } = model;
  for (const [w, workload] of input.workloads.entries()) {
    if (!isInteractive(workload)) continue;
    for (const [o, origin] of workload.origins.entries()) {
      const expr = new LinearExpr();
      for (const route of model.routes) {
        if (route.workload !== w || route.origin !== o) continue;
        expr.add(route.variable, (route.region === origin ? 1 : 0) - share);
      }
      if (expr.termCount > 0) model.problem.addConstraint(`6:in-region[${workload.id},${origin},${model.tag}]`, expr, '>=', 0);
    }
  }
}

function addMinReplicas(model: WindowModel, least: number): void {
  const { input, problem, tag } = model;
  const byLlmRegion = new Map<string, typeof model.replicas>();
  for (const replica of model.replicas) {
    const candidate = input.candidates[replica.candidate]!;
    const key = `${candidate.llm}|${candidate.region}`;
    byLlmRegion.set(key, [...(byLlmRegion.get(key) ?? []), replica]);
  }
  for (const [key, replicas] of byLlmRegion) {
    const [llm, region] = key.split('|') as [string, string];
    const deployed = problem.addVariable({ label: `deployed[${llm},${region},${tag}]`, type: 'binary' });
    const total = new LinearExpr().add(deployed, -least);
    for (const replica of replicas) {
      total.add(replica.variable, 1);
      const candidate = input.candidates[replica.candidate]!;
      const bound = Math.max(least, replicaBound(model, replica.candidate, poolCapacity(input, replica.pool)));
      problem.addConstraint(
        `6:deployed[${llm},${candidate.sku},tp${candidate.tp},${region},${replica.pool ? `${replica.pool},` : ''}${tag}]`,
        new LinearExpr().add(replica.variable, 1).add(deployed, -bound),
        '<=',
        0,
      );
    }
    problem.addConstraint(`6:min-replicas[${llm},${region},${tag}]`, total, '>=', 0);
  }
}

/**
 * Most replicas of a candidate any routing (normal or copy) can load: the demand that can reach its region
 * within the latency bound, over its rate. Interactive: the window's demand. Deferrable: what arrived in
 * the windows whose requests may still be open (cumulative rows: served by t <= arrived by t, and served by
 * t - 1 >= arrived by t - lag), spread over this window.
 */
function replicaBound(model: WindowModel, c: number, capacity: number): number {
  const { input, window: t } = model;
  const candidate = input.candidates[c]!;
  const factor = Math.max(1, input.policies.spot?.onDemandCoversInteractive ?? 1);
  let load = 0;
  for (const [w, workload] of input.workloads.entries()) {
    const rate = candidate.requestsPerSecByWorkload.get(workload.id);
    if (!rate) continue;
    let reachable = 0;
    for (const [o, origin] of workload.origins.entries()) {
      if (input.latencyMs(origin, candidate.region) > workload.maxNetworkRttMs) continue;
      const series = input.demand[w]![o]!;
      if (isInteractive(workload)) reachable += series[t]!;
      else {
        const from = Math.max(0, t - deadlineLag(workload, input.windows[t]!.hours) + 1);
        for (let s = from; s <= t; s++) reachable += (series[s]! * input.windows[s]!.hours) / input.windows[t]!.hours;
      }
    }
    load += (factor * reachable) / rate;
  }
  return Math.ceil(load / ((1 - input.policies.headroom) * capacity) - 1e-9);
}
