import { availableParallelism } from 'node:os';
import { InputError } from '../errors.js';
import type { SolveFn } from '../lp/index.js';
import { comparisonRows, redirectRows, type SimulationSummary } from '../report/simulation.js';
import { learningSummary } from '../report/simulation-learning.js';
import type { LoadedScenario } from '../scenario/loaded.js';
import { parseCapacityEvents } from '../simulate/events.js';
import { MAX_STEPS_AHEAD } from '../simulate/forecast-next.js';
import { queueProfiles } from '../simulate/queueing.js';
import { compareDispatch, heterogeneity } from '../simulate/request-compare.js';
import { simulate, type SimulationResult } from '../simulate/runner.js';
import type { ContenderName } from '../simulate/contenders.js';
import type { Stress } from '../simulate/types.js';
import { getIsolatedSolver, newIsolatedSolver } from '../solvers/registry.js';
import type { Solver } from '../solvers/types.js';

export interface SimulateScenarioOptions {
  contenders: readonly ContenderName[];
  /** Hours of demand used only as history before the first planned window. */
  warmupHours: number;
  /** Days to simulate after the warm-up (default: the rest of the horizon). */
  days?: number | undefined;
  stress?: Stress | undefined;
  /** A capacity events CSV's text and its name for messages (gpu,region,from_utc,to_utc,available_gpus). */
  events?: { text: string; file: string } | undefined;
  /** Solver backend (default: the scenario's). */
  solver?: string | undefined;
  /** Wall-clock safety net per planning call (default: the scenario's). */
  timeLimitSec?: number | undefined;
  /** Relative MIP gap per planning call (default: the scenario's solver.gap). */
  relativeGap?: number | undefined;
  /** Hours the planner commits per planning point (default: one window). */
  commitHours?: number | undefined;
  /**
   * Also replay a window's fleet request by request: a window index (or its text, as --request-sim gives it),
   * or 'auto': the most heterogeneous; none when undefined.
   */
  requestSim?: number | string | undefined;
  /** The planner learns per-config rate factors from its own evaluated windows (default true). */
  learnRates?: boolean | undefined;
  /** Windows simulated so far by the contender named. */
  progress?: ((done: number, total: number, contender: string) => void) | undefined;
}

export interface ScenarioSimulation {
  result: SimulationResult;
  /** The simulation.json summary (`planner simulate --format json`). */
  summary: SimulationSummary;
  warmupWindows: number;
}

/**
 * Replays the scenario's demand through forecast, plan and evaluation for each contender (`planner
 * simulate`); with capacity events, the planner is also run without them for the redirect table.
 */
export async function simulateScenario(loaded: LoadedScenario, options: SimulateScenarioOptions): Promise<ScenarioSimulation> {
  const { scenario, input } = loaded;
  const stress = options.stress ?? {};
  const hours = input.windows[0]?.hours ?? 1;
  const warmupWindows = Math.round(options.warmupHours / hours);
  checkWindows(options, input.windows.length, hours, warmupWindows, stress);
  const events = options.events ? parseCapacityEvents(options.events.text, options.events.file, input) : undefined;
  const solverName = options.solver ?? scenario.solver.name;
  let solver: Solver;
  try {
    solver = getIsolatedSolver(solverName);
  } catch (error) {
    throw new InputError({ field: options.solver ? '--solver' : `${loaded.file} solver.name`, message: (error as Error).message });
  }
  const solve: SolveFn = (program, solveOptions) => solver.solve(program, solveOptions);
  // A second thread runs contenders beside the first where there is a core for it; same figures either way.
  const more = availableParallelism() > 1 && options.contenders.length > 1 ? [newIsolatedSolver(solverName)] : [];
  const moreSolves: SolveFn[] = more.map((other) => (program, solveOptions) => other.solve(program, solveOptions));
  // Size classes are planned and simulated as workloads of their own (the units).
  const units = loaded.units ?? { scenario, mixes: loaded.mixes };
  const slos = units.scenario.workloads.map((w) => w.slo);
  const common = {
    warmupWindows,
    ...(options.days !== undefined ? { days: options.days } : {}),
    stress,
    solve,
    moreSolves,
    solverName,
    relativeGap: options.relativeGap ?? scenario.solver.gap,
    planStrategy: scenario.solver.strategy,
    // Safety nets only: every solve stops by its deterministic work limits.
    timeLimitSec: options.timeLimitSec ?? scenario.solver.timeLimitSec,
    horizonTimeLimitSec: 4 * (options.timeLimitSec ?? scenario.solver.timeLimitSec),
    localOffsetHours: units.scenario.workloads.map((w) => w.demand.shiftHours),
    commitWindows: options.commitHours === undefined ? 1 : options.commitHours / hours,
    progress: (contender: string, done: number, total: number) => options.progress?.(done, total, contender),
    queueProfile: queueProfiles(input, loaded.catalog, units.mixes, slos, loaded.measuredProfiles),
    learnRates: options.learnRates ?? true,
  };
  const result = await simulate(input, { ...common, contenders: options.contenders, ...(events ? { events } : {}) });
  // The redirect table needs the planner's routing without the events, on the same demand.
  let reference: SimulationResult | undefined;
  if (events && events.length > 0 && options.contenders.includes('planner'))
    reference = await simulate(input, { ...common, contenders: ['planner'] });

  const planner = result.contenders.find((s) => s.name === 'planner');
  // What a throughput over-estimate cost: the same planner on the same demand with the true rates.
  const optimism = stress.throughputOptimism !== undefined && stress.throughputOptimism !== 1 ? stress.throughputOptimism : undefined;
  let trueRates: SimulationResult | undefined;
  if (optimism !== undefined && planner?.learning) {
    const { throughputOptimism: _optimism, ...rest } = stress;
    trueRates = await simulate(input, { ...common, stress: rest, contenders: ['planner'], ...(events ? { events } : {}) });
  }
  const learning = planner ? learningSummary(planner, trueRates?.contenders[0], optimism) : undefined;
  const rows = comparisonRows(result);
  const redirect = planner && reference ? redirectRows(planner, reference.contenders[0]) : [];
  let requestSim: SimulationSummary['requestSim'];
  if (options.requestSim !== undefined) {
    const source = planner ?? result.contenders[0]!;
    // auto: the window whose fleet mixes the most replica kinds for one workload in one region (the first such).
    const chosen = requestSimWindow(options);
    const k =
      chosen !== undefined
        ? result.windows.indexOf(chosen)
        : source.fleets.reduce(
            (best, fleet, i) => (heterogeneity(input, fleet) > heterogeneity(input, source.fleets[best]!) ? i : best),
            0,
          );
    const window = result.windows[k]!;
    const dispatch = compareDispatch(input, loaded.catalog, units.mixes, slos, source.fleets[k]!, loaded.measuredProfiles);
    requestSim = { window, start: input.windows[window]!.start, dispatch };
  }
  const summary: SimulationSummary = {
    scenario: { name: scenario.name, hash: loaded.hash, overrides: loaded.overrides },
    windows: { first: result.windows[0], count: result.windows.length, start: input.windows[result.windows[0]!]!.start, warmupWindows },
    stress,
    ...(result.burstWindow !== undefined ? { burstWindow: result.burstWindow } : {}),
    events: events ?? [],
    comparison: rows,
    redirect,
    ...(requestSim ? { requestSim } : {}),
    ...(learning ? { learning } : {}),
    ...(input.withinWindow
      ? { provisionedFor: Object.fromEntries(input.workloads.map((w, i) => [w.id, input.withinWindow!.provisionedFor[i]!])) }
      : {}),
  };
  return { result, summary, warmupWindows };
}

