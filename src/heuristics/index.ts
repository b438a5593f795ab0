import { planObjective, type WindowFallback } from '../capacity/solve.js';
import { candidateReplicas } from '../capacity/model-load.js';
import { heuristicGaps } from '../capacity/policies.js';
import type { Plan, PlanningInput } from '../capacity/types.js';
import { adaptiveGreedySearch, type AghOptions, type AghWork } from './agh.js';
import { buildContext } from './context.js';
import { greedyPlan, greedyWindow } from './gh.js';
import { rerouteUnmet } from './reroute.js';
import { toPlanWindow } from './plan-window.js';
import { windowEnv } from './window.js';

export { greedyPlan } from './gh.js';
export {
  AGH_DEFAULTS,
  adaptiveGreedyPlan,
  adaptiveGreedySearch,
  aghSettings,
  type AghOptions,
  type AghResult,
  type AghWork,
} from './agh.js';
export { solveExhaustive, type ExhaustiveResult } from './exhaustive.js';

export type HeuristicName = 'gh' | 'agh';

export const HEURISTIC_NAMES: readonly HeuristicName[] = ['gh', 'agh'];

export interface HeuristicResult {
  plan: Plan;
  seconds: number;
  /** planObjective of the plan: VM cost + start-ups + unmet penalties + tie-breaks (the MILP's objective). */
  objective: number;
  /** AGH's work counts (moves evaluated, extra starts): the same on any machine for the same input. */
  work?: AghWork;
}

/** Runs GH or AGH (no solver), then serves what it left unmet on its own fleet where it can (reroute.ts): the plan's status is 'feasible', never 'optimal'. */
export function planHeuristic(input: PlanningInput, name: HeuristicName, options: AghOptions = {}): HeuristicResult {
  const started = performance.now();
  let plan: Plan;
  let work: AghWork | undefined;
  if (name === 'gh') plan = greedyPlan(input);
  else if (name === 'agh') ({ plan, work } = adaptiveGreedySearch(input, options));
  else throw new RangeError(`unknown heuristic '${String(name)}'; available: ${HEURISTIC_NAMES.join(', ')}`);
  // Greedy routing can strand a remainder that the fleet could carry with other origins moved.
  plan = rerouteUnmet(input, plan);
  return { plan, seconds: (performance.now() - started) / 1000, objective: planObjective(input, plan), ...(work ? { work } : {}) };
}

/**
 * GH's plan for one window from a given fleet, as the exact path's deterministic fallback (planCapacity's
 * windowFallback, as options to spread). None for scenarios with policies GH does not implement (groups 5-7, deferrable).
 */
export function greedyWindowFallback(input: PlanningInput): { windowFallback?: WindowFallback } {
  if (heuristicGaps(input).length) return {};
  const ctx = buildContext(input);
  const windowFallback: WindowFallback = (t, previous, previousReplicas) => {
    const env = windowEnv(ctx, t, previous, undefined, candidateReplicas(input, previousReplicas));
    return toPlanWindow({ ctx, env, state: greedyWindow(ctx, env) });
  };
  return { windowFallback };
}
