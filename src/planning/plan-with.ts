import { explainUnmet } from '../capacity/diagnose.js';
import { heuristicGaps } from '../capacity/policies.js';
import { gapOf, planCapacity, relaxationBound, type PlanResult, type Strategy } from '../capacity/solve.js';
import type { PlanningInput } from '../capacity/types.js';
import { InputError } from '../errors.js';
import { greedyWindowFallback } from '../heuristics/index.js';
import type { Scenario } from '../scenario/schema.js';
import { getIsolatedSolver, getSolver } from '../solvers/registry.js';
import type { Solver } from '../solvers/types.js';

/** The heuristics planWith runs without a solver backend. */
export const HEURISTIC_NAMES = ['gh', 'agh'] as const;
export type HeuristicName = (typeof HEURISTIC_NAMES)[number];

/** Settings that override the scenario's solver section (each falls back to it when undefined). */
export interface PlanSettings {
  strategy?: Strategy | 'auto' | undefined;
  /** Wall-clock safety net per solve, seconds. */
  timeLimitSec?: number | undefined;
  /** Relative MIP gap to stop at (the scenario's solver.gap, the CLI's --gap). */
  relativeGap?: number | undefined;
  /** With gh/agh: also solve the LP relaxation (HiGHS) to report a proven gap. */
  bound?: boolean | undefined;
}

/** Called as windows are solved: `done` of `total`. */
export type ProgressFn = (done: number, total: number) => void;

/** Plans with a solver backend or a heuristic by name (solve, sweep points and the library all plan here). */
export async function planWith(
  input: PlanningInput,
  solverName: string,
  settings: PlanSettings,
  defaults: Scenario['solver'],
  progress?: ProgressFn,
): Promise<PlanResult> {
  if ((HEURISTIC_NAMES as readonly string[]).includes(solverName)) {
    return runHeuristic(input, solverName as HeuristicName, settings, defaults);
  }
  return runSolver(input, solverName, settings, defaults, progress);
}

async function runSolver(
  input: PlanningInput,
  solverName: string,
  settings: PlanSettings,
  defaults: Scenario['solver'],
  progress?: ProgressFn,
): Promise<PlanResult> {
  let solver: Solver;
  try {
    solver = getIsolatedSolver(solverName);
  } catch (error) {
    throw new InputError({ field: '--solver', message: (error as Error).message });
  }
  return planCapacity(input, (program, solveOptions) => solver.solve(program, solveOptions), solverName, {
    strategy: settings.strategy ?? defaults.strategy,
    timeLimitSec: settings.timeLimitSec ?? defaults.timeLimitSec,
    relativeGap: settings.relativeGap ?? defaults.gap,
    progress: (done, total) => progress?.(done, total),
    ...greedyWindowFallback(input),
  });
}

/** GH/AGH: no solver; the plan is feasible, not proven (`bound` adds the LP relaxation's bound). */
async function runHeuristic(
  input: PlanningInput,
  name: HeuristicName,
  settings: PlanSettings,
  defaults: Scenario['solver'],
): Promise<PlanResult> {
  const unsupported = heuristicGaps(input);
  if (unsupported.length) {
    throw new InputError({
      field: '--solver',
      message: `${name} does not implement ${unsupported.join(', ')}`,
      fix: 'use --solver highs or glpk, or turn these policies (or commitments) off',
    });
  }
  const { planHeuristic } = await import('../heuristics/index.js');
  const { plan, seconds, objective } = planHeuristic(input, name);
  let bound: number | undefined;
  let boundSeconds = 0;
  if (settings.bound) {
    const started = performance.now();
    const highs = await getSolver('highs');
    bound = await relaxationBound(
      input,
      (program, solveOptions) => highs.solve(program, solveOptions),
      settings.timeLimitSec ?? defaults.timeLimitSec,
    );
    boundSeconds = (performance.now() - started) / 1000;
  }
  const method =
    name === 'gh'
      ? 'greedy by cost per effective coverage (DESIGN section 7)'
      : 'adaptive greedy: multi-start, relocate and consolidate (DESIGN section 7)';
  const boundNote = !settings.bound
    ? ''
    : bound === undefined
      ? '; the LP relaxation did not solve in time: no bound'
      : `; bound: HiGHS LP relaxation in ${boundSeconds.toFixed(2)} s`;
  return {
    plan: explainUnmet(input, plan),
    solver: {
      name,
      strategy: 'heuristic',
      reason: method + boundNote,
      status: plan.status,
      objective,
      ...(bound !== undefined ? { bound } : {}),
      ...gapOf(objective, bound),
      seconds: seconds + boundSeconds,
      windowsSolved: plan.windows.length,
      statuses: { [plan.status]: 1 },
    },
  };
}
