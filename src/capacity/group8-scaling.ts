import { LinearExpr } from '../lp/index.js';
import type { BuildContext, WindowColumns } from './formulation-context.js';
import { fleetKey } from './formulation-fleet.js';

/**
 * Group 8, scaling dynamics, for one window t: per (sku k, region r, purchase q) with up/down columns
 * (windows coupled, a start-up cost or a scaling limit, not reserved):
 *   8:scaling[k,r,q,t]   vms[k,r,q,t] - up[k,r,q,t] + down[k,r,q,t] - vms[k,r,q,t-1] = 0
 * where t-1 is the previous included window; in the first included window vms[t-1] is the constant
 * previousFleet[k,r,q] (the scenario's current fleet and reservations, or BuildOptions.previousFleet).
 * The limits maxScaleOut/maxScaleIn are the bounds of up and down, the start-up cost up's objective
 * (formulation-columns.ts).
 */
export function addScalingRows(context: BuildContext, window: WindowColumns): void {
  const { problem } = context;
  const previous = window.position > 0 ? context.columns[window.position - 1] : undefined;
  const before = new Map(previous?.vms.map((vm) => [fleetKey(vm.sku, vm.region, vm.purchase), vm.variable]));
  for (const vm of window.vms) {
    if (!vm.up || !vm.down) continue;
    const key = fleetKey(vm.sku, vm.region, vm.purchase);
    const change = new LinearExpr().add(vm.variable, 1).add(vm.up, -1).add(vm.down, 1);
    const last = before.get(key);
    if (last) change.add(last, -1);
    const rhs = window.position > 0 ? 0 : (context.previousFleet.get(key) ?? 0);
    problem.addConstraint(`8:scaling[${vm.sku},${vm.region},${vm.purchase},${window.tag}]`, change, '=', rhs);
  }
}
