/** The horizon loop GH and AGH share: window by window from the previous fleet, re-run under budget shares if a hard budget overspends. */
import { fleetMap } from '../capacity/formulation.js';
import { candidateReplicas, initialReplicas } from '../capacity/model-load.js';
import { assemblePlan } from '../capacity/plan.js';
import type { Plan, PlanWindow, PlanningInput } from '../capacity/types.js';
import { buildContext, type Context } from './context.js';
import { windowSpend } from './fleet.js';
import { toPlanWindow } from './plan-window.js';
import { windowEnv, type WindowEnv, type WindowState } from './window.js';

export type WindowSolver = (ctx: Context, env: WindowEnv) => WindowState;

/**
 * Plans the horizon window by window, each starting from the previous window's fleet. With a hard budget
 * the plan is re-made, if it overspends, with each window capped at its share of the budget (in proportion
 * to what it spent uncapped), so the total stays within the budget.
 */
export function planHorizon(input: PlanningInput, solveWindow: WindowSolver, ctx: Context = buildContext(input)): Plan {
  const run = (caps?: number[]) => {
    const windows: PlanWindow[] = [];
    const spends: number[] = [];
    let prev: ReadonlyMap<string, number> = fleetMap(input);
    let prevReplicas = candidateReplicas(input, initialReplicas(input));
    for (let t = 0; t < input.windows.length; t++) {
      const env = windowEnv(ctx, t, prev, caps?.[t], prevReplicas);
      const scope = { ctx, env, state: solveWindow(ctx, env) };
      spends.push(windowSpend(scope));
      windows.push(toPlanWindow(scope));
      prev = scope.state.vms;
      prevReplicas = scope.state.replicas;
    }
    return { plan: assemblePlan(input, windows, 'feasible'), spends };
  };
  const first = run();
  const budget = input.policies.budget;
  if (budget?.mode !== 'hard') return first.plan;
  const total = first.spends.reduce((a, b) => a + b, 0);
  if (total <= budget.usd) return first.plan;
  return run(first.spends.map((spend) => (budget.usd * spend) / total)).plan;
}
