import { LinearExpr } from '../lp/index.js';
import type { BuildContext, WindowColumns } from './formulation-context.js';
import { quotaApplies } from './formulation-fleet.js';

/**
 * Group 4, quotas, for one window t: per quota (gpu g, region r, gpus G, window range) that holds in t and
 * has some VM column,
 *   4:quota[g,r,t]   sum over skus k of gpu g and purchases q of n_k x vms[k,r,q,t] <= G
 * (all purchases together). The same quota also bounds each vms and replicas column (formulation-columns.ts).
 */
export function addQuotaRows(context: BuildContext, window: WindowColumns): void {
  const { problem, input, skuById } = context;
  for (const quota of input.policies.quotas) {
    if (!quotaApplies(quota, window.window)) continue;
    const expr = new LinearExpr();
    for (const [packKey, vms] of window.vmsBySkuRegion) {
      const [sku, region] = packKey.split('|') as [string, string];
      if (region !== quota.region || skuById.get(sku)!.gpu !== quota.gpu) continue;
      for (const vm of vms) expr.add(vm.variable, vm.gpusPerVm);
    }
    if (expr.termCount > 0) problem.addConstraint(`4:quota[${quota.gpu},${quota.region},${window.tag}]`, expr, '<=', quota.gpus);
  }
}
