import { join, resolve } from 'node:path';
import { explainUnmet } from '../capacity/diagnose.js';
import { gapOf, planCapacity, relaxationBound, type PlanResult, type Strategy } from '../capacity/solve.js';
import { greedyWindowFallback } from '../heuristics/index.js';
import { NO_PLAN_STATUSES, type Plan, type PlanningInput } from '../capacity/types.js';
import type { Scenario } from '../scenario/schema.js';
import { buildProblem } from '../capacity/formulation.js';
import { ExitCode, InputError, InternalError } from '../errors.js';
import { writeLpText } from '../lp/index.js';
import { renderPlanTable } from '../report/plan-table.js';
import { toPlanDocument } from '../plan-document/index.js';
import { getIsolatedSolver, getSolver } from '../solvers/registry.js';
import type { Solver } from '../solvers/types.js';
import { checkPlan } from '../validate/check-plan.js';
import { checkFutures, futuresOf } from '../validate/resilience.js';
import { activePolicies } from '../capacity/policies.js';
import { summarisePolicies } from '../capacity/policy-summary.js';
import { chalkFor, writeFileAtomic, type CliIo } from './io.js';
import { windowProgress } from './progress.js';
import { loadScenarioFile, parseMaxUnmet, windowOverrides } from './scenario-inputs.js';

export interface SolveCommandOptions {
  solver?: string;
  timeLimit?: number;
  gap?: number;
  windows?: string;
  format: 'table' | 'json';
  out?: string;
  emitLp?: string;
  set: string[];
  maxUnmet: string;
  strategy?: Strategy | 'auto';
  /** With gh/agh: also solve the LP relaxation (HiGHS) to report a proven gap. */
  bound?: boolean;
  resilienceCost?: boolean;
}

/** `planner solve [SCENARIO]`: plan, check the plan independently, print, write atomically, pick the exit code. */
export async function solveCommand(scenarioPath: string | undefined, options: SolveCommandOptions, io: CliIo): Promise<ExitCode> {
  const overrides = [...(options.windows ? windowOverrides(options.windows) : []), ...options.set];
  const loaded = await loadScenarioFile(scenarioPath, overrides, io);
  const { scenario, input } = loaded;
  const maxUnmet = parseMaxUnmet(options.maxUnmet);

  if (options.emitLp) {
    // The joint horizon model: what any external solver should solve to check this plan's optimum.
    const built = buildProblem(input);
    await writeFileAtomic(resolve(io.cwd, options.emitLp), writeLpText(built.program, { names: 'labels' }));
  }

  const solverName = options.solver ?? scenario.solver.name;
  const plan = (planning: PlanningInput) => planWith(planning, solverName, options, scenario.solver, io);
  const result = await plan(input);
  if (activePolicies(input).length) result.plan.policies = summarisePolicies(input, result.plan);
  if (options.resilienceCost) await addResilienceCost(input, result, plan);
  await assertPlanChecks(input, result.plan);
  const document = toPlanDocument(result.plan, result.solver, { name: scenario.name, hash: loaded.hash, overrides });
  const json = `${JSON.stringify(document, null, 2)}\n`;
  if (options.out) await writeFileAtomic(join(resolve(io.cwd, options.out), 'plan.json'), json);
  if (options.format === 'json') io.stdout.write(json);
  else io.stdout.write(renderPlanTable(document, chalkFor(io)));

  const noPlan = NO_PLAN_STATUSES.includes(result.plan.status);
  if (noPlan) {
    io.stderr.write(`planner: no plan: ${result.solver.reason}\n`);
    return ExitCode.noPlan;
  }
  if (result.plan.status === 'time_limited') {
    io.stderr.write(`planner: time-limited plan: ${result.solver.reason}\n`);
    return ExitCode.timeLimited;
  }
  const totalRequests = result.plan.totals.servedRequests + result.plan.totals.unmetRequests;
  if (maxUnmet.exceeded(result.plan.totals.unmetRequests, totalRequests)) {
    io.stderr.write(
      `planner: ${result.plan.totals.unmetRequests} requests cannot be served (limit ${maxUnmet.text}); see the unmet demand per workload and window above\n`,
    );
    return ExitCode.noPlan;
  }
  return ExitCode.ok;
}

const HEURISTICS: readonly string[] = ['gh', 'agh'];

type SolverFlags = Pick<SolveCommandOptions, 'strategy' | 'timeLimit' | 'gap' | 'bound'>;

