import { LinearExpr } from '../lp/index.js';
import type { BuildContext, WindowColumns } from './formulation-context.js';
import { quotaApplies } from './formulation-fleet.js';
import { quotaLimit, quotaSubject, quotaUnitsPerVm } from './quota.js';

/**
 * Group 4, quotas, for one window t: per quota (region r, limit L, window range) that holds in t and has some
 * VM column,
 *   4:quota[g,r,t]          sum over skus k of gpu g and purchases q of n_k x vms[k,r,q,t] <= L   (gpu quota)
 *   4:quota[family:f,r,t]   sum over skus k of family f and purchases q of u_k x vms[k,r,q,t] <= L
 * where u_k is the sku's GPUs or vCPUs, the unit the family quota is set in (all purchases together). The same
 * quota also bounds each vms and replicas column (formulation-columns.ts).
 */
export function addQuotaRows(context: BuildContext, window: WindowColumns): void {
  const { problem, input, skuById } = context;
  for (const quota of input.policies.quotas) {
    if (!quotaApplies(quota, window.window)) continue;
    const expr = new LinearExpr();
    for (const [packKey, vms] of window.vmsBySkuRegion) {
      const [sku, region] = packKey.split('|') as [string, string];
      if (region !== quota.region) continue;
      const units = quotaUnitsPerVm(quota, skuById.get(sku)!);
      if (units === 0) continue;
      for (const vm of vms) expr.add(vm.variable, units);
    }
    if (expr.termCount > 0)
      problem.addConstraint(`4:quota[${quotaSubject(quota)},${quota.region},${window.tag}]`, expr, '<=', quotaLimit(quota));
  }
}
