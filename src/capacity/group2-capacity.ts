import { LinearExpr } from '../lp/index.js';
import type { BuildContext, WindowColumns } from './formulation-context.js';
import { capacityRowScale } from './formulation-scale.js';
import { poolCapacity } from './policies.js';

/**
 * Group 2, capacity (Mélange's load form), for one window t: per candidate c = (m, k, p, r) with replicas,
 *   2:capacity[m,k,p,r,t]   sum over w of s_c x assign[w,c,t] / rate[c,w]
 *                             - sum over pools of s_c x (1 - headroom) x (1 - p_pool) x replicas[c,pool,t] <= 0
 * in flow units (rate[c,w] is the rate over flowUnit[w]); s_c = capacityRowScale, a power of two near c's
 * fastest scaled rate, keeps the coefficients near 1. p_pool is the spot eviction probability for the spot
 * pool and 0 otherwise (one pool, p = 0, when pools are not apart).
 */
export function addCapacityRows(context: BuildContext, window: WindowColumns): void {
  const { problem, input } = context;
  const { headroom } = input.policies;
  for (const serving of window.serving.values()) {
    const candidate = input.candidates[serving.candidate]!;
    // In replica-load units scaled by a power of two near the config's fastest rate, so that no coefficient
    // sits near a solver's tolerance (1/rate is 5e-6 at 2e5 req/s).
    const rowScale = capacityRowScale(candidate);
    const load = new LinearExpr();
    for (const assign of serving.assigns) {
      const rate = candidate.requestsPerSecByWorkload.get(input.workloads[assign.workload]!.id)!;
      load.add(assign.variable, rowScale / rate);
    }
    for (const handle of serving.replicas) load.add(handle.variable, -rowScale * (1 - headroom) * poolCapacity(input, handle.pool));
    problem.addConstraint(
      `2:capacity[${candidate.llm},${candidate.sku},tp${candidate.tp},${candidate.region},${window.tag}]`,
      load,
      '<=',
      0,
    );
  }
}
