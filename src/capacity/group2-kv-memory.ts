import { LinearExpr } from '../lp/index.js';
import type { BuildContext, WindowColumns } from './formulation-context.js';

/**
 * Group 2, load-dependent KV memory (policies.kvMemory: load), for one window t: per candidate c with
 * replicas and KV figures,
 *   2:kv-memory[m,k,p,r,t]   sum over w of (kv[c,w] x flowUnit[w] / free_c) x assign[w,c,t]
 *                              - sum over pools of replicas[c,pool,t] <= 0
 * kv[c,w] is the GiB one request/s of w holds in c's replicas (tokens held x residency x KV bytes per token),
 * free_c the GiB of KV cache one replica holds. Unlike the per-config batch check, the row sums over the
 * workloads sharing the config, so it couples them. In replica units (divided by free_c) like 2:capacity.
 * Spot replicas count whole: an evicted replica takes its load with it, so memory is per running replica.
 */
export function addKvMemoryRows(context: BuildContext, window: WindowColumns): void {
  const { problem, input, flowUnit } = context;
  if (input.policies.kvMemory !== 'load') return;
  for (const serving of window.serving.values()) {
    const candidate = input.candidates[serving.candidate]!;
    const kv = candidate.kv;
    if (!kv || !(kv.freeGib > 0)) continue;
    const expr = new LinearExpr();
    for (const assign of serving.assigns) {
      const gib = kv.gibPerRequestPerSec.get(input.workloads[assign.workload]!.id);
      if (gib !== undefined && gib > 0) expr.add(assign.variable, (gib * flowUnit[assign.workload]!) / kv.freeGib);
    }
    if (expr.termCount === 0) continue;
    for (const handle of serving.replicas) expr.add(handle.variable, -1);
    problem.addConstraint(
      `2:kv-memory[${candidate.llm},${candidate.sku},tp${candidate.tp},${candidate.region},${window.tag}]`,
      expr,
      '<=',
      0,
    );
  }
}
