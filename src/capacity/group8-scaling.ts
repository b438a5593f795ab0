import { LinearExpr } from '../lp/index.js';
import type { BuildContext, WindowColumns } from './formulation-context.js';
import { fleetKey } from './formulation-fleet.js';
import { replicaKey } from './model-load.js';

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
  addReplicaUpRows(context, window);
}

/**
 * Group 8, replica starts, for one window t: per candidate c (and pool) with a rup column (model load):
 *   8:replica-up[m,k,p,r,(pool),t]   replicas[c,t] - rup[c,t] - replicas[c,t-1] <= 0
 * where replicas[c,t-1] is the previous included window's column (0 where it has none); in the first
 * included window it is the constant previousReplicas[c] (policies.currentReplicas or
 * BuildOptions.previousReplicas). rup's cost (formulation-columns.ts) makes it the replicas started.
 */
function addReplicaUpRows(context: BuildContext, window: WindowColumns): void {
  if (!context.modelLoad) return;
  const { problem, input } = context;
  const previous = window.position > 0 ? context.columns[window.position - 1] : undefined;
  for (const serving of window.serving.values()) {
    const candidate = input.candidates[serving.candidate]!;
    for (const replica of serving.replicas) {
      if (!replica.up) continue;
      const change = new LinearExpr().add(replica.variable, 1).add(replica.up, -1);
      const last = previous?.serving.get(serving.candidate)?.replicas.find((r) => r.pool === replica.pool);
      if (last) change.add(last.variable, -1);
      const rhs = previous ? 0 : (context.previousReplicas.get(replicaKey({ ...candidate, pool: replica.pool })) ?? 0);
      const pool = replica.pool ? `${replica.pool},` : '';
      problem.addConstraint(
        `8:replica-up[${candidate.llm},${candidate.sku},tp${candidate.tp},${candidate.region},${pool}${window.tag}]`,
        change,
        '<=',
        rhs,
      );
    }
  }
}
