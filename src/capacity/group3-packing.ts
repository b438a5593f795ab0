import { LinearExpr } from '../lp/index.js';
import type { BuildContext, WindowColumns } from './formulation-context.js';
import { poolOf } from './policies.js';
import type { ReplicaPool } from './types.js';

/**
 * Group 3, packing, for one window t: per (sku k, region r) with replicas, and per pool when pools are apart,
 *   3:packing[k,r,(pool),t]   sum over candidates (m, k, p, r) of p x replicas[m,k,p,r,(pool),t]
 *                               - sum over purchases q (of the pool) of n_k x vms[k,r,q,t] <= 0
 * Pools: firm = on-demand + reserved VMs, spot = spot VMs; rows in order of their first replica column.
 */
export function addPackingRows(context: BuildContext, window: WindowColumns): void {
  const { problem, input } = context;
  const packing = new Map<string, LinearExpr>();
  for (const serving of window.serving.values()) {
    const candidate = input.candidates[serving.candidate]!;
    for (const replica of serving.replicas) {
      const packKey = `${candidate.sku}|${candidate.region}${replica.pool ? `|${replica.pool}` : ''}`;
      packing.set(packKey, (packing.get(packKey) ?? new LinearExpr()).add(replica.variable, candidate.tp));
    }
  }
  for (const [packKey, expr] of packing) {
    const [sku, region, pool] = packKey.split('|') as [string, string, ReplicaPool | undefined];
    for (const vm of window.vmsBySkuRegion.get(`${sku}|${region}`)!) {
      if (pool === undefined || poolOf(vm.purchase) === pool) expr.add(vm.variable, -vm.gpusPerVm);
    }
    problem.addConstraint(`3:packing[${packKey.replaceAll('|', ',')},${window.tag}]`, expr, '<=', 0);
  }
}
