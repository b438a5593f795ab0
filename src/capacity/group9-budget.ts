import { LinearExpr } from '../lp/index.js';
import type { BuildContext } from './formulation-context.js';

/**
 * Group 9, budget, once over the included windows, when windows are coupled, BuildOptions.includeBudget is
 * not false and the scenario's budget is hard:
 *   9:budget   sum over t, k, r, q of price[k,r,q] x hours[t] x vms[k,r,q,t]
 *                + price[k,r,q] x startupHours x up[k,r,q,t] + sum over c, pool, t of loadUsd[c,pool] x rup[c,pool,t] <= budget
 * (the VM and start-up cost of the objective; not penalties or tie-breaks). A soft budget adds no row.
 */
export function addBudgetRow(context: BuildContext): void {
  const { problem, input, options } = context;
  const { budget, startupHours } = input.policies;
  if (!context.coupled || options.includeBudget === false || budget?.mode !== 'hard') return;
  const cost = new LinearExpr();
  for (const window of context.columns) {
    for (const vm of window.vms) {
      cost.add(vm.variable, vm.usdPerHour * window.hours);
      if (vm.up) cost.add(vm.up, vm.usdPerHour * startupHours);
    }
    for (const replica of window.replicas) if (replica.up) cost.add(replica.up, replica.loadUsd!);
  }
  problem.addConstraint('9:budget', cost, '<=', budget.usd);
}
