import { LinearExpr } from '../lp/index.js';
import type { WindowModel } from './formulation.js';
import { addRoutingCopy } from './routing-copy.js';

/**
 * Group 5, spot policy, for one window:
 * - max share: spot GPUs <= maxShare x all GPUs, per region (GPUs, not VMs, because VM sizes differ: one
 *   8-GPU spot VM is more exposure than one 1-GPU VM);
 * - eviction derate: in groups 2 and 3 (a spot replica counts 1 - p replicas; see formulation.ts);
 * - on-demand cover: a routing copy over firm replicas only carries interactive demand x factor.
 */
export function addSpotRows(model: WindowModel): void {
  const spot = model.input.policies.spot;
  if (!spot) return;
  if (spot.maxShare !== undefined) {
    const byRegion = new Map<string, LinearExpr>();
    for (const vm of model.vms) {
      const expr = byRegion.get(vm.region) ?? new LinearExpr();
      expr.add(vm.variable, vm.gpusPerVm * ((vm.purchase === 'spot' ? 1 : 0) - spot.maxShare));
      byRegion.set(vm.region, expr);
    }
    for (const [region, expr] of byRegion) {
      if (model.vms.some((vm) => vm.region === region && vm.purchase === 'spot')) {
        model.problem.addConstraint(`5:spot-share[${region},${model.tag}]`, expr, '<=', 0);
      }
    }
  }
  if (spot.onDemandCoversInteractive !== undefined) {
    addRoutingCopy(model, { name: '5:on-demand-cover', factor: spot.onDemandCoversInteractive, firmOnly: true });
  }
}
