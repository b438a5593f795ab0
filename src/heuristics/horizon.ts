/** The horizon loop GH and AGH share: window by window from the previous fleet, re-run under budget shares if a hard budget overspends. */
import { fleetMap } from '../capacity/formulation.js';
import { candidateReplicas, initialReplicas } from '../capacity/model-load.js';
import { assemblePlan } from '../capacity/plan.js';
import type { Plan, PlanningInput } from '../capacity/types.js';
import { buildContext, type Context } from './context.js';
import { windowSpend } from './fleet.js';
import { toPlanWindow } from './plan-window.js';
import { windowEnv, type WindowEnv, type WindowState } from './window.js';

export type WindowSolver = (ctx: Context, env: WindowEnv) => WindowState;

/** Each window's inputs and final state, in window order: what planHorizon assembles (AGH improves them first). */
export interface HorizonRun {
  envs: WindowEnv[];
  states: WindowState[];
}

/**
 * Plans the horizon window by window, each starting from the previous window's fleet. With a hard budget
 * the plan is re-made, if it overspends, with each window capped at its share of the budget (in proportion
 * to what it spent uncapped), so the total stays within the budget.
 */
export function planHorizon(input: PlanningInput, solveWindow: WindowSolver, ctx: Context = buildContext(input)): Plan {
  return assembleHorizon(ctx, runHorizon(input, solveWindow, ctx));
}

/** planHorizon's window states, not yet assembled into a plan. */
export function runHorizon(input: PlanningInput, solveWindow: WindowSolver, ctx: Context): HorizonRun {
  const run = (caps?: number[]) => {
    const envs: WindowEnv[] = [];
    const states: WindowState[] = [];
    const spends: number[] = [];
    let prev: ReadonlyMap<string, number> = fleetMap(input);
    let prevReplicas = candidateReplicas(input, initialReplicas(input));
    for (let t = 0; t < input.windows.length; t++) {
      const env = windowEnv(ctx, t, prev, caps?.[t], prevReplicas);
      const scope = { ctx, env, state: solveWindow(ctx, env) };
      spends.push(windowSpend(scope));
      envs.push(env);
      states.push(scope.state);
      prev = scope.state.vms;
      prevReplicas = scope.state.replicas;
    }
    return { run: { envs, states }, spends };
  };
  const first = run();
  const budget = input.policies.budget;
  if (budget?.mode !== 'hard') return first.run;
  const total = first.spends.reduce((a, b) => a + b, 0);
  if (total <= budget.usd) return first.run;
  return run(first.spends.map((spend) => (budget.usd * spend) / total)).run;
}

/** The plan of a horizon run (status 'feasible': no solver proved it). */
export function assembleHorizon(ctx: Context, { envs, states }: HorizonRun): Plan {
  const windows = states.map((state, t) => toPlanWindow({ ctx, env: envs[t]!, state }));
  return assemblePlan(ctx.input, windows, 'feasible');
}