/** The warm-up, days, burst window, commit hours and request-sim window must leave windows to simulate. */
function checkWindows(options: SimulateScenarioOptions, windows: number, hours: number, warmupWindows: number, stress: Stress): void {
  if (warmupWindows >= windows) {
    throw new InputError({
      field: '--warmup-hours',
      message: `${options.warmupHours} h of warm-up leaves none of the scenario's ${windows} windows to simulate`,
      fix: 'shorten the warm-up or lengthen horizon.windows',
    });
  }
  if (options.days !== undefined && Math.round((options.days * 24) / hours) < 1) {
    throw new InputError({
      field: '--days',
      message: `${options.days} days is less than one ${hours} h window`,
      fix: `simulate at least ${hours / 24} days`,
    });
  }
  if (options.days !== undefined && Math.round((options.days * 24) / hours) > windows - warmupWindows) {
    const left = windows - warmupWindows;
    const leftDays = Number(((left * hours) / 24).toFixed(2));
    throw new InputError({
      field: '--days',
      message: `${options.days} days goes beyond the horizon: after the warm-up, ${left} of its ${windows} windows (${leftDays} day${leftDays === 1 ? '' : 's'}) are left to simulate`,
      fix: `give --days ${leftDays} or less, or lengthen horizon.windows`,
    });
  }
  if (stress.burst?.window !== undefined && (stress.burst.window < warmupWindows || stress.burst.window >= windows)) {
    throw new InputError({
      field: '--stress',
      message: `burst window ${stress.burst.window} is not simulated (windows ${warmupWindows}..${windows - 1})`,
      fix: 'write burst=FACTOR@WINDOW with a simulated window',
    });
  }
  const commitWindows = options.commitHours === undefined ? 1 : options.commitHours / hours;
  if (!Number.isInteger(commitWindows) || commitWindows < 1 || commitWindows > MAX_STEPS_AHEAD) {
    throw new InputError({
      field: '--commit-hours',
      message: `${options.commitHours} h is not a whole number of ${hours} h windows between 1 and ${MAX_STEPS_AHEAD}`,
      fix: `commit 1 to ${MAX_STEPS_AHEAD} windows (a day at most: the forecast reads the same hour a day earlier)`,
    });
  }
  const window = requestSimWindow(options);
  if (window !== undefined && (!Number.isInteger(window) || window < warmupWindows || window >= windows)) {
    throw new InputError({
      field: '--request-sim',
      message: `'${options.requestSim}' is not a simulated window (${warmupWindows}..${windows - 1})`,
      fix: 'name a simulated window index, or auto',
    });
  }
}

/** The window --request-sim names; undefined for none and for auto. */
function requestSimWindow(options: SimulateScenarioOptions): number | undefined {
  return options.requestSim === undefined || options.requestSim === 'auto' ? undefined : Number(options.requestSim);
}