/** Plans with a solver backend or a heuristic by name; the flags override the scenario's solver settings (also used by sweep). */
export async function planWith(
  input: PlanningInput,
  solverName: string,
  options: SolverFlags,
  defaults: Scenario['solver'],
  io: CliIo,
): Promise<PlanResult> {
  if (HEURISTICS.includes(solverName)) return runHeuristic(input, solverName as 'gh' | 'agh', options, defaults);
  return runSolver(input, solverName, options, defaults, io);
}

/** The plan must pass the independent checker (N+1 futures too); a plan that does not is a bug in planner, not bad input. */
export async function assertPlanChecks(input: PlanningInput, plan: Plan, what = 'the solved plan'): Promise<void> {
  const check = checkPlan(input, plan);
  const futures = futuresOf(input);
  if (futures.length && plan.windows.length) {
    const { routingLpSolver } = await import('./validate.js');
    for (const future of await checkFutures(input, plan, futures, await routingLpSolver())) check.violations.push(...future.violations);
  }
  if (check.violations.length) {
    throw new InternalError(
      `${what} fails its own check:\n${check.violations
        .slice(0, 10)
        .map((v) => `  ${v.group}: ${v.message}`)
        .join('\n')}`,
    );
  }
}

async function runSolver(
  input: PlanningInput,
  solverName: string,
  options: SolverFlags,
  defaults: Scenario['solver'],
  io: CliIo,
): Promise<PlanResult> {
  let solver: Solver;
  try {
    solver = getIsolatedSolver(solverName);
  } catch (error) {
    throw new InputError({ field: '--solver', message: (error as Error).message });
  }
  const progress = windowProgress(io);
  const result = await planCapacity(input, (program, solveOptions) => solver.solve(program, solveOptions), solverName, {
    strategy: options.strategy ?? defaults.strategy,
    timeLimitSec: options.timeLimit ?? defaults.timeLimitSec,
    relativeGap: options.gap ?? defaults.gap,
    progress: (done, total) => progress.update(done, total),
    ...greedyWindowFallback(input),
  });
  progress.finish();
  return result;
}

/** GH/AGH: no solver; the plan is feasible, not proven (--bound adds the LP relaxation's bound). */
async function runHeuristic(
  input: PlanningInput,
  name: 'gh' | 'agh',
  options: SolverFlags,
  defaults: Scenario['solver'],
): Promise<PlanResult> {
  const unsupported = activePolicies(input);
  if (unsupported.length) {
    throw new InputError({
      field: '--solver',
      message: `${name} does not implement ${unsupported.join(', ')}`,
      fix: 'use --solver highs or glpk, or turn these policies off',
    });
  }
  const { planHeuristic } = await import('../heuristics/index.js');
  const { plan, seconds, objective } = planHeuristic(input, name);
  let bound: number | undefined;
  let boundSeconds = 0;
  if (options.bound) {
    const started = performance.now();
    const highs = await getSolver('highs');
    bound = await relaxationBound(
      input,
      (program, solveOptions) => highs.solve(program, solveOptions),
      options.timeLimit ?? defaults.timeLimitSec,
    );
    boundSeconds = (performance.now() - started) / 1000;
  }
  const method =
    name === 'gh'
      ? 'greedy by cost per effective coverage (DESIGN section 7)'
      : 'adaptive greedy: multi-start, relocate and consolidate (DESIGN section 7)';
  const boundNote = !options.bound
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

/**
 * The cost of resilience: the same scenario planned without N+1, same solver and strategy. Both plans are
 * solved to the same gap, so the difference is only as exact as the two gaps allow (both are reported).
 */
async function addResilienceCost(
  input: PlanningInput,
  result: PlanResult,
  plan: (input: PlanningInput) => Promise<PlanResult>,
): Promise<void> {
  const locality = input.policies.locality;
  if (!locality?.nPlusOne || !result.plan.policies?.locality) {
    throw new InputError({
      field: '--resilience-cost',
      message: 'the scenario does not ask for N+1',
      fix: 'set policies.locality.nPlusOne: true (or --set policies.locality.nPlusOne=true)',
    });
  }
  const without = await plan({ ...input, policies: { ...input.policies, locality: { ...locality, nPlusOne: false } } });
  const cost = (r: PlanResult) => r.plan.totals.costUsd + r.plan.totals.startupCostUsd;
  result.plan.policies.locality.costWithoutNPlusOneUsd = Math.round(cost(without) * 100) / 100;
  result.plan.policies.locality.resilienceCostUsd = Math.round((cost(result) - cost(without)) * 100) / 100;
}
