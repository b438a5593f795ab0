/** GH, the greedy heuristic: one window served in descending demand order, then M3 and idle VMs released; over the horizon. */
import type { Plan, PlanningInput } from '../capacity/types.js';
import type { Context } from './context.js';
import { planHorizon } from './horizon.js';
import { repack, trim } from './repack.js';
import { serve } from './serve.js';
import { emptyState, type WindowEnv, type WindowState } from './window.js';

/*
 * GH is the greedy heuristic of DESIGN.md section 7 (after the Fast Heterogeneous Serving paper, seeds 2.4).
 * No solver: every plan it makes is feasible for the MILP of section 6 (groups 1-4, 8 scale-out, 9 budget),
 * with unmet demand where nothing fits.
 *
 * Per window, demand pairs (workload, origin) are served in descending demand order (serve.ts):
 *   1. spare capacity of replicas already placed (nearest region first);
 *   2. free GPUs of VMs already bought (fewest GPUs per request/s covered);
 *   3. a new VM, ranked by cost per effective coverage (M2): VM cost / min(remaining demand, replicas per VM
 *      x rate x (1 - headroom)), over the configs reachable within the RTT bound whose rate for the workload
 *      is the TP-aware feasibility test (M1: candidates exist only where memory fits and the SLO holds).
 *      A VM is bought only if it costs less than leaving what it covers unmet, and only within quotas,
 *      the scale-out limit and (when set) the window's share of a hard budget.
 * Then M3 (repack.ts): per (llm, sku, region) the load is moved to the single TP degree that needs the fewest
 * GPUs when that beats the current mix, and VMs left empty are released.
 */

/** Pair indices by descending demand (ties by index). */
export function demandOrder(env: WindowEnv): number[] {
  return env.demand.map((_, i) => i).sort((a, b) => env.demand[b]! - env.demand[a]! || a - b);
}

/** GH for one window: serve in descending demand order, then M3 and release idle VMs. */
export function greedyWindow(ctx: Context, env: WindowEnv): WindowState {
  const scope = { ctx, env, state: emptyState(env) };
  serve(scope, demandOrder(env), { allowBuy: true });
  repack(scope);
  trim(scope);
  return scope.state;
}

/** GH over the horizon (see the top of this file). */
export function greedyPlan(input: PlanningInput): Plan {
  return planHorizon(input, greedyWindow);
}
